// The query parameters of /collections/{trees,works,conflicts}/items (api/src/ogc/
// items_query.cpp: bbox, bbox-crs, datetime, filter, filter-lang, filter-crs, properties as
// queryables, sortby, crs, cursor, limit), from the raw query string as the server decodes it
// (wire::parse_target), then the query run on a small store as the route runs it: a query that
// was accepted must run (an SQL error there would be a 500). The first byte chooses the
// collection; the rest is the query string.
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_store.hpp"
#include "ogc/items_query.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/http/wire.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "route.hpp"

namespace api = rootzone::api;
namespace storage = rootzone::storage;
using rootzone::fuzz::require;

// The store is made before any input: making it takes seconds, which is no input's doing.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)rootzone::fuzz::sample_store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static storage::Store& store = rootzone::fuzz::sample_store();
  static const api::ServiceOptions options{};
  const storage::Collection collections[] = {storage::Collection::trees, storage::Collection::works,
                                             storage::Collection::tree_work_conflicts};
  const auto collection = collections[data[0] % 3U];
  const auto target = rootzone::http::wire::parse_target(
      "/items?" + std::string(rootzone::fuzz::as_text(data + 1, size - 1)));
  if (!target) return 0;  // the server answers 400 before any route
  api::Request req;
  req.path = target->path;
  req.query = target->query;
  try {
    const auto r = api::parse_items_request(req, collection, store.srid(), options);
    require(r.query.limit >= 1 && r.query.limit <= options.max_limit, "limit out of range passed");
    if (const auto& b = r.query.bbox) {
      // A lon/lat box outside the store CRS's area of use becomes {1, 1, 0, 0} on purpose
      // (items_query.cpp read_bbox: it matches nothing); any other box must be in order.
      const bool nothing = b->minx == 1 && b->miny == 1 && b->maxx == 0 && b->maxy == 0;
      require(nothing || (b->minx <= b->maxx && b->miny <= b->maxy), "an inverted bbox passed");
    }
    (void)api::encoded_query(req, std::optional<std::string>("next"));
    switch (collection) {
      case storage::Collection::trees:
        (void)storage::query_trees(store, r.query);
        break;
      case storage::Collection::works:
        (void)storage::query_works(store, r.query);
        break;
      case storage::Collection::tree_work_conflicts:
        (void)storage::query_tree_work_conflicts(store, r.query);
        break;
    }
  } catch (const api::Problem& p) {
    require(p.status >= 400 && p.status <= 499, "a query answered with a non-4xx problem");
  } catch (const rootzone::core::Error& e) {
    const auto p = api::to_problem(e);
    require(p.status >= 400 && p.status <= 499, "a query answered with a non-4xx error");
  } catch (const std::exception& e) {
    rootzone::fuzz::unexpected(e);
  }
  return 0;
}
