#pragma once
// The full conflict check of `rootzone check`: every open work against every protected tree and
// every other open work, computed from the store as it is and stored. A switch of the rule set
// (rule_set_cases.hpp) runs the same check inside its own transaction.
#include <chrono>
#include <cstddef>
#include <vector>

#include "rootzone/core/engine_loading.hpp"
#include "rootzone/geo/conflict_engine.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::core {

struct FullCheck {
  EngineInputs inputs;
  std::vector<geo::GeometryNote> notes;  // works repaired or refused on the way into the engine
  std::size_t tree_count = 0;            // protected existing trees the engine held
  std::size_t work_count = 0;            // open works the engine held
  geo::ConflictSet result;
  std::chrono::steady_clock::duration load{}, index{}, check{};
  // Set by run_full_check only, which also stores: the zone rows it wrote and the time spent
  // storing after the check (waiting for the zone write, then the conflicts).
  std::size_t zones_written = 0;
  std::chrono::steady_clock::duration persist{};
};

// Reads the store (inside the caller's transaction when one is open, so it sees that
// transaction's writes), indexes it and computes every conflict; writes nothing.
FullCheck compute_full_check(storage::Store& store, unsigned threads);

// Stores the zones the check drew and makes the stored conflicts exactly its result
// (acknowledgements kept while the pair still conflicts); `check.result` then holds the stored
// rows with their ids. Runs in the caller's transaction; returns the zone rows written.
std::size_t store_full_check(storage::Store& store, FullCheck& check);

// compute_full_check and store_full_check for `rootzone check`, outside any transaction, using
// both cores where a first check splits: while this thread reads the trees, another
// connection writes their zones (storage::load_and_save_zoned_trees), and that write goes on
// while the engine is built and checks. The conflicts are stored afterwards in one
// transaction, which also bumps the data generation. Inside a transaction it is
// compute_full_check and store_full_check in that transaction, one after the other.
FullCheck run_full_check(storage::Store& store, unsigned threads);

}  // namespace rootzone::core
