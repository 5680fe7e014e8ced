#include "rootzone/api/service.hpp"

#include <mutex>

#include "rootzone/core/application.hpp"
#include "routes.hpp"
#include "write_limit.hpp"

namespace rootzone::api {

struct Service::Impl {
  ServiceOptions options;
  std::unique_ptr<core::Application> app;
  std::once_flag routed;
  std::shared_ptr<Router> router;
  std::unique_ptr<WriteLimits> write_limits;
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->write_limits = std::make_unique<WriteLimits>(impl_->options);
  impl_->app = std::make_unique<core::Application>(impl_->options.db, impl_->options.db_read);
}

Service::~Service() = default;

const ServiceOptions& Service::options() const { return impl_->options; }
int Service::srid() const { return impl_->app->srid(); }
storage::Store& Service::store() { return impl_->app->store(); }
core::Application& Service::app() { return *impl_->app; }
WriteLimits& Service::write_limits() { return *impl_->write_limits; }

std::shared_ptr<Router> Service::router() {
  // Built once: the routes hold what the server keeps in memory (the tiles' tree index and
  // cache) and register change listeners; a second set would load and listen twice.
  std::call_once(impl_->routed, [&] {
    auto router = std::make_shared<Router>();
    add_feature_routes(*router, *this);
    add_tree_edit_routes(*router, *this);
    add_work_routes(*router, *this);
    add_work_review_routes(*router, *this);
    add_tile_routes(*router, *this);
    add_me_route(*router, *this);
    add_rule_routes(*router, *this);
    add_web_routes(*router, *this);
    impl_->router = std::move(router);
  });
  return impl_->router;
}

}  // namespace rootzone::api
