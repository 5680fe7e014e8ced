#include "pg/pg_tree_rows.hpp"

#include <cmath>
#include <string>

#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::pg {

const char* const select_tree =
    "SELECT id, source_id, site, district, ST_X(location), ST_Y(location), species_botanical,"
    " species_german, genus, crown_diameter_m, height_m, planting_year, vitality,"
    " development_phase, last_inspection, next_inspection, status, felled_on, columnar,"
    " is_protected, protection_source, protection_reason, version, updated_at, stems_cm"
    " FROM trees ";

geo::Tree read_tree(const Result& r, int row) {
  geo::Tree t;
  t.id = r.int64(row, 0);
  t.source_id = r.text(row, 1);
  t.site = r.text(row, 2);
  t.district = r.text(row, 3);
  t.location = {r.real(row, 4), r.real(row, 5)};
  t.species_botanical = r.text(row, 6);
  t.species_german = r.text(row, 7);
  t.genus = r.text(row, 8);
  t.crown_diameter_m = optional_real(r, row, 9);
  t.height_m = optional_real(r, row, 10);
  t.planting_year = optional_int32(r, row, 11);
  t.vitality = optional_int32(r, row, 12);
  t.development_phase = r.text(row, 13);
  t.last_inspection = optional_date_value(r, row, 14, "trees.last_inspection");
  t.next_inspection = optional_date_value(r, row, 15, "trees.next_inspection");
  t.status = enum_value(r, row, 16, "trees.status", geo::tree_status_from_string);
  t.felled_on = optional_date_value(r, row, 17, "trees.felled_on");
  t.columnar = optional_boolean(r, row, 18);
  t.protection.is_protected = boolean(r, row, 19);
  t.protection.source =
      enum_value(r, row, 20, "trees.protection_source", geo::protection_source_from_string);
  t.protection.reason = r.text(row, 21);
  t.version = r.int64(row, 22);
  t.updated_at = timestamp_value(r, row, 23, "trees.updated_at");
  t.stem_circumferences_cm = detail::stems_from_column(r.text(row, 24), t.id);
  return t;
}

std::vector<Parameter> tree_parameters(const geo::Tree& t, const std::string& updated_at, int srid,
                                       std::int64_t version) {
  return {t.source_id,
          t.site,
          t.district,
          t.species_botanical,
          t.species_german,
          t.genus,
          optional_number(t.crown_diameter_m),
          optional_number(t.height_m),
          optional_integer(t.planting_year),
          optional_integer(t.vitality),
          t.development_phase,
          detail::date_text(t.last_inspection),
          detail::date_text(t.next_inspection),
          std::string(geo::to_string(t.status)),
          detail::date_text(t.felled_on),
          optional_boolean(t.columnar),
          boolean_text(t.protection.is_protected),
          std::string(geo::to_string(t.protection.source)),
          t.protection.reason,
          updated_at,
          number_text(t.location.x),
          number_text(t.location.y),
          std::to_string(srid),
          std::to_string(version),
          detail::stems_column(t.stem_circumferences_cm)};
}

const char* const insert_tree_sql =
    "INSERT INTO trees (source_id, site, district, species_botanical, species_german, genus,"
    " crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection,"
    " next_inspection, status, felled_on, columnar, is_protected, protection_source,"
    " protection_reason, updated_at, location, version, stems_cm) VALUES ($1, $2, $3, $4, $5,"
    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
    " ST_SetSRID(ST_MakePoint($21::float8, $22::float8), $23::int), $24, $25) RETURNING id";

// The CHECKs of trees and tree_stems (storage/sql/postgis/0001_initial.sql), in C++: a row that
// breaks one must not reach the COPY. The message is SQLite's for the same CHECK, so a refused
// tree reads the same on both stores (the import's report, the API's problem).
std::optional<std::string> broken_check(const geo::Tree& t) {
  const auto positive = [](const std::optional<double>& v) { return !v || *v > 0; };
  if (t.source_id.empty()) return "CHECK constraint failed: source_id <> ''";
  if (!positive(t.crown_diameter_m)) return "CHECK constraint failed: crown_diameter_m > 0";
  if (!positive(t.height_m)) return "CHECK constraint failed: height_m > 0";
  if (t.planting_year && (*t.planting_year < 1000 || *t.planting_year > 3000)) {
    return "CHECK constraint failed: planting_year BETWEEN 1000 AND 3000";
  }
  if (t.vitality && (*t.vitality < 0 || *t.vitality > 3)) {
    return "CHECK constraint failed: vitality BETWEEN 0 AND 3";
  }
  if (t.felled_on && t.status != geo::TreeStatus::felled) {
    return "CHECK constraint failed: felled_on IS NULL OR status = 'felled'";
  }
  for (const double c : t.stem_circumferences_cm) {
    if (!(c > 0)) return "CHECK constraint failed: circumference_cm > 0";
  }
  if (!std::isfinite(t.location.x) || !std::isfinite(t.location.y)) {
    return "trees_location: a finite point";
  }
  return std::nullopt;
}

namespace {

constexpr const char* update_tree_sql =
    "UPDATE trees SET source_id = $1, site = $2, district = $3, species_botanical = $4,"
    " species_german = $5, genus = $6, crown_diameter_m = $7, height_m = $8, planting_year = $9,"
    " vitality = $10, development_phase = $11, last_inspection = $12, next_inspection = $13,"
    " status = $14, felled_on = $15, columnar = $16, is_protected = $17, protection_source = $18,"
    " protection_reason = $19, updated_at = $20,"
    " location = ST_SetSRID(ST_MakePoint($21::float8, $22::float8), $23::int), version = $24,"
    " stems_cm = $25 WHERE id = $26 AND version = $27";

}  // namespace

std::string text_array(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    if (!items[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (const char ch : *items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + '}';
}

void write_update(Connection& c, int srid, const geo::Tree& tree, const geo::Tree& stored,
                  const std::vector<detail::FieldChange>& changes, std::string_view user,
                  const std::string& at) {
  auto parameters = tree_parameters(tree, at, srid, stored.version + 1);
  parameters.emplace_back(std::to_string(stored.id));
  parameters.emplace_back(std::to_string(stored.version));
  if (c.exec(update_tree_sql, parameters).affected() != 1) {
    throw VersionConflict("tree " + std::to_string(stored.id) + ": version " +
                          std::to_string(stored.version) + " expected, the store has another");
  }
  // The stems changed with the row's stems_cm: tree_stems is a view of it (migration 0008).
  std::vector<std::optional<std::string>> fields, olds, news;
  for (const auto& change : changes) {
    fields.emplace_back(change.field);
    olds.push_back(change.old_value);
    news.push_back(change.new_value);
  }
  // One statement for every row; unnest keeps the arrays' order, so the ids follow it.
  c.exec(
      "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value)"
      " SELECT $1, $2, $3, f, o, n FROM unnest($4::text[], $5::text[], $6::text[])"
      " WITH ORDINALITY AS h (f, o, n, i) ORDER BY i",
      {std::to_string(stored.id), at, std::string(user), text_array(fields), text_array(olds),
       text_array(news)});
}

}  // namespace rootzone::storage::pg
