#pragma once
// The conflict engine held in memory: loaded from the store when the application starts, then
// changed incrementally by every write that goes through write(), so a contractor's submission
// is answered with its conflicts in the same request.
//
// Writers are serialised here (one store writer at a time anyway: SQLite). Each write runs in
// one transaction together with a bump of the store's data generation; a generation that moved
// without us means another process wrote (an import while serving): the engine is reloaded
// before the write and the listeners are told that everything changed.
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "rootzone/core/application.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

class LiveEngine {
 public:
  explicit LiveEngine(Application& app);

  // What a write sees: the store inside its transaction, the engine, and the change to publish.
  class Session {
   public:
    storage::Store& store;
    DataChange& changed;
    // Touching the engine marks it: if the write then fails, the engine may no longer match
    // the store and is reloaded before the next write.
    geo::ConflictEngine& engine();

   private:
    friend class LiveEngine;
    Session(storage::Store& s, DataChange& c, LiveEngine& owner)
        : store(s), changed(c), owner_(owner) {}
    LiveEngine& owner_;
  };

  // Runs `f` while no write is in progress and none starts: lets a reader that saw the store's
  // generation move tell another process's write from one of ours that has committed but not
  // yet published its change.
  template <class F>
  auto between_writes(F&& f) {
    std::lock_guard lock(mutex_);
    return std::forward<F>(f)();
  }

  // Runs `change(session)` as the only writer, in one store transaction committed when it
  // returns and rolled back when it throws; publishes session.changed after the commit.
  // Error busy when another process holds the store's write lock past the busy timeout.
  template <class F>
  auto write(F&& change) {
    std::lock_guard lock(mutex_);
    auto& store = app_.store();
    std::optional<storage::Transaction> tx;
    try {
      tx.emplace(store.database());
    } catch (const storage::StoreBusy& e) {
      throw busy(e);
    }
    DataChange changed;
    changed.everything = make_current(store);
    Session session(store, changed, *this);
    auto result = std::forward<F>(change)(session);
    changed.generation = storage::bump_data_generation(store.database());
    tx->commit();
    generation_ = changed.generation;
    engine_suspect_ = false;
    app_.publish(changed);
    return result;
  }

 private:
  static Error busy(const storage::StoreBusy& e);
  // Loads the engine when it is missing, suspect or behind the store; true when another
  // process's write was the reason.
  bool make_current(storage::Store& store);
  void load(storage::Store& store);

  Application& app_;
  std::mutex mutex_;
  std::optional<geo::ConflictEngine> engine_;
  std::int64_t generation_ = -1;
  bool engine_suspect_ = false;
};

}  // namespace rootzone::core
