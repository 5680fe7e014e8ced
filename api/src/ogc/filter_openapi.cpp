// The OpenAPI description of Part 3's filter parameters and sortby (docs/filtering.md).
#include <nlohmann/json.hpp>

#include "crs_uris.hpp"
#include "ogc/cql2.hpp"
#include "ogc/sort_cursor.hpp"
#include "openapi_parts.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "routes.hpp"

namespace rootzone::api {

void describe_filter_parameters(nlohmann::json& params, std::string_view collection_id,
                                const Service& service) {
  using nlohmann::json;
  using openapi::param;
  const auto collection = collection_id == "trees"   ? storage::Collection::trees
                          : collection_id == "works" ? storage::Collection::works
                                                     : storage::Collection::tree_work_conflicts;
  std::string names;
  for (const auto& q : storage::queryables(collection)) {
    if (q.geometry()) {
      // Filtered with S_INTERSECTS and friends, never by an equality parameter.
      params.erase(std::remove_if(params.begin(), params.end(),
                                  [&](const json& p) { return p.at("name") == q.name; }),
                   params.end());
      continue;
    }
    names += (names.empty() ? "" : ", ") + q.name;
  }
  params.push_back(param(
      "filter", "query", {{"type", "string"}, {"maxLength", kMaxFilterBytes}},
      "CQL2 filter (OGC 21-065) on the queryables (see /queryables): comparisons, LIKE, BETWEEN, "
      "IN, IS NULL, S_INTERSECTS and the other spatial functions, BBOX, T_BEFORE and the other "
      "temporal functions, and rootzone's S_DWITHIN(geometry, POINT(x y), distance, meters). "
      "At most 64 levels deep and " +
          std::to_string(storage::filter::kMaxInList) + " values per IN list."));
  // "cql-text" is what GDAL 3.6's OAPIF driver looks for and sends; it is read as cql2-text.
  params.push_back(param("filter-lang", "query",
                         {{"type", "string"},
                          {"enum", {"cql2-text", "cql2-json", "cql-text"}},
                          {"default", "cql2-text"}},
                         "Encoding of filter"));
  params.push_back(param("filter-crs", "query",
                         {{"type", "string"},
                          {"enum", supported_crs_uris(service.srid())},
                          {"default", std::string(kCrs84)}},
                         "CRS of the geometry literals in filter (default CRS84)"));
  params.push_back(param(
      "sortby", "query",
      {{"type", "array"}, {"maxItems", kMaxSortKeys}, {"items", {{"type", "string"}}}},
      "Sort keys, comma-separated, each a queryable with an optional + (ascending, the default) "
      "or - (descending); ties by id. Paging keeps the order (the cursor carries the last "
      "feature's values). Sortable: " +
          names));
}

}  // namespace rootzone::api
