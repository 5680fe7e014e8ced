#pragma once
// The query parameters of /collections/{id}/items, checked against OGC API Features Parts
// 1-3: unknown or malformed parameters are a 400 naming the parameter and the requirement.
#include <optional>
#include <string>

#include "crs_uris.hpp"
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/storage/feature_query.hpp"

namespace rootzone::api {

struct ItemsRequest {
  storage::FeatureQuery query;  // bbox already in the store CRS
  OutputCrs crs;
};

ItemsRequest parse_items_request(const Request& req, storage::Collection collection, int store_srid,
                                 const ServiceOptions& options);

// crs= alone (for /items/{id}); CRS84 when absent.
OutputCrs parse_crs_param(const Request& req, int store_srid);

// The request's parameters as a query string ("" or "a=1&b=2"), percent-encoded; with a
// cursor it replaces the client's: the next link keeps every parameter the client gave.
std::string encoded_query(const Request& req, std::optional<std::int64_t> cursor = std::nullopt);
// The same with a cursor token (a sorted listing's).
std::string encoded_query(const Request& req, const std::optional<std::string>& cursor);

}  // namespace rootzone::api
