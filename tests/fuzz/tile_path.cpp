// Tile paths (/tiles/{tileset}/{z}/{x}/{y}.mvt, /tiles/{tileset}.json, api/src/tiles/
// tile_routes.cpp and tiles/src/tile_math.cpp) as a client sends them: the input follows
// "/tiles/" in the raw request target, which is decoded as the server decodes it
// (wire::parse_target) and dispatched by the service's own router over a small store. The
// first byte says whether a planner's key is sent (every layer) or none (the public view).
// Every answer must be below 500: a 5xx for a path a client made up is a finding.
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_store.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/http/wire.hpp"
#include "rootzone/storage/user_repository.hpp"

namespace api = rootzone::api;
using rootzone::fuzz::require;

namespace {

struct Served {
  std::string planner_key;
  std::unique_ptr<api::Service> service;
  std::shared_ptr<api::Router> router;

  Served() {
    // No tile cache: every request renders, and memory stays flat over millions of paths.
    ::setenv("ROOTZONE_TILE_CACHE_MB", "0", 1);
    auto& store = rootzone::fuzz::sample_store();
    rootzone::geo::User u;
    u.name = "planner";
    u.role = rootzone::geo::Role::planner;
    planner_key = rootzone::core::issue_api_key(store.users(), store.users().add(u)).token;
    api::ServiceOptions o;
    o.db = rootzone::fuzz::scratch_dir() / "fuzz.sqlite";
    service = std::make_unique<api::Service>(o);
    router = service->router();
  }
};

Served& served() {
  static Served s;
  return s;
}

}  // namespace

// The store and the service are made before any input: that takes seconds, no input's doing.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)served();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto& s = served();
  const auto target = rootzone::http::wire::parse_target(
      "/tiles/" + std::string(rootzone::fuzz::as_text(data + 1, size - 1)));
  if (!target) return 0;  // the server answers 400 before any route
  api::Request req;
  req.method = api::Method::get;
  req.path = target->path;
  req.query = target->query;
  req.headers["host"] = "127.0.0.1:9999";
  req.headers["accept-encoding"] = "gzip";
  if ((data[0] & 1U) != 0) req.headers["authorization"] = "Bearer " + s.planner_key;
  const auto res = s.router->dispatch(req);
  if (res.status >= 500) {
    std::fprintf(stderr, "%d for %s: %s\n", res.status, req.path.c_str(), res.body.c_str());
  }
  require(res.status >= 200 && res.status < 500, "a tile path answered 5xx");
  return 0;
}
