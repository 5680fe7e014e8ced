#pragma once
// Route groups of the service, each in its own file.
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::api {

void add_feature_routes(Router& router, Service& service);  // OGC API Features Parts 1-3
nlohmann::json openapi_document(const Service& service);    // /api

// "http://host:port" as the client reached us (X-Forwarded-* honoured behind nginx).
std::string base_url(const Request& req);
Response json_response(const nlohmann::json& body, std::string content_type = "application/json");

}  // namespace rootzone::api
