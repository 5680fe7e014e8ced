#include "rootzone/core/application.hpp"

#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "change_follower.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/storage/change_feed.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

struct Application::Impl {
  std::filesystem::path db;
  std::string db_read;
  int srid = 0;
  std::unique_ptr<LiveEngine> live;
  // The follower publishes from its own thread, maybe while the routes still register.
  mutable std::mutex listeners_mutex;
  std::vector<std::function<void(const DataChange&)>> listeners;
  std::unique_ptr<ChangeFollower> follower;  // last: stopped before the engine goes
};

Application::Application(std::filesystem::path db) : Application(std::move(db), "") {}

Application::Application(std::filesystem::path db, std::string db_read)
    : impl_(std::make_unique<Impl>()) {
  impl_->db = std::move(db);
  impl_->db_read = std::move(db_read);
  impl_->srid = store().srid();
  const auto location = impl_->db.string();
  if (!storage::is_postgis_location(location)) {
    impl_->live = std::make_unique<LiveEngine>(*this);
    return;
  }
  // Several nodes on one database: listening before the engine loads, so that no write falls
  // between the load and the first notification.
  std::unique_ptr<storage::ChangeFeed> feed;
  try {
    feed = storage::open_change_feed(location);
  } catch (const std::exception& e) {
    const nlohmann::json line = {
        {"level", "warning"},
        {"msg", "change follower: cannot listen to the store's changes yet; retrying"},
        {"error", e.what()}};
    std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
              << std::flush;
  }
  impl_->live = std::make_unique<LiveEngine>(*this);
  impl_->follower = std::make_unique<ChangeFollower>(*impl_->live, location, std::move(feed));
}

// The follower first, while everything it may touch (the store, the engine, the listeners) is
// whole.
Application::~Application() { impl_->follower.reset(); }

const std::filesystem::path& Application::db() const { return impl_->db; }
int Application::srid() const { return impl_->srid; }

storage::Store& Application::store() {
  // Keyed by file: a test may run two applications over two stores on one thread.
  thread_local std::map<std::filesystem::path, std::unique_ptr<storage::Store>> stores;
  auto& slot = stores[impl_->db];
  if (!slot) {
    slot = std::make_unique<storage::Store>(storage::Store::open(impl_->db, impl_->db_read));
  }
  return *slot;
}

LiveEngine& Application::live() { return *impl_->live; }

void Application::on_change(std::function<void(const DataChange&)> listener) {
  std::lock_guard lock(impl_->listeners_mutex);
  impl_->listeners.push_back(std::move(listener));
}

void Application::publish(const DataChange& change) const {
  std::lock_guard lock(impl_->listeners_mutex);
  for (const auto& listener : impl_->listeners) listener(change);
}

}  // namespace rootzone::core
