// GET /me: who the key in Authorization belongs to, for the map page's header. The public has
// no one to be: 401, as for a wrong, revoked or disabled key (auth.cpp says which).
#include <nlohmann/json.hpp>

#include "auth/auth.hpp"
#include "openapi_parts.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

void add_me_route(Router& router, Service& service) {
  add_route(
      router, service, {Method::get, "/me", std::nullopt, std::vector<std::string>{}, {}},
      [](Service&, Call& call) {
        if (!call.caller.user) {
          throw Problem{401,
                        "Unauthorized",
                        "/me names the caller of an API key: send 'Authorization: Bearer "
                        "<API key>'",
                        "about:blank",
                        {{"WWW-Authenticate", "Bearer realm=\"rootzone\""}}};
        }
        const auto& u = *call.caller.user;
        auto res = json_response(
            {{"name", u.name}, {"role", geo::to_string(u.role)}, {"organisation", u.organisation}});
        res.header("Cache-Control", "private, no-store");
        res.header("Vary", "Authorization");
        return res;
      });
}

void describe_me_route(nlohmann::json& paths) {
  using openapi::problem;
  const nlohmann::json roles = {"contractor", "field_staff", "planner", "admin"};
  paths["/me"] = {{"get",
                   {{"summary", "The user the API key belongs to (the map page's sign-in)"},
                    {"responses",
                     {{"200",
                       {{"description", "The signed-in user"},
                        {"content",
                         {{"application/json",
                           {{"schema",
                             {{"type", "object"},
                              {"required", {"name", "role", "organisation"}},
                              {"additionalProperties", false},
                              {"properties",
                               {{"name", {{"type", "string"}}},
                                {"role", {{"type", "string"}, {"enum", roles}}},
                                {"organisation",
                                 {{"type", "string"},
                                  {"description",
                                   "a contractor's organisation; empty for most users"}}}}}}}}}}}}},
                      {"400", problem()},
                      {"401", problem()}}}}}};
}

}  // namespace rootzone::api
