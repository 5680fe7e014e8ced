#pragma once
// Building blocks of the OpenAPI document, shared by every route group's describe_*_routes.
#include <nlohmann/json.hpp>
#include <string>

namespace rootzone::api::openapi {

nlohmann::json param(const std::string& name, const std::string& in, const nlohmann::json& schema,
                     const std::string& description, bool required = false);
nlohmann::json response(const std::string& description,
                        const std::string& type = "application/json");
nlohmann::json problem();  // an RFC 7807 problem response

}  // namespace rootzone::api::openapi
