// The latency of a tree PATCH through the service's router (no socket), each PATCH a real
// change that recomputes the tree's conflicts in the live engine. A measurement, not a test:
// bench/run-edit-latency.sh prepares the Konstanz store and runs it.
//   edit_latency DB [PATCHES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/storage/store.hpp"

using namespace rootzone;
using nlohmann::json;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: edit_latency DB [PATCHES]\n");
    return 2;
  }
  const std::string db = argv[1];
  const int patches = argc > 2 ? std::atoi(argv[2]) : 400;
  std::string key;
  std::int64_t tree = 1;
  {
    auto store = storage::Store::open(db);
    geo::User u;
    u.name = "bench-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    u.role = geo::Role::field_staff;
    key = core::issue_api_key(store.users(), store.users().add(u)).token;
    // A tree with conflicts, so that every PATCH recomputes some.
    const auto conflicts = store.conflicts().all_tree_work_conflicts();
    if (!conflicts.empty()) tree = conflicts.front().tree_id;
  }
  api::Service service({.db = db});
  const auto router = service.router();
  auto version = storage::Store::open(db).trees().get(tree).version;
  std::vector<double> ms;
  std::size_t conflicts = 0;
  for (int i = 0; i < patches; ++i) {
    api::Request req;
    req.method = api::Method::patch;
    req.path = "/collections/trees/items/" + std::to_string(tree);
    req.headers = {
        {"host", "127.0.0.1"},
        {"content-type", "application/merge-patch+json"},
        {"authorization", "Bearer " + key},
        {"if-match", "\"tree-" + std::to_string(tree) + "-v" + std::to_string(version) + "\""}};
    req.body = json({{"properties", {{"height_m", 10 + i % 7 + 0.5}}}}).dump();
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = router->dispatch(req);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (r.status != 200) {
      std::fprintf(stderr, "PATCH %d: %d %s\n", i, r.status, r.body.c_str());
      return 1;
    }
    const auto body = json::parse(r.body);
    version = body.at("properties").at("version").get<std::int64_t>();
    conflicts = body.at("conflicts").at("count").get<std::size_t>();
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&](std::size_t permille) { return ms[ms.size() * permille / 1000]; };
  std::printf(
      "tree %lld with %zu conflicts, %d PATCHes: median %.3f ms, p95 %.3f ms, p99 %.3f ms, "
      "max %.3f ms\n",
      static_cast<long long>(tree), conflicts, patches, at(500), at(950), at(990), ms.back());
  return 0;
}
