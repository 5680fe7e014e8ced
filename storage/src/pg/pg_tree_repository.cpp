#include <string>

#include "pg/connection.hpp"
#include "pg/pg_repositories.hpp"
#include "pg/pg_tree_rows.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"
#include "tree_changes.hpp"

namespace rootzone::storage {

namespace {

std::optional<geo::Tree> find_where(pg::Connection& c, const std::string& where,
                                    const std::string& key) {
  const auto r = c.exec(pg::select_tree + where, {key});
  if (r.rows() == 0) return std::nullopt;
  return pg::read_tree(r, 0);
}

constexpr const char* insert_history_sql =
    "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value)"
    " VALUES ($1, $2, $3, $4, $5, $6)";

}  // namespace

PgTreeRepository::PgTreeRepository(pg::Connection& c, int srid) : c_(c), srid_(srid) {}

std::int64_t PgTreeRepository::insert(const geo::Tree& tree) {
  // A savepoint, as on SQLite: a refused tree leaves the caller's transaction usable.
  // Refused before the INSERT where possible: a refused INSERT has taken an id from the
  // sequence, and the next tree's id would differ from SpatiaLite's.
  if (const auto broken = pg::broken_check(tree)) {
    throw ConstraintViolation("tree " + tree.source_id + ": " + *broken);
  }
  if (c_.exec("SELECT 1 FROM trees WHERE source_id = $1", {tree.source_id}).rows() > 0) {
    throw ConstraintViolation("tree " + tree.source_id +
                              ": UNIQUE constraint failed: trees.source_id");
  }
  pg::Transaction tx(c_);
  std::int64_t id = 0;
  try {
    const auto at = geo::format_utc(detail::now_if_zero(tree.updated_at));
    // The stems travel in the row's stems_cm; tree_stems is a view of them (migration 0008).
    id = c_.exec(pg::insert_tree_sql, pg::tree_parameters(tree, at, srid_, 1)).int64(0, 0);
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("tree " + tree.source_id + ": " + e.what());
  }
  tx.commit();
  return id;
}

std::optional<geo::Tree> PgTreeRepository::find(std::int64_t id) {
  return find_where(c_, "WHERE id = $1", std::to_string(id));
}

geo::Tree PgTreeRepository::get(std::int64_t id) {
  auto tree = find(id);
  if (!tree) throw NotFound("tree " + std::to_string(id) + " not found");
  return std::move(*tree);
}

std::optional<geo::Tree> PgTreeRepository::find_by_source_id(std::string_view source_id) {
  return find_where(c_, "WHERE source_id = $1", std::string(source_id));
}

std::vector<geo::Tree> PgTreeRepository::all() {
  const auto r = c_.exec(std::string(pg::select_tree) + "ORDER BY id");
  std::vector<geo::Tree> trees;
  trees.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) trees.push_back(pg::read_tree(r, i));
  return trees;
}

std::int64_t PgTreeRepository::count() { return c_.exec("SELECT count(*) FROM trees").int64(0, 0); }

geo::Tree PgTreeRepository::update(const geo::Tree& tree, std::int64_t expected_version,
                                   std::string_view user, geo::Timestamp at) {
  pg::Transaction tx(c_);
  // FOR UPDATE: no other writer changes the row between this read and the UPDATE, so the
  // history's old values are the ones replaced.
  auto stored = find_where(c_, "WHERE id = $1 FOR UPDATE", std::to_string(tree.id));
  if (!stored) throw NotFound("tree " + std::to_string(tree.id) + " not found");
  if (stored->version != expected_version) {
    throw VersionConflict("tree " + std::to_string(tree.id) + ": version " +
                          std::to_string(expected_version) + " expected, store has " +
                          std::to_string(stored->version));
  }
  const auto changes = detail::changed_fields(*stored, tree);
  if (changes.empty()) return std::move(*stored);
  try {
    pg::write_update(c_, srid_, tree, *stored, changes, user, geo::format_utc(at));
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("tree " + std::to_string(tree.id) + ": " + e.what());
  }
  tx.commit();
  return get(tree.id);
}

