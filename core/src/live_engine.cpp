#include "rootzone/core/live_engine.hpp"

#include "rootzone/core/engine_loading.hpp"

namespace rootzone::core {

LiveEngine::LiveEngine(Application& app) : app_(app) {
  std::lock_guard lock(mutex_);
  load(app_.store());
}

Error LiveEngine::busy(const storage::StoreBusy& e) {
  return Error(ErrorKind::busy, std::string("another writer (an import?) holds the store: ") +
                                    e.what() + "; nothing was changed, retry later");
}

geo::ConflictEngine& LiveEngine::Session::engine() {
  owner_.engine_suspect_ = true;
  return *owner_.engine_;
}

bool LiveEngine::make_current(storage::Store& store) {
  const auto stored = storage::data_generation(store.database());
  const bool external = engine_ && stored != generation_;
  if (!engine_ || engine_suspect_ || external) load(store);
  return external;
}

void LiveEngine::load(storage::Store& store) {
  const auto inputs = read_engine_inputs(store);
  // Refused works stay out of the engine, as in `rootzone check`; their notes were reported
  // when they were imported or submitted.
  std::vector<geo::GeometryNote> notes;
  engine_ = make_engine(inputs, 0, notes);
  generation_ = inputs.generation;
  engine_suspect_ = false;
}

}  // namespace rootzone::core
