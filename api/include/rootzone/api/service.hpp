#pragma once
// The rootzone web service: every route of the OGC API and the domain endpoints over one store.
// Handlers run on the server's worker threads; each thread opens its own store connection
// (storage: one Database per thread; WAL lets readers run beside the writer).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rootzone/api/http.hpp"
#include "rootzone/geo/geometry.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::api {

class LiveConflicts;

// What a committed write changed, so that what the server holds in memory (the tile cache)
// drops exactly what became stale.
struct DataChange {
  // Store CRS. A tree's area covers its protection-zone discs; a work's its whole footprint,
  // before and after the change.
  std::vector<geo::Bounds> areas;
  // Another process wrote to the store (an import while serving): nothing held is current.
  bool everything = false;
  std::int64_t generation = 0;  // the store's data generation after the write
};

struct ServiceOptions {
  std::filesystem::path db;
  std::string title = "rootzone";
  int default_limit = 10;
  int max_limit = 10000;
};

class Service {
 public:
  explicit Service(ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // All routes, made on the first call and the same router after; the service must outlive it.
  std::shared_ptr<Router> router();

  const ServiceOptions& options() const;
  int srid() const;
  storage::Store& store();  // this thread's connection

  // The conflict engine over the store, for writes that must recompute conflicts at once.
  LiveConflicts& live_conflicts();

  // Listeners run on the writing thread after its transaction committed; register them
  // before serving (router() time), they must not throw.
  void on_change(std::function<void(const DataChange&)> listener);
  void publish(const DataChange& change) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::api
