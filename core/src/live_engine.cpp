#include "rootzone/core/live_engine.hpp"

#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "rootzone/core/engine_loading.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

namespace {

void log(const char* level, const std::string& msg, const std::string& error) {
  nlohmann::json line = {{"level", level}, {"msg", msg}};
  if (!error.empty()) line["error"] = error;
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
            << std::flush;
}

// ROOTZONE_CHANGE_TRACE=FILE appends a line per full load ("load") and per announced change
// applied ("notice") with the wall-clock time in microseconds: how the tests tell a change
// followed from a reload, and measure how soon after another node's acknowledgement it applied.
void trace(const char* how, std::int64_t generation) {
  static const char* const file = std::getenv("ROOTZONE_CHANGE_TRACE");
  if (file == nullptr || *file == '\0') return;
  static std::mutex m;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const nlohmann::json line = {{"how", how}, {"generation", generation}, {"at_us", now}};
  std::lock_guard lock(m);
  std::ofstream(file, std::ios::app) << line.dump() << "\n";
}

}  // namespace

LiveEngine::LiveEngine(Application& app) : app_(app) {
  std::lock_guard lock(writer_);
  load(app_.store());
}

Error LiveEngine::busy(const storage::StoreBusy& e) {
  return Error(ErrorKind::busy, std::string("another writer (an import?) holds the store: ") +
                                    e.what() + "; nothing was changed, retry later");
}

bool LiveEngine::make_current(storage::Store& store, std::int64_t stored) {
  // Our generation row lock holds every other writer back: the announcements that bring the
  // engine to `stored` were all sent, and arrive within milliseconds.
  if (engine_ && !engine_suspect_ && stored > generation_) apply_followed(store, stored);
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
    engine_suspect_ = false;
  }
  set_generation(inputs.generation);
  trace("load", inputs.generation);
  // `fresh` now holds the old engine: freed here, after the readers got the new one.
}

void LiveEngine::set_generation(std::int64_t generation) {
  {
    std::lock_guard lock(applied_mutex_);
    generation_ = generation;
  }
  applied_.notify_all();
}

void LiveEngine::set_following(bool listening) {
  {
    std::lock_guard lock(notices_mutex_);
    following_ = listening;
    // Announcements from before a break are kept: applied in order, a gap after them reloads.
  }
  notices_arrived_.notify_all();
  { std::lock_guard lock(applied_mutex_); }
  applied_.notify_all();
}

bool LiveEngine::follow(std::vector<DataChange> notices) {
  if (!notices.empty()) {
    {
      std::lock_guard lock(notices_mutex_);
      for (auto& n : notices) notices_.push_back(std::move(n));
    }
    notices_arrived_.notify_all();  // a writer waiting for them applies them itself
  }
  {
    std::unique_lock lock(writer_, std::try_to_lock);
    if (lock.owns_lock()) apply_followed(app_.store(), 0);
  }
  std::lock_guard lock(notices_mutex_);
  return notices_.empty();
}

void LiveEngine::resync() {
  std::lock_guard lock(writer_);
  auto& store = app_.store();
  apply_followed(store, 0);
  catch_up(store);
}

void LiveEngine::apply_followed(storage::Store& store, std::int64_t target) {
  const auto deadline = std::chrono::steady_clock::now() + kFollowWait;
  std::unique_lock queue(notices_mutex_);
  for (;;) {
    while (!notices_.empty()) {
      auto notice = std::move(notices_.front());
      notices_.pop_front();
      queue.unlock();
      apply_notice(store, notice);
      queue.lock();
    }
    if (generation_ >= target || !following_) return;
    if (notices_arrived_.wait_until(queue, deadline) == std::cv_status::timeout &&
        notices_.empty()) {
      return;
    }
  }
}

void LiveEngine::apply_notice(storage::Store& store, DataChange& notice) {
  if (notice.generation <= generation_) return;  // our own write, or one applied already
  if (notice.everything || notice.generation != generation_ + 1 || !engine_ || engine_suspect_) {
    // Announcements were missed (or said nothing): everything is read again, and the next
    // change published tells the listeners that everything changed.
    catch_up(store);
    return;
  }
  try {
    // The rows as the store holds them now (maybe newer still: their own announcements follow
    // and are applied the same way), read before the engine is taken.
    std::vector<std::pair<std::int64_t, std::optional<geo::Tree>>> trees;
    std::vector<std::pair<std::int64_t, std::optional<geo::Work>>> works;
    for (const auto id : notice.trees) trees.emplace_back(id, store.trees().find(id));
    for (const auto id : notice.works) works.emplace_back(id, store.works().find(id));
    {
      std::lock_guard gate(gate_);
      std::unique_lock lock(engine_mutex_);
      engine_suspect_ = true;
      for (const auto& [id, tree] : trees) {
        if (tree) {
          engine_->upsert_tree(*tree);
        } else {
          engine_->remove_tree(id);
        }
      }
      for (const auto& [id, work] : works) {
        if (!work || !geo::is_open(work->status)) {
          engine_->remove_work(id);
          continue;
        }
        try {
          engine_->upsert_work(*work);
        } catch (const geo::GeometryError&) {
          engine_->remove_work(id);  // refused shapes stay out, as in load()
        }
      }
      engine_suspect_ = false;
    }
  } catch (const std::exception& e) {
    log("warning", "an announced change could not be applied; reloading the conflict engine",
        e.what());
    reload_after_failure(store);
    external_pending_ = true;
    return;
  }
  notice.everything = std::exchange(external_pending_, false);
  set_generation(notice.generation);
  app_.publish(notice);
  trace("notice", notice.generation);
}

void LiveEngine::await_follower(storage::Store& store) const {
  if (!following_) return;
  const auto stored = storage::data_generation(store);
  std::unique_lock lock(applied_mutex_);
  applied_.wait_for(lock, kFollowWait, [&] { return generation_ >= stored || !following_; });
}

}  // namespace rootzone::core
