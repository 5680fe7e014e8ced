#pragma once
// Route groups of the service, each in its own file.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::api {

// Each group adds its routes and describes them in the OpenAPI document's `paths`.
void add_feature_routes(Router& router,
                        Service& service);  // ogc/features.cpp: OGC API Features Parts 1-3
void add_tree_edit_routes(Router& router, Service& service);  // trees/tree_routes.cpp
void describe_tree_edit_routes(nlohmann::json& paths, const Service& service);
void add_work_routes(Router& router, Service& service);  // works/work_routes.cpp: works, conflicts
void describe_work_routes(nlohmann::json& paths, const Service& service);
// works/work_review_routes.cpp: the works overview and a work's printable statement
void add_work_review_routes(Router& router, Service& service);
void describe_work_review_routes(nlohmann::json& paths, const Service& service);
void add_tile_routes(Router& router, Service& service);  // tiles/tile_routes.cpp: vector tiles
void describe_tile_routes(nlohmann::json& paths, const Service& service);
void add_web_routes(Router& router, Service& service);  // web/web_routes.cpp: the map page
void describe_web_routes(nlohmann::json& paths, const Service& service);  // and /me's
void add_me_route(Router& router, Service& service);  // auth/me.cpp: who the key belongs to
void describe_me_route(nlohmann::json& paths);
void add_rule_routes(Router& router, Service& service);  // rules/rule_routes.cpp: read only
void describe_rule_routes(nlohmann::json& paths);
// A browser asking for HTML (Accept: text/html): the landing page sends it to /map.
bool wants_page(const Request& req);

nlohmann::json openapi_document(const Service& service);  // /api
// write_limit_openapi.cpp: 429 on every write operation while a write limit is on
void describe_write_limits(nlohmann::json& paths, const Service& service);
// ogc/filter_openapi.cpp: filter, filter-lang, filter-crs and sortby on a collection's items
// ("trees", "works", "conflicts"); geometry queryables are no equality parameters.
void describe_filter_parameters(nlohmann::json& params, std::string_view collection_id,
                                const Service& service);

// The base of links and Location: `serve --public-url` when given; otherwise "http://host:port"
// as the client reached us (X-Forwarded-* honoured behind nginx) when the header is a valid
// host[:port], else the server's own address.
std::string base_url(const Request& req);
Response json_response(const nlohmann::json& body, std::string content_type = "application/json");

// A whole number >= 0 written as digits only, without leading zeros ("10", not "1e1", "010",
// "+10" or "10.0"); none when it is not one or exceeds int64.
std::optional<std::int64_t> canonical_integer(std::string_view text);

// The store id in path parameter `param`: a positive decimal in canonical form ("7", not "07"
// or "+7", which would name the same row by another URL). Anything else is a 404 problem
// "no <what> '<text>'".
std::int64_t path_id(const Request& req, const char* param, const char* what);

}  // namespace rootzone::api
