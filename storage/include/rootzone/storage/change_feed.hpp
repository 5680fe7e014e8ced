#pragma once
// Change notifications between the processes of one store (issue 16, docs/postgis.md "Several
// nodes: change notifications"). Every write transaction bumps the data generation; on PostGIS
// the same transaction announces it on the channel `rootzone_changes` (pg_notify), which the
// server delivers to every listening connection at commit, in commit order. A payload is JSON
// with at least {"generation": N}; one holding nothing else (every writer but a serving node's,
// and an announcement longer than PostgreSQL's 8000 bytes) means "anything may have changed".
// SpatiaLite has no such channel: announcing does nothing and there is no feed.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rootzone::storage {

class Store;

inline constexpr const char* kChangeChannel = "rootzone_changes";
// The application_name of a feed's connection is this, a space and the process id, so an
// operator (or a test) can find a node's in pg_stat_activity.
inline constexpr const char* kFollowerApplicationName = "rootzone follower";

// StoreBackend::lock_data_generation and bump_and_announce on any store.
std::int64_t lock_data_generation(Store& store);
std::int64_t bump_and_announce(Store& store,
                               const std::function<std::string(std::int64_t)>& announcement);

// One connection that listens to the channel. Not thread-safe: one follower thread owns it.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // The payloads that arrived, in commit order; empty when none came within `timeout`.
  // Throws StorageError when the connection broke (the caller reconnects and catches up:
  // what was announced meanwhile is lost).
  virtual std::vector<std::string> wait(std::chrono::milliseconds timeout) = 0;
};

// A feed listening on `location` from the moment this returns; nullptr for a SpatiaLite file.
// Throws StorageError when the server cannot be reached.
std::unique_ptr<ChangeFeed> open_change_feed(const std::string& location);

}  // namespace rootzone::storage
