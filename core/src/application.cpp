#include "rootzone/core/application.hpp"

#include <map>

#include "rootzone/core/live_engine.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

struct Application::Impl {
  std::filesystem::path db;
  std::string db_read;
  int srid = 0;
  std::unique_ptr<LiveEngine> live;
  std::vector<std::function<void(const DataChange&)>> listeners;
};

Application::Application(std::filesystem::path db) : Application(std::move(db), "") {}

Application::Application(std::filesystem::path db, std::string db_read)
    : impl_(std::make_unique<Impl>()) {
  impl_->db = std::move(db);
  impl_->db_read = std::move(db_read);
  impl_->srid = store().srid();
  impl_->live = std::make_unique<LiveEngine>(*this);
}

Application::~Application() = default;

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
  impl_->listeners.push_back(std::move(listener));
}

void Application::publish(const DataChange& change) const {
  for (const auto& listener : impl_->listeners) listener(change);
}

}  // namespace rootzone::core
