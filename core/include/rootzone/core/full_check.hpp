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
};

// Reads the store (inside the caller's transaction when one is open, so it sees that
// transaction's writes), indexes it and computes every conflict; writes nothing.
FullCheck compute_full_check(storage::Store& store, unsigned threads);

// Stores the zones the check drew and makes the stored conflicts exactly its result
// (acknowledgements kept while the pair still conflicts); `check.result` then holds the stored
// rows with their ids. Runs in the caller's transaction; returns the zone rows written.
std::size_t store_full_check(storage::Store& store, FullCheck& check);

}  // namespace rootzone::core
