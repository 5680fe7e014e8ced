#pragma once
// The application over one store: a store connection per thread, the live conflict engine
// with its one writer, and the listeners told of every committed write. The use cases
// (tree_cases.hpp, work_cases.hpp) run on it; the HTTP layer and the command line call them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::core {

class LiveEngine;

// What a committed write changed, so that what is held in memory (the tiles' tree index and
// cache) drops exactly what became stale.
struct DataChange {
  // Store CRS. A tree's area covers its protection-zone discs; a work's its whole footprint,
  // before and after the change.
  std::vector<geo::Bounds> areas;
  // The trees and works written (ids, in no order, repeats allowed): what another node re-reads
  // from the store to change its conflict engine (docs/postgis.md, "Several nodes").
  std::vector<std::int64_t> trees;
  std::vector<std::int64_t> works;
  // Another process wrote to the store (an import while serving): nothing held is current.
  bool everything = false;
  std::int64_t generation = 0;  // the store's data generation after the write
};

class Application {
 public:
  // Opens the store once (applying pending migrations, failing early on a bad one) and loads
  // the conflict engine, so the first write is answered as fast as the rest.
  explicit Application(std::filesystem::path db);
  // The same over a PostGIS store whose page, tile and overview reads go to a hot standby
  // (storage::Store::open with a read location; "" for none).
  Application(std::filesystem::path db, std::string db_read);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  const std::filesystem::path& db() const;
  int srid() const;
  // This thread's connection: a storage::Database belongs to one thread (WAL lets readers run
  // beside the writer).
  storage::Store& store();

  LiveEngine& live();

  // Listeners run on the writing thread after its transaction committed, and on PostGIS on the
  // change follower's thread for another node's write (live_engine.hpp), one at a time. They
  // must not throw.
  void on_change(std::function<void(const DataChange&)> listener);
  void publish(const DataChange& change) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::core
