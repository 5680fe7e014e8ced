#include "live_conflicts.hpp"

#include "rootzone/storage/conflict_inputs.hpp"

namespace rootzone::api {

LiveConflicts::LiveConflicts(Service& service) : service_(service) {
  std::lock_guard lock(mutex_);
  load(service_.store());
}

Problem LiveConflicts::busy(const storage::StoreBusy& e) {
  return Problem{503,
                 "Store busy",
                 std::string("another writer (an import?) holds the store: ") + e.what() +
                     "; nothing was changed, retry later",
                 "about:blank",
                 {{"Retry-After", "10"}}};
}

geo::ConflictEngine& LiveConflicts::Session::engine() {
  owner_.engine_suspect_ = true;
  return *owner_.engine_;
}

bool LiveConflicts::make_current(storage::Store& store) {
  const auto stored = storage::data_generation(store.database());
  const bool external = engine_ && stored != generation_;
  if (!engine_ || engine_suspect_ || external) load(store);
  return external;
}

void LiveConflicts::load(storage::Store& store) {
  auto& db = store.database();
  const auto generation = storage::data_generation(db);
  auto rules = store.rule_sets().active();
  const auto zoned = storage::load_zoned_trees(db, rules);
  const auto works = store.works().open();
  geo::ConflictEngine engine(std::move(rules));
  // Works with refused geometries stay out of the engine, as in `rootzone check`; their
  // notes were reported when they were imported or submitted.
  engine.load(zoned.trees, works);
  engine_ = std::move(engine);
  generation_ = generation;
  engine_suspect_ = false;
}

}  // namespace rootzone::api
