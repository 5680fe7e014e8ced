#include "rootzone/api/service.hpp"

#include <map>
#include <mutex>

#include "live_conflicts.hpp"
#include "rootzone/storage/store.hpp"
#include "routes.hpp"

namespace rootzone::api {

struct Service::Impl {
  ServiceOptions options;
  int srid = 0;
  std::unique_ptr<LiveConflicts> live;
  std::vector<std::function<void(const DataChange&)>> listeners;
  std::once_flag routed;
  std::shared_ptr<Router> router;
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  // Opening once up front applies pending migrations and fails early on a bad store.
  impl_->srid = store().srid();
  // The engine is loaded now, so the first submission is answered as fast as the rest.
  impl_->live = std::make_unique<LiveConflicts>(*this);
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

LiveConflicts& Service::live_conflicts() { return *impl_->live; }

void Service::on_change(std::function<void(const DataChange&)> listener) {
  impl_->listeners.push_back(std::move(listener));
}

void Service::publish(const DataChange& change) const {
  for (const auto& listener : impl_->listeners) listener(change);
}

std::shared_ptr<Router> Service::router() {
  // Built once: the routes hold what the server keeps in memory (the tiles' tree index and
  // cache) and register change listeners; a second set would load and listen twice.
  std::call_once(impl_->routed, [&] {
    auto router = std::make_shared<Router>();
    add_feature_routes(*router, *this);
    add_tree_edit_routes(*router, *this);
    add_work_routes(*router, *this);
    add_tile_routes(*router, *this);
    impl_->router = std::move(router);
  });
  return impl_->router;
}

}  // namespace rootzone::api
