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

// Every row of `rows` (select_tree's columns), stems included (trees.stems_cm).
std::vector<geo::Tree> read_trees(Statement& rows);

}  // namespace rootzone::storage::detail
