#pragma once
// Loading the conflict engine from a store: what `rootzone check` and the server's live
// engine both start from, read the same way.
#include <cstdint>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/conflict_inputs.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::core {

struct EngineInputs {
  geo::RuleSet rules;            // the store's active rule set
  storage::ZoneLoad zoned;       // protected existing trees with their zones
  std::vector<geo::Work> works;  // open works
  std::int64_t generation = 0;   // the store's data generation they were read at
};
EngineInputs read_engine_inputs(storage::Store& store);

// The engine over `inputs`. Works whose geometry is refused stay out of it, and they and the
// repaired ones are added to `notes` (they were reported when imported or submitted).
geo::ConflictEngine make_engine(const EngineInputs& inputs, unsigned threads,
                                std::vector<geo::GeometryNote>& notes);

}  // namespace rootzone::core
