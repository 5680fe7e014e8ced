#pragma once
// The conflict engine held in memory: loaded from the store when the application starts, then
// changed incrementally by every write that goes through write(), so a contractor's submission
// is answered with its conflicts in the same request.
//
// Writers are serialised here (one store writer at a time anyway: SQLite). Each write runs in
// one transaction together with a bump of the store's data generation; a generation that moved
// without us means another process wrote (an import while serving): the engine is reloaded
// before the write and the listeners are told that everything changed.
//
// Readers (the work preview) run beside the writers and beside each other: they hold the
// engine shared, and a writer holds it exclusively only for the instant it changes the engine
// (Session::change_engine) or swaps in a reloaded one, never over its SQL. What a reader may
// see (docs/RELIABILITY.md "Work preview"):
//  - a write's engine change from the moment it is made, a few milliseconds before its commit;
//  - when that write then fails, the engine is reloaded from the store before the writer
//    returns (until then readers see the change that was rolled back);
//  - another process's write once this process catches up with it: at its next write, or at
//    the next tile request (the tile index and the engine catch up together, see
//    between_writes), so the engine is never staler than the tile index.
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
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
    // The engine as this write has changed it so far: only writers change it, and this one is
    // the only writer, so reading needs no lock.
    const geo::ConflictEngine& engine() const { return *owner_.engine_; }
    // Runs change(engine) with the engine held exclusively (readers wait for this instant
    // only). The engine's changes either complete or throw before changing anything
    // (geo::ConflictEngine::upsert_work); after one completed, a failing write reloads the
    // engine, since it may no longer match the store.
    template <class F>
    decltype(auto) change_engine(F&& change) {
      std::lock_guard gate(owner_.gate_);
      std::unique_lock lock(owner_.engine_mutex_);
      const bool was_suspect = owner_.engine_suspect_;
      owner_.engine_suspect_ = true;
      try {
        return std::forward<F>(change)(*owner_.engine_);
      } catch (...) {
        owner_.engine_suspect_ = was_suspect;  // it threw before changing anything
        throw;
      }
    }

   private:
    friend class LiveEngine;
    Session(storage::Store& s, DataChange& c, LiveEngine& owner)
        : store(s), changed(c), owner_(owner) {}
    LiveEngine& owner_;
  };

  // Runs `f` while no write is in progress and none starts: lets a reader that saw the store's
  // generation move tell another process's write from one of ours that has committed but not
  // yet published its change. The engine catches up with another process's write here too, so
  // that it is never staler than the tile index that calls this.
  template <class F>
  auto between_writes(F&& f) {
    std::lock_guard lock(writer_);
    catch_up(app_.store());
    return std::forward<F>(f)();
  }

  // Runs read(engine) with the engine held shared: many readers at once, a writer only between
  // them. The engine must not escape `read`.
  template <class F>
  auto read(F&& read) const {
    { std::lock_guard gate(gate_); }  // a writer waiting to change the engine goes first
    std::shared_lock lock(engine_mutex_);
    return std::forward<F>(read)(static_cast<const geo::ConflictEngine&>(*engine_));
  }

  // Runs `change(session)` as the only writer, in one store transaction committed when it
  // returns and rolled back when it throws; publishes session.changed after the commit.
  // Error busy when another process holds the store's write lock past the busy timeout.
  template <class F>
  auto write(F&& change) {
    std::lock_guard lock(writer_);
    auto& store = app_.store();
    std::optional<storage::StoreTransaction> tx;
    try {
      tx.emplace(store);
    } catch (const storage::StoreBusy& e) {
      throw busy(e);
    }
    DataChange changed;
    changed.everything = make_current(store) || std::exchange(external_pending_, false);
    Session session(store, changed, *this);
    try {
      auto result = std::forward<F>(change)(session);
      changed.generation = storage::bump_data_generation(store);
      tx->commit();
      generation_ = changed.generation;
      engine_suspect_ = false;
      app_.publish(changed);
      return result;
    } catch (...) {
      tx.reset();  // roll back before reading the store again
      if (changed.everything) external_pending_ = true;
      if (engine_suspect_) reload_after_failure(store);
      // On PostGIS the wait for another writer ends inside the transaction (at the generation
      // row it holds), not at BEGIN as on SQLite: the same Error busy.
      try {
        throw;
      } catch (const storage::StoreBusy& e) {
        throw busy(e);
      }
    }
  }

 private:
  static Error busy(const storage::StoreBusy& e);
  // Loads the engine when it is missing, suspect or behind the store; true when another
  // process's write was the reason.
  bool make_current(storage::Store& store);
  // Between writes: reloads the engine when another process wrote; the next write then tells
  // the listeners that everything changed.
  void catch_up(storage::Store& store);
  // After a failed write changed the engine: reloaded now, so readers do not go on seeing the
  // change that was rolled back; when that fails too, the next write tries again.
  void reload_after_failure(storage::Store& store) noexcept;
  // Reads the store without holding the engine, then swaps the new engine in exclusively.
  void load(storage::Store& store);

  Application& app_;
  std::mutex writer_;
  // Readers pass the gate before taking the engine shared; a writer holds the gate while it
  // waits for the engine exclusively, so a stream of previews cannot starve it.
  mutable std::mutex gate_;
  mutable std::shared_mutex engine_mutex_;
  std::optional<geo::ConflictEngine> engine_;
  std::int64_t generation_ = -1;
  bool engine_suspect_ = false;
  bool external_pending_ = false;
};

}  // namespace rootzone::core
