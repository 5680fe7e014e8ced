// The PostGIS schema against the SpatiaLite one, column by column: the stores must hold the
// same data, so every table and column of one exists in the other, with the same NOT NULL and
// a type that carries the same values (docs/postgis.md, "Types").
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"

namespace {

struct Column {
  std::string type;
  bool not_null = false;
  bool operator==(const Column&) const = default;
};
using Schema = std::map<std::string, std::map<std::string, Column>>;  // table -> column

// SQLite's declared type, in the words PostgreSQL uses for a column that holds its values:
// 0/1 flags and ids are integers in SQLite and boolean or bigint in PostgreSQL.
std::string pg_family(const std::string& pg_type) {
  if (pg_type == "bigint" || pg_type == "integer" || pg_type == "boolean") return "INTEGER";
  if (pg_type == "double precision") return "REAL";
  if (pg_type == "text") return "TEXT";
  if (pg_type == "geometry") return "GEOMETRY";
  if (pg_type == "bytea") return "BLOB";
  return "unmapped " + pg_type;
}

std::string sqlite_family(const std::string& declared) {
  if (declared == "POINT") return "GEOMETRY";
  return declared;
}

Schema pg_schema(const rootzone::test::PgTestDatabase& db) {
  // One row per column, "table|column|type|nullable" joined by newlines: query() returns one
  // value, so the catalogue comes back as one text.
  const auto text = db.query(
      "SELECT string_agg(table_name || '|' || column_name || '|' ||"
      " CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END || '|' ||"
      " is_nullable, E'\\n' ORDER BY table_name, ordinal_position)"
      " FROM information_schema.columns WHERE table_schema = 'public'"
      " AND table_name NOT IN ('spatial_ref_sys', 'geography_columns', 'geometry_columns')");
  Schema schema;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    start = end + 1;
    const auto a = line.find('|');
    const auto b = line.find('|', a + 1);
    const auto c = line.find('|', b + 1);
    schema[line.substr(0, a)][line.substr(a + 1, b - a - 1)] = {
        pg_family(line.substr(b + 1, c - b - 1)), line.substr(c + 1) == "NO"};
  }
  return schema;
}

Schema sqlite_schema(rootzone::storage::Store& store, const std::set<std::string>& tables) {
  Schema schema;
  auto& db = store.database();
  for (const auto& table : tables) {
    auto info = db.prepare("SELECT name, upper(type), \"notnull\", pk FROM pragma_table_info(?)");
    info.bind(1, table);
    while (info.step()) {
      // An INTEGER PRIMARY KEY is the rowid: never NULL, though table_info says notnull 0.
      schema[table][info.text(0)] = {sqlite_family(info.text(1)),
                                     info.int64(2) == 1 || info.int64(3) > 0};
    }
  }
  return schema;
}

}  // namespace

TEST_CASE("the PostGIS schema holds the SpatiaLite schema's tables and columns", "[postgis]") {
  rootzone::test::PgTestDatabase db;
  rootzone::storage::Store::create(db.url());
  rootzone::test::TempDir dir;
  auto file = rootzone::storage::Store::create(dir / "city.sqlite");

  auto pg = pg_schema(db);
  std::set<std::string> tables;
  for (const auto& [table, columns] : pg) tables.insert(table);
  CHECK(tables == std::set<std::string>{"api_keys", "inspections", "rule_set_changes", "rule_sets",
                                        "schema_migrations", "store_meta", "tree_history",
                                        "tree_stems", "tree_work_conflicts", "tree_zones",
                                        "tree_zones_packed", "trees", "users",
                                        "work_status_history", "work_work_conflicts", "works"});
  // 0001's 22 columns of trees, its location, and 0004's stems_cm.
  CHECK(pg.at("trees").size() == 24);
  // tree_stems is a view of trees.stems_cm on PostGIS (migration 0008), with the table's
  // columns. The catalogue calls a view's columns nullable; its rows have none (trees.id, the
  // stem's ordinal, a number parsed from text rootzone wrote).
  CHECK(db.query("SELECT relkind::text FROM pg_class WHERE relname = 'tree_stems'") == "v");
  for (auto& [name, column] : pg["tree_stems"]) column.not_null = true;
  const auto sqlite = sqlite_schema(file, tables);
  for (const auto& table : tables) {
    INFO(table);
    REQUIRE(sqlite.contains(table));
    const auto& a = sqlite.at(table);
    const auto& b = pg.at(table);
    for (const auto& [name, column] : a) {
      INFO(table + "." + name + " " + column.type + (column.not_null ? " NOT NULL" : ""));
      REQUIRE(b.contains(name));
      CHECK(b.at(name) == column);
    }
    CHECK(a.size() == b.size());
  }
}
