#pragma once
// Route groups of the service, each in its own file.
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::api {

// Each group adds its routes and describes them in the OpenAPI document's `paths`.
void add_feature_routes(Router& router, Service& service);  // OGC API Features Parts 1-3
void add_tree_edit_routes(Router& router, Service& service);  // tree_edit_routes.cpp
void describe_tree_edit_routes(nlohmann::json& paths, const Service& service);
void add_work_routes(Router& router, Service& service);  // work_routes.cpp: works, conflicts
void describe_work_routes(nlohmann::json& paths, const Service& service);
void add_tile_routes(Router& router, Service& service);  // tile_routes.cpp: vector tiles
void describe_tile_routes(nlohmann::json& paths, const Service& service);

nlohmann::json openapi_document(const Service& service);  // /api

// "http://host:port" as the client reached us (X-Forwarded-* honoured behind nginx).
std::string base_url(const Request& req);
Response json_response(const nlohmann::json& body, std::string content_type = "application/json");

}  // namespace rootzone::api
