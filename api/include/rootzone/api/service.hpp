#pragma once
// The rootzone web service: every route of the OGC API and the domain endpoints over one
// application (core::Application: the store, the live conflict engine, the use cases).
// Handlers run on the server's worker threads; each thread has its own store connection.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rootzone/api/basemap.hpp"
#include "rootzone/api/http.hpp"

namespace rootzone::storage {
class Store;
}
namespace rootzone::core {
class Application;
}

namespace rootzone::api {

class WriteLimits;

struct ServiceOptions {
  std::filesystem::path db;
  std::string db_read = {};  // serve --db-read: a hot standby of a PostGIS store ("" for none)
  std::string title = "rootzone";
  int default_limit = 10;
  int max_limit = 10000;
  std::optional<Basemap> basemap = std::nullopt;  // serve --basemap, checked by parse_basemap
  // A work's geometry: most vertices, and most metres across with its width or radius (422
  // beyond; api/src/works/work_body.hpp says why).
  std::size_t max_work_vertices = 5000;
  double max_work_extent_m = 5000;
  // Work previews per second per API key, and how many at once (429 beyond; serve
  // --preview-rate, --preview-burst): far above what a user drawing a work asks.
  double preview_rate = 20;
  double preview_burst = 40;
  // Writes (POST, PUT, PATCH, DELETE) per second on average and at once, per API key and per
  // client address (429 beyond; serve --write-rate ...; a rate of 0: no limit). Far above
  // what a field tablet's outbox sends after a day offline (docs/RELIABILITY.md).
  double write_rate = 20;
  double write_burst = 1000;
  double write_rate_per_address = 50;
  double write_burst_per_address = 5000;
  // Peers whose X-Forwarded-For names the client (serve --trusted-proxy: addresses or CIDR).
  std::vector<std::string> trusted_proxies = {};
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
  core::Application& app();
  WriteLimits& write_limits();  // every write takes its tokens here (api/src/write_limit.hpp)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::api
