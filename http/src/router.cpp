// Pattern routing and the one place where a handler's exceptions become responses.
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log_line.hpp"
#include "rootzone/http/http.hpp"

namespace rootzone::http {
namespace {

// "/a//b/" -> {"a", "b"}: empty segments (doubled or trailing slashes) are ignored.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Matches one pattern against a path; binds ":name" segments and a trailing "*" (the rest of
// the path, joined with '/', as param "*"). Returns a specificity score (more literal segments
// win over parameters, parameters over the wildcard) or -1.
int match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
          std::map<std::string, std::string>& params) {
  params.clear();
  int literals = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& seg = pattern[i];
    if (seg == "*" && i + 1 == pattern.size()) {
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) {
        if (!rest.empty()) rest += '/';
        rest += path[j];
      }
      params["*"] = std::move(rest);
      return literals * 4 + 1;
    }
    if (i >= path.size()) return -1;
    if (!seg.empty() && seg.front() == ':') {
      params[seg.substr(1)] = path[i];
    } else if (seg == path[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  if (pattern.size() != path.size()) return -1;
  return literals * 4 + 2;
}

Response internal_error() {
  return problem_response(Problem{500,
                                  "Internal Server Error",
                                  "The server could not complete the request; the error was "
                                  "logged.",
                                  "about:blank",
                                  {}});
}

}  // namespace

void Router::add(Method m, std::string pattern, Handler h) {
  routes_.push_back(Route{m, split_path(pattern), std::move(h)});
}

Response Router::dispatch(Request& req) const {
  const std::vector<std::string> path = split_path(req.path);
  // HEAD falls back to GET when no route registers HEAD itself.
  const Route* best = nullptr;
  const Route* best_get = nullptr;
  int best_score = -1;
  int best_get_score = -1;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> best_params;
  std::map<std::string, std::string> best_get_params;
  std::vector<Method> allowed;
  for (const Route& route : routes_) {
    int score = match(route.segments, path, params);
    if (score < 0) continue;
    bool known = false;
    for (Method a : allowed) known = known || a == route.method;
    if (!known) allowed.push_back(route.method);
    if (route.method == req.method && score > best_score) {
      best = &route;
      best_score = score;
      best_params = params;
    }
    if (route.method == Method::get && score > best_get_score) {
      best_get = &route;
      best_get_score = score;
      best_get_params = params;
    }
  }
  const bool head_via_get = best == nullptr && req.method == Method::head && best_get != nullptr;
  if (head_via_get) {
    best = best_get;
    best_params = std::move(best_get_params);
  }

  if (best == nullptr) {
    if (allowed.empty()) {
      return problem_response(
          Problem{404, "Not Found", "No resource at " + req.path, "about:blank", {}});
    }
    std::string allow;
    auto add_allow = [&allow](std::string_view m) {
      if (allow.find(m) != std::string::npos) return;
      if (!allow.empty()) allow += ", ";
      allow += m;
    };
    for (Method a : allowed) {
      add_allow(to_string(a));
      if (a == Method::get) add_allow("HEAD");
    }
    add_allow("OPTIONS");
    if (req.method == Method::options) {
      Response r;
      r.status = 204;
      r.content_type.clear();
      r.header("Allow", allow);
      return r;
    }
    return problem_response(Problem{405,
                                    "Method Not Allowed",
                                    std::string(to_string(req.method)) + " is not allowed on " +
                                        req.path + "; allowed: " + allow,
                                    "about:blank",
                                    {{"Allow", allow}}});
  }

  req.params = std::move(best_params);
  try {
    Response r = best->handler(req);
    if (head_via_get) {
      // The server sends this length as Content-Length of the HEAD response (RFC 9110 9.3.2).
      r.header("Content-Length", std::to_string(r.body_view().size()));
      r.body.clear();
      r.shared_body.reset();
    }
    return r;
  } catch (const Problem& p) {
    return problem_response(p);
  } catch (const std::exception& e) {
    log_line({{"level", "error"},
              {"msg", "handler failed"},
              {"method", std::string(to_string(req.method))},
              {"path", req.path},
              {"error", e.what()}});
    return internal_error();
  } catch (...) {
    log_line({{"level", "error"},
              {"msg", "handler failed"},
              {"method", std::string(to_string(req.method))},
              {"path", req.path},
              {"error", "unknown exception"}});
    return internal_error();
  }
}

}  // namespace rootzone::http
