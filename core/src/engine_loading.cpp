#include "rootzone/core/engine_loading.hpp"

#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

EngineInputs read_engine_inputs(storage::Store& store) {
  EngineInputs in;
  in.generation = storage::data_generation(store);
  in.rules = store.rule_sets().active();
  in.zoned = storage::load_zoned_trees(store, in.rules);
  in.works = store.works().open();
  return in;
}

geo::ConflictEngine make_engine(const EngineInputs& inputs, unsigned threads,
                                std::vector<geo::GeometryNote>& notes) {
  geo::ConflictEngine engine(inputs.rules);
  auto loaded = engine.load(inputs.zoned.trees, inputs.works, threads);
  notes.insert(notes.end(), loaded.begin(), loaded.end());
  return engine;
}

}  // namespace rootzone::core
