#include "pg/pg_repositories.hpp"

#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

PgWorkRepository::PgWorkRepository(pg::Connection& c, int srid) : c_(c), srid_(srid) {}

std::int64_t PgWorkRepository::insert(const geo::Work& /*work*/, std::string_view /*user*/) {
  pg::not_yet("WorkRepository::insert");
}

geo::Work PgWorkRepository::get(std::int64_t /*id*/) { pg::not_yet("WorkRepository::get"); }

std::optional<geo::Work> PgWorkRepository::find(std::int64_t /*id*/) {
  pg::not_yet("WorkRepository::find");
}

std::optional<geo::Work> PgWorkRepository::find_by_reference(std::string_view /*reference*/) {
  pg::not_yet("WorkRepository::find_by_reference");
}

std::vector<geo::Work> PgWorkRepository::all() { pg::not_yet("WorkRepository::all"); }

std::vector<geo::Work> PgWorkRepository::open() { pg::not_yet("WorkRepository::open"); }

std::int64_t PgWorkRepository::count() { return c_.exec("SELECT count(*) FROM works").int64(0, 0); }

geo::Work PgWorkRepository::update(const geo::Work& /*work*/, std::int64_t /*expected_version*/,
                                   geo::Timestamp /*at*/) {
  pg::not_yet("WorkRepository::update");
}

geo::WorkStatusChange PgWorkRepository::set_status(
    geo::WorkStatusChange /*change*/, std::optional<std::int64_t> /*expected_version*/) {
  pg::not_yet("WorkRepository::set_status");
}

std::vector<geo::WorkStatusChange> PgWorkRepository::status_history(std::int64_t /*work_id*/) {
  pg::not_yet("WorkRepository::status_history");
}

}  // namespace rootzone::storage
