#include "rootzone/core/live_engine.hpp"

#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "rootzone/core/engine_loading.hpp"

namespace rootzone::core {

LiveEngine::LiveEngine(Application& app) : app_(app) {
  std::lock_guard lock(writer_);
  load(app_.store());
}

Error LiveEngine::busy(const storage::StoreBusy& e) {
  return Error(ErrorKind::busy, std::string("another writer (an import?) holds the store: ") +
                                    e.what() + "; nothing was changed, retry later");
}

bool LiveEngine::make_current(storage::Store& store) {
  const auto stored = storage::data_generation(store);
  const bool external = engine_ && stored != generation_;
  if (!engine_ || engine_suspect_ || external) load(store);
  return external;
}

void LiveEngine::catch_up(storage::Store& store) {
  if (storage::data_generation(store) == generation_) return;
  load(store);
  external_pending_ = true;
}

void LiveEngine::reload_after_failure(storage::Store& store) noexcept {
  try {
    load(store);
  } catch (const std::exception& e) {
    // The write's own error is what the client hears; this one the operator reads.
    const nlohmann::json line = {{"level", "warning"},
                                 {"msg",
                                  "conflict engine reload after a failed write failed; "
                                  "retried before the next write"},
                                 {"error", e.what()}};
    std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
              << std::flush;
  }
}

void LiveEngine::load(storage::Store& store) {
  const auto inputs = read_engine_inputs(store);
  // Refused works stay out of the engine, as in `rootzone check`; their notes were reported
  // when they were imported or submitted.
  std::vector<geo::GeometryNote> notes;
  std::optional<geo::ConflictEngine> fresh = make_engine(inputs, 0, notes);
  {
    std::lock_guard gate(gate_);
    std::unique_lock lock(engine_mutex_);
    engine_.swap(fresh);
    generation_ = inputs.generation;
    engine_suspect_ = false;
  }
  // `fresh` now holds the old engine: freed here, after the readers got the new one.
}

}  // namespace rootzone::core
