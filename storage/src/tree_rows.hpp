#pragma once
// How tree rows are read: shared by the repository and the feature queries, which select
// pages of trees with their own WHERE (storage-internal).
#include <vector>

#include "rootzone/geo/tree.hpp"
#include "rootzone/storage/database.hpp"

namespace rootzone::storage::detail {

// The tree columns read_tree expects, ending in "FROM trees ": the caller appends an alias,
// WHERE, ORDER BY.
extern const char* const select_tree;

geo::Tree read_tree(const Statement& s);

// Every row of `rows` (select_tree's columns, ascending id) with its stems, in two statements
// however many trees. whole_table: `rows` reads every tree, so every stem is read without a
// filter; else the stems of the trees read, by their ids.
std::vector<geo::Tree> read_trees(Database& db, Statement& rows, bool whole_table);

}  // namespace rootzone::storage::detail
