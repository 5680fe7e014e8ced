#include "pg/pg_repositories.hpp"

#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

PgTreeRepository::PgTreeRepository(pg::Connection& c, int srid) : c_(c), srid_(srid) {}

std::int64_t PgTreeRepository::insert(const geo::Tree& /*tree*/) {
  pg::not_yet("TreeRepository::insert");
}

geo::Tree PgTreeRepository::get(std::int64_t /*id*/) { pg::not_yet("TreeRepository::get"); }

std::optional<geo::Tree> PgTreeRepository::find(std::int64_t /*id*/) {
  pg::not_yet("TreeRepository::find");
}

std::optional<geo::Tree> PgTreeRepository::find_by_source_id(std::string_view /*source_id*/) {
  pg::not_yet("TreeRepository::find_by_source_id");
}

std::vector<geo::Tree> PgTreeRepository::all() { pg::not_yet("TreeRepository::all"); }

std::int64_t PgTreeRepository::count() { return c_.exec("SELECT count(*) FROM trees").int64(0, 0); }

geo::Tree PgTreeRepository::update(const geo::Tree& /*tree*/, std::int64_t /*expected_version*/,
                                   std::string_view /*user*/, geo::Timestamp /*at*/) {
  pg::not_yet("TreeRepository::update");
}

std::vector<geo::TreeChange> PgTreeRepository::history(std::int64_t /*tree_id*/) {
  pg::not_yet("TreeRepository::history");
}

void PgTreeRepository::add_history_note(const geo::TreeChange& /*note*/) {
  pg::not_yet("TreeRepository::add_history_note");
}

std::int64_t PgTreeRepository::add_inspection(const geo::Inspection& /*inspection*/) {
  pg::not_yet("TreeRepository::add_inspection");
}

std::vector<geo::Inspection> PgTreeRepository::inspections(std::int64_t /*tree_id*/) {
  pg::not_yet("TreeRepository::inspections");
}

}  // namespace rootzone::storage
