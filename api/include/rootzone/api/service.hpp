#pragma once
// The rootzone web service: every route of the OGC API and the domain endpoints over one store.
// Handlers run on the server's worker threads; each thread opens its own store connection
// (storage: one Database per thread; WAL lets readers run beside the writer).
#include <filesystem>
#include <memory>
#include <string>

#include "rootzone/api/http.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::api {

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

  // All routes; the service must outlive the router.
  std::shared_ptr<Router> router();

  const ServiceOptions& options() const;
  int srid() const;
  storage::Store& store();  // this thread's connection

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::api
