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
//  - on PostGIS, another node's write acknowledged before the read began: the read waits for
//    the follower to apply it (kFollowWait at most);
//  - another process's write once this process catches up with it: at its next write, or at
//    the next tile request (the tile index and the engine catch up together, see
//    between_writes), so the engine is never staler than the tile index.
//
// On PostGIS another node's write is announced (core/change_notice.hpp) and followed here
// (change_follower.hpp): its trees and works are re-read and changed in the engine, and its
// change is published to the listeners as a write of ours is, in generation order and as the
// only writer. While the follower listens, a reader or writer that finds the store ahead waits
// (kFollowWait at most) for it instead of reloading everything (docs/postgis.md, "Several
// nodes: change notifications").
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "rootzone/core/application.hpp"
#include "rootzone/core/change_notice.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/storage/change_feed.hpp"
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
    await_follower(app_.store());
    std::lock_guard lock(writer_);
    catch_up(app_.store());
    return std::forward<F>(f)();
  }

  // Runs read(engine) with the engine held shared: many readers at once, a writer only between
  // them. The engine must not escape `read`.
  template <class F>
  auto read(F&& read) const {
    await_follower(app_.store());     // another node's write acknowledged before this read
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
    std::int64_t stored = 0;
    try {
      tx.emplace(store);
      stored = storage::lock_data_generation(store);
    } catch (const storage::StoreBusy& e) {
      throw busy(e);
    }
    DataChange changed;
    changed.everything = make_current(store, stored) || std::exchange(external_pending_, false);
    Session session(store, changed, *this);
    try {
      auto result = std::forward<F>(change)(session);
      changed.generation = storage::bump_and_announce(
          store, [&changed](std::int64_t g) { return change_notice(changed, g); });
      tx->commit();
      set_generation(changed.generation);
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

  // How long a request waits for the follower before it reloads everything itself.
  static constexpr std::chrono::milliseconds kFollowWait{2000};

  // --- Another node's writes (change_follower.cpp) ---
  // The follower listens (true: from now on every write is announced to it) or its connection
  // broke (false: waiting for it would be in vain, so readers reload as before).
  void set_following(bool listening);
  bool following() const { return following_.load(); }
  // Announced changes (change_notice.hpp), in commit order: queued, then applied as the only
  // writer, each published to the listeners, when no write is in progress; else the write
  // applies them itself. True when nothing is left queued; the follower calls again (with no
  // new notices) soon when false, and goes on reading its socket meanwhile, since a write in
  // progress may be waiting for the next announcement.
  bool follow(std::vector<DataChange> notices);
  // After the follower (re)connected: what was announced while it did not listen is lost, so
  // the engine reloads when the store moved past what was applied.
  void resync();
  // The store's data generation the engine and the listeners are current with.
  std::int64_t generation() const { return generation_.load(); }

 private:
  static Error busy(const storage::StoreBusy& e);
  // Loads the engine when it is missing, suspect or behind the store's generation `stored`
  // (after applying the announced changes that bring it there); true when a write it was not
  // told of was the reason.
  bool make_current(storage::Store& store, std::int64_t stored);
  // While the follower listens: applies the queued announcements, waiting for more (until
  // kFollowWait) while the engine is behind `target`. Called as the writer.
  void apply_followed(storage::Store& store, std::int64_t target);
  void apply_notice(storage::Store& store, DataChange& notice);
  // Before a reader takes the writer's turn: lets the follower reach the store's generation
  // first (kFollowWait at most), so that catch_up finds nothing to reload.
  void await_follower(storage::Store& store) const;
  void set_generation(std::int64_t generation);
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
  std::atomic<std::int64_t> generation_{-1};
  bool engine_suspect_ = false;
  bool external_pending_ = false;

  std::atomic<bool> following_{false};
  std::mutex notices_mutex_;
  std::condition_variable notices_arrived_;
  std::deque<DataChange> notices_;
  mutable std::mutex applied_mutex_;
  mutable std::condition_variable applied_;  // generation_ moved, or following_ ended
};

}  // namespace rootzone::core
