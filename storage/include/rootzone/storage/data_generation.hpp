#pragma once
// A counter every writer bumps inside its write transaction (imports, API edits, `rootzone
// check`). A server compares it with the value after its own last write: a difference means
// another process (an import run while serving) changed the store, so what the server holds
// in memory (the conflict engine's index, the tile cache) must be rebuilt. Cheap: one row of
// store_meta, no per-row trigger on a million-tree import.
#include <cstdint>

namespace rootzone::storage {

class Database;
class Store;

std::int64_t data_generation(Database& db);  // 0 for a store nobody wrote to yet
// Adds one and returns the new value; belongs inside the writer's transaction, so a rollback
// takes it back with the change.
std::int64_t bump_data_generation(Database& db);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
std::int64_t data_generation(Store& store);
std::int64_t bump_data_generation(Store& store);

}  // namespace rootzone::storage
