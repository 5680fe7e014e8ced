#pragma once
// How every route of the service is declared: its method and path, the policy action it needs
// (core/policy.hpp), the query parameters it takes and the path parameters that are store ids.
// add_route applies the declaration before the handler runs (authenticate, 401/403, 400 for
// an unknown parameter, 404 for an id that is not one) and maps the use cases' domain errors
// to problem+json: the one place where core's errors become HTTP.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/core/policy.hpp"

namespace rootzone::api {

struct RouteSpec {
  Method method = Method::get;
  std::string pattern;
  // The action the caller must be allowed; none: the handler or the use case decides (reads
  // that every role may make, rules that depend on the thing read).
  std::optional<core::Action> action;
  // The query parameters the route takes (others: 400 naming them); none: the handler checks
  // them itself (the items query has its own grammar).
  std::optional<std::vector<std::string>> params = std::vector<std::string>{};
  // Path parameters that are store ids, with what they name: {"id", "work"}. Not a positive
  // decimal in canonical form ("7", not "07" or "+7"): 404 "no work '07'".
  std::vector<std::pair<std::string, std::string>> ids;
  // POST, PUT, PATCH and DELETE take a token of the write limits (write_limit.hpp) before
  // anything else, unless the route has a limit of its own (the work preview stores nothing).
  bool own_rate_limit = false;
};

struct Call {
  Request& req;
  core::Caller caller;
  std::vector<std::pair<std::string, std::int64_t>> ids;

  std::int64_t id(std::string_view param = "id") const;
};

using CallHandler = std::function<Response(Service&, Call&)>;
void add_route(Router& router, Service& service, RouteSpec spec, CallHandler handler);

// The problem a domain error is answered with.
Problem to_problem(const core::Error& e);

// 400 for a query parameter not in `allowed`.
void only_params(const Request& req, const std::vector<std::string>& allowed);

}  // namespace rootzone::api
