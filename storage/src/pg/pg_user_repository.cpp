#include <string>

#include "pg/connection.hpp"
#include "pg/pg_repositories.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

namespace {

constexpr const char* select_user =
    "SELECT id, name, role, organisation, created_at, disabled FROM users ";

geo::User read_user(const pg::Result& r, int row) {
  return {.id = r.int64(row, 0),
          .name = r.text(row, 1),
          .role = pg::enum_value(r, row, 2, "users.role", geo::role_from_string),
          .organisation = r.text(row, 3),
          .created_at = pg::timestamp_value(r, row, 4, "users.created_at"),
          .disabled = pg::boolean(r, row, 5)};
}

constexpr const char* select_key =
    "SELECT id, user_id, prefix, hash, created_at, revoked_at FROM api_keys ";

geo::ApiKey read_key(const pg::Result& r, int row) {
  return {.id = r.int64(row, 0),
          .user_id = r.int64(row, 1),
          .prefix = r.text(row, 2),
          .hash = r.text(row, 3),
          .created_at = pg::timestamp_value(r, row, 4, "api_keys.created_at"),
          .revoked_at = pg::optional_timestamp_value(r, row, 5, "api_keys.revoked_at")};
}

}  // namespace

PgUserRepository::PgUserRepository(pg::Connection& c) : c_(c) {}

std::int64_t PgUserRepository::add(const geo::User& user) {
  // A savepoint: a refused row must not abort the caller's transaction (PostgreSQL refuses
  // every later statement of a transaction after an error).
  pg::Transaction tx(c_);
  std::int64_t id = 0;
  try {
    id = c_.exec(
               "INSERT INTO users (name, role, organisation, created_at, disabled)"
               " VALUES ($1, $2, $3, $4, $5) RETURNING id",
               {user.name, std::string(geo::to_string(user.role)), user.organisation,
                geo::format_utc(detail::now_if_zero(user.created_at)),
                pg::boolean_text(user.disabled)})
             .int64(0, 0);
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("user " + user.name + ": " + e.what());
  }
  tx.commit();
  return id;
}

geo::User PgUserRepository::get(std::int64_t id) {
  const auto r = c_.exec(std::string(select_user) + "WHERE id = $1", {std::to_string(id)});
  if (r.rows() == 0) throw NotFound("user " + std::to_string(id) + " not found");
  return read_user(r, 0);
}

std::optional<geo::User> PgUserRepository::find_by_name(std::string_view name) {
  const auto r = c_.exec(std::string(select_user) + "WHERE name = $1", {std::string(name)});
  if (r.rows() == 0) return std::nullopt;
  return read_user(r, 0);
}

std::vector<geo::User> PgUserRepository::all() {
  const auto r = c_.exec(std::string(select_user) + "ORDER BY id");
  std::vector<geo::User> users;
  for (int i = 0; i < r.rows(); ++i) users.push_back(read_user(r, i));
  return users;
}

void PgUserRepository::set_disabled(std::int64_t id, bool disabled) {
  if (c_.exec("UPDATE users SET disabled = $1 WHERE id = $2",
              {pg::boolean_text(disabled), std::to_string(id)})
          .affected() == 0) {
    throw NotFound("user " + std::to_string(id) + " not found");
  }
}

std::int64_t PgUserRepository::add_api_key(const geo::ApiKey& key) {
  pg::Transaction tx(c_);
  std::int64_t id = 0;
  try {
    id = c_.exec(
               "INSERT INTO api_keys (user_id, prefix, hash, created_at, revoked_at)"
               " VALUES ($1, $2, $3, $4, $5) RETURNING id",
               {std::to_string(key.user_id), key.prefix, key.hash,
                geo::format_utc(detail::now_if_zero(key.created_at)),
                key.revoked_at ? std::optional(geo::format_utc(*key.revoked_at)) : std::nullopt})
             .int64(0, 0);
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("API key " + key.prefix + " of user " + std::to_string(key.user_id) +
                              ": " + e.what());
  }
  tx.commit();
  return id;
}

std::optional<geo::ApiKey> PgUserRepository::find_api_key(std::string_view prefix) {
  const auto r = c_.exec(std::string(select_key) + "WHERE prefix = $1", {std::string(prefix)});
  if (r.rows() == 0) return std::nullopt;
  return read_key(r, 0);
}

std::vector<geo::ApiKey> PgUserRepository::api_keys(std::int64_t user_id) {
  const auto r = c_.exec(std::string(select_key) + "WHERE user_id = $1 ORDER BY id",
                         {std::to_string(user_id)});
  std::vector<geo::ApiKey> keys;
  for (int i = 0; i < r.rows(); ++i) keys.push_back(read_key(r, i));
  return keys;
}

void PgUserRepository::revoke_api_key(std::int64_t key_id, geo::Timestamp at) {
  if (c_.exec("UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
              {geo::format_utc(at), std::to_string(key_id)})
          .affected() == 0) {
    throw NotFound("API key " + std::to_string(key_id) + " not found");
  }
}

}  // namespace rootzone::storage
