#pragma once
// Building blocks of the OpenAPI document, shared by every route group's describe_*_routes.
// Every response names its body's schema in components/schemas (openapi_schemas.cpp), so a
// generated client learns the shape of each answer, problems included.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace rootzone::api::openapi {

nlohmann::json param(const std::string& name, const std::string& in, const nlohmann::json& schema,
                     const std::string& description, bool required = false);
// {"$ref": "#/components/schemas/<name>"}
nlohmann::json ref(const std::string& schema_name);
// A response whose body is the named schema of components/schemas.
nlohmann::json response(const std::string& description, const std::string& schema_name,
                        const std::string& type = "application/json");
// A response without a body (204, 304).
nlohmann::json empty_response(const std::string& description);
// The response with headers it always sends: {name, description}.
nlohmann::json with_headers(nlohmann::json response,
                            std::initializer_list<std::pair<const char*, const char*>> headers);
// Headers every problem of a status sends (WWW-Authenticate with 401, Allow with 405,
// Retry-After with 503), added to every such response of `paths`.
void add_problem_headers(nlohmann::json& paths);
// An RFC 9457 problem+json response; the description says when it is answered.
nlohmann::json problem(const std::string& description);
// Adds a problem response for each status with the usual reason (openapi_schemas.cpp's table),
// unless `responses` already has one for it.
void add_problems(nlohmann::json& responses, std::initializer_list<int> statuses);

// components/schemas: every body the API answers with.
nlohmann::json component_schemas();

}  // namespace rootzone::api::openapi
