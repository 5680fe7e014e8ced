// CQL2 filters (api/src/ogc/cql2_text.cpp, cql2_json.cpp, cql2_literals.cpp) as the filter
// parameter brings them, without the URL around them: the first byte chooses the encoding
// (text or JSON), the filter-crs and the collection, the rest is the filter. A filter that
// parses and passes storage::check_filter is run on a small store, as the items route does:
// it must compile to SQL that runs.
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_store.hpp"
#include "ogc/cql2.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/filter.hpp"
#include "rootzone/storage/store.hpp"

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
  const unsigned selector = data[0];
  const auto text = rootzone::fuzz::as_text(data + 1, size - 1);
  static const char* const kCrs[] = {"http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                                     "http://www.opengis.net/def/crs/EPSG/0/25832",
                                     "http://www.opengis.net/def/crs/EPSG/0/4326"};
  api::FilterCrs crs;
  crs.crs = api::crs_from_uri(kCrs[(selector >> 1U) % 3U], store.srid()).value();
  crs.store_srid = store.srid();
  const storage::Collection collections[] = {storage::Collection::trees, storage::Collection::works,
                                             storage::Collection::tree_work_conflicts};
  const auto collection = collections[(selector >> 3U) % 3U];
  try {
    storage::FeatureQuery q;
    q.filter =
        (selector & 1U) == 0 ? api::parse_cql2_text(text, crs) : api::parse_cql2_json(text, crs);
    try {
      storage::check_filter(collection, *q.filter, store.srid());
    } catch (const storage::filter::FilterError&) {
      return 0;  // the route answers 400 naming the property or the type
    }
    switch (collection) {
      case storage::Collection::trees:
        (void)storage::query_trees(store, q);
        break;
      case storage::Collection::works:
        (void)storage::query_works(store, q);
        break;
      case storage::Collection::tree_work_conflicts:
        (void)storage::query_tree_work_conflicts(store, q);
        break;
    }
  } catch (const api::Problem& p) {
    require(p.status == 400, "a filter answered with another status than 400");
  } catch (const std::exception& e) {
    rootzone::fuzz::unexpected(e);
  }
  return 0;
}
