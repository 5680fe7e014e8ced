#include "pg/pg_repositories.hpp"

#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

PgUserRepository::PgUserRepository(pg::Connection& c) : c_(c) {}

std::int64_t PgUserRepository::add(const geo::User& /*user*/) {
  pg::not_yet("UserRepository::add");
}

geo::User PgUserRepository::get(std::int64_t /*id*/) { pg::not_yet("UserRepository::get"); }

std::optional<geo::User> PgUserRepository::find_by_name(std::string_view /*name*/) {
  pg::not_yet("UserRepository::find_by_name");
}

std::vector<geo::User> PgUserRepository::all() { pg::not_yet("UserRepository::all"); }

void PgUserRepository::set_disabled(std::int64_t /*id*/, bool /*disabled*/) {
  pg::not_yet("UserRepository::set_disabled");
}

std::int64_t PgUserRepository::add_api_key(const geo::ApiKey& /*key*/) {
  pg::not_yet("UserRepository::add_api_key");
}

std::optional<geo::ApiKey> PgUserRepository::find_api_key(std::string_view /*prefix*/) {
  pg::not_yet("UserRepository::find_api_key");
}

std::vector<geo::ApiKey> PgUserRepository::api_keys(std::int64_t /*user_id*/) {
  pg::not_yet("UserRepository::api_keys");
}

void PgUserRepository::revoke_api_key(std::int64_t /*key_id*/, geo::Timestamp /*at*/) {
  pg::not_yet("UserRepository::revoke_api_key");
}

}  // namespace rootzone::storage
