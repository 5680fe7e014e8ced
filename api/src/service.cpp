#include "rootzone/api/service.hpp"

#include <map>

#include "rootzone/storage/store.hpp"
#include "routes.hpp"

namespace rootzone::api {

struct Service::Impl {
  ServiceOptions options;
  int srid = 0;
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  // Opening once up front applies pending migrations and fails early on a bad store.
  impl_->srid = store().srid();
}

Service::~Service() = default;

const ServiceOptions& Service::options() const { return impl_->options; }
int Service::srid() const { return impl_->srid; }

storage::Store& Service::store() {
  // One connection per worker thread and store file (storage: one Database per thread).
  thread_local std::map<std::filesystem::path, std::unique_ptr<storage::Store>> stores;
  auto& slot = stores[impl_->options.db];
  if (!slot) slot = std::make_unique<storage::Store>(storage::Store::open(impl_->options.db));
  return *slot;
}

std::shared_ptr<Router> Service::router() {
  auto router = std::make_shared<Router>();
  add_feature_routes(*router, *this);
  return router;
}

}  // namespace rootzone::api
