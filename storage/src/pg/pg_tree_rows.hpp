#pragma once
// A tree's row on PostGIS, shared by PgTreeRepository and the bulk writer (storage-internal):
// the columns read, the parameters written, the update with its stems and history rows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.hpp"
#include "rootzone/geo/tree.hpp"
#include "tree_changes.hpp"

namespace rootzone::storage::pg {

// The tree columns read_tree expects, ending in "FROM trees ": the caller appends WHERE, ORDER BY.
// The location as ST_X/ST_Y: doubles as shortest round-trip text, so they read back exactly.
extern const char* const select_tree;
geo::Tree read_tree(const Result& r, int row);

// $1..$25 of insert_tree_sql: the tree's columns with `updated_at` and `version`.
std::vector<Parameter> tree_parameters(const geo::Tree& t, const std::string& updated_at, int srid,
                                       std::int64_t version);
extern const char* const insert_tree_sql;  // RETURNING id

// The CHECKs of trees and tree_stems (storage/sql/postgis/0001_initial.sql) in C++: the
// constraint a tree breaks ("trees_vitality_check: vitality BETWEEN 0 AND 3"), or nullopt.
// Checked before a row is sent: a refused INSERT still takes an id from the sequence (ids would
// then differ from SpatiaLite's), and a refused row in a COPY takes the whole COPY.
std::optional<std::string> broken_check(const geo::Tree& t);

// Writes `tree` over `stored` (tree.id == stored.id; `changes` = changed_fields(stored, tree),
// not empty): the row when the store still has stored.version (VersionConflict otherwise), the
// stems when they changed, one history row per change. The caller holds the savepoint.
void write_update(Connection& c, int srid, const geo::Tree& tree, const geo::Tree& stored,
                  const std::vector<detail::FieldChange>& changes, std::string_view user,
                  const std::string& at);

// A PostgreSQL array literal of texts ({"a",NULL}), for one statement over many values.
std::string text_array(const std::vector<std::optional<std::string>>& items);

}  // namespace rootzone::storage::pg