std::vector<geo::TreeChange> PgTreeRepository::history(std::int64_t tree_id) {
  const auto r = c_.exec(
      "SELECT id, tree_id, at, user_name, field, old_value, new_value, rule_set,"
      " rule_set_citation FROM tree_history WHERE tree_id = $1 ORDER BY id",
      {std::to_string(tree_id)});
  std::vector<geo::TreeChange> changes;
  for (int i = 0; i < r.rows(); ++i) {
    changes.push_back({.id = r.int64(i, 0),
                       .tree_id = r.int64(i, 1),
                       .at = pg::timestamp_value(r, i, 2, "tree_history.at"),
                       .user = r.text(i, 3),
                       .field = r.text(i, 4),
                       .old_value = pg::optional_text(r, i, 5),
                       .new_value = pg::optional_text(r, i, 6),
                       .rule_set = pg::optional_text(r, i, 7),
                       .rule_set_citation = pg::optional_text(r, i, 8)});
  }
  return changes;
}

void PgTreeRepository::add_history_note(const geo::TreeChange& note) {
  pg::Transaction tx(c_);
  c_.exec(insert_history_sql,
          {std::to_string(note.tree_id), geo::format_utc(detail::now_if_zero(note.at)), note.user,
           note.field, note.old_value, note.new_value});
  tx.commit();
}

std::int64_t PgTreeRepository::add_inspection(const geo::Inspection& i) {
  // The foreign key tested before the INSERT, in SQLite's words: a refused INSERT would take an
  // id from the sequence, and the next inspection's id would differ from SpatiaLite's.
  if (c_.exec("SELECT 1 FROM trees WHERE id = $1", {std::to_string(i.tree_id)}).rows() == 0) {
    throw ConstraintViolation("inspection of tree " + std::to_string(i.tree_id) +
                              ": FOREIGN KEY constraint failed");
  }
  pg::Transaction tx(c_);
  std::int64_t id = 0;
  try {
    id = c_.exec(
               "INSERT INTO inspections (tree_id, inspected_on, kind, inspector, findings,"
               " measures, measures_deadline, next_inspection, recorded_at, recorded_by)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
               {std::to_string(i.tree_id), geo::format_date(i.inspected_on),
                std::string(geo::to_string(i.kind)), i.inspector, i.findings, i.measures,
                detail::date_text(i.measures_deadline), detail::date_text(i.next_inspection),
                geo::format_utc(detail::now_if_zero(i.recorded_at)), i.recorded_by})
             .int64(0, 0);
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("inspection of tree " + std::to_string(i.tree_id) + ": " + e.what());
  }
  tx.commit();
  return id;
}

std::vector<geo::Inspection> PgTreeRepository::inspections(std::int64_t tree_id) {
  // COLLATE "C": byte order, as SQLite compares the ISO date text.
  const auto r = c_.exec(
      "SELECT id, tree_id, inspected_on, kind, inspector, findings, measures,"
      " measures_deadline, next_inspection, recorded_at, recorded_by FROM inspections"
      " WHERE tree_id = $1 ORDER BY inspected_on COLLATE \"C\", id",
      {std::to_string(tree_id)});
  std::vector<geo::Inspection> result;
  for (int row = 0; row < r.rows(); ++row) {
    result.push_back(
        {.id = r.int64(row, 0),
         .tree_id = r.int64(row, 1),
         .inspected_on = pg::date_value(r, row, 2, "inspections.inspected_on"),
         .kind = pg::enum_value(r, row, 3, "inspections.kind", geo::inspection_kind_from_string),
         .inspector = r.text(row, 4),
         .findings = r.text(row, 5),
         .measures = r.text(row, 6),
         .measures_deadline = pg::optional_date_value(r, row, 7, "inspections.measures_deadline"),
         .next_inspection = pg::optional_date_value(r, row, 8, "inspections.next_inspection"),
         .recorded_at = pg::timestamp_value(r, row, 9, "inspections.recorded_at"),
         .recorded_by = r.text(row, 10)});
  }
  return result;
}

}  // namespace rootzone::storage
