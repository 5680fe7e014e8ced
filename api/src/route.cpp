#include "route.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "auth/auth.hpp"
#include "ogc/feature_json.hpp"
#include "routes.hpp"
#include "write_limit.hpp"

namespace rootzone::api {

namespace {

int status_of(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::unauthorized:
      return 401;
    case core::ErrorKind::forbidden:
      return 403;
    case core::ErrorKind::not_found:
      return 404;
    case core::ErrorKind::conflict:
      return 409;
    case core::ErrorKind::precondition_failed:
      return 412;
    case core::ErrorKind::unprocessable:
      return 422;
    case core::ErrorKind::busy:
      return 503;
  }
  return 500;
}

std::string default_title(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::unauthorized:
      return "Unauthorized";
    case core::ErrorKind::forbidden:
      return "Forbidden";
    case core::ErrorKind::not_found:
      return "Not Found";
    case core::ErrorKind::conflict:
      return "Conflict";
    case core::ErrorKind::precondition_failed:
      return "Precondition Failed";
    case core::ErrorKind::unprocessable:
      return "Unprocessable Content";
    case core::ErrorKind::busy:
      return "Store busy";
  }
  return "Error";
}

// The caller; a write first takes the tokens of its write limits (write_limit.hpp). The
// address pays before the key is checked: a flood of guessed keys is refused from its
// address's burst on; an invalid key gets no bucket (docs/RELIABILITY.md, "Rate limits on
// writes").
Caller authenticated(Request& req, Service& service, bool write) {
  if (!write) return authenticate(req, service);
  auto& limits = service.write_limits();
  const auto address = limits.address_of(req);
  limits.admit_address(address);
  auto caller = authenticate(req, service);
  if (!caller.is_public()) limits.admit_key(api_key_prefix(req), address);
  return caller;
}

}  // namespace

Problem to_problem(const core::Error& e) {
  Problem p{status_of(e.kind()),
            e.title().empty() ? default_title(e.kind()) : e.title(),
            e.what(),
            "about:blank",
            {}};
  if (e.kind() == core::ErrorKind::busy) {
    // SQLite's message can carry the statement's text and the store's layout: the operator
    // reads it in the log, the client learns only when to come back.
    const nlohmann::json line = {{"level", "warning"}, {"msg", "store busy"}, {"error", e.what()}};
    std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
              << std::flush;
    p.detail = "the store is busy; retry later";
  }
  switch (e.kind()) {
    case core::ErrorKind::unauthorized:
      p.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rootzone\"");
      break;
    case core::ErrorKind::busy:
      p.headers.emplace_back("Retry-After", "10");
      break;
    case core::ErrorKind::precondition_failed:
      if (const auto& v = e.current()) {
        const auto tag = etag(v->collection.c_str(), v->id, v->version);
        p.detail += ": its ETag is now " + tag + "; GET it, merge, and retry";
        p.headers.emplace_back("ETag", tag);
      }
      break;
    default:
      break;
  }
  return p;
}

void only_params(const Request& req, const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : req.query) {
    bool known = false;
    for (const auto& a : allowed) known = known || name == a;
    if (known) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw Problem{
        400,
        "Unknown query parameter",
        name + ": not a parameter of this endpoint" +
            (list.empty() ? std::string(" (it takes none)") : " (parameters: " + list + ")"),
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown",
        {}};
  }
}

std::int64_t Call::id(std::string_view param) const {
  for (const auto& [name, value] : ids) {
    if (name == param) return value;
  }
  throw std::logic_error("route: path parameter '" + std::string(param) + "' is not an id");
}

void add_route(Router& router, Service& service, RouteSpec spec, CallHandler handler) {
  const auto method = spec.method;
  const auto pattern = spec.pattern;
  const bool write = !spec.own_rate_limit && (method == Method::post || method == Method::put ||
                                              method == Method::patch || method == Method::del);
  router.add(method, pattern,
             [&service, write, spec = std::move(spec), handler = std::move(handler)](Request& req) {
               try {
                 Call call{req, authenticated(req, service, write), {}};
                 if (spec.action) core::require(call.caller, *spec.action);
                 if (spec.params) only_params(req, *spec.params);
                 for (const auto& [param, what] : spec.ids) {
                   call.ids.emplace_back(param, path_id(req, param.c_str(), what.c_str()));
                 }
                 return handler(service, call);
               } catch (const core::Error& e) {
                 throw to_problem(e);
               }
             });
}

}  // namespace rootzone::api
