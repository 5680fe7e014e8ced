// The plain request/response types of rootzone/api/http.hpp and RFC 7807 problem details.
#include <nlohmann/json.hpp>

#include "rootzone/http/http.hpp"

namespace rootzone::http {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
  }
  return "GET";
}

std::optional<std::string> Request::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::query_value(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string Request::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

Response problem_response(const Problem& p) {
  nlohmann::json body = {
      {"type", p.type.empty() ? "about:blank" : p.type}, {"title", p.title}, {"status", p.status}};
  if (!p.detail.empty()) body["detail"] = p.detail;
  Response r;
  r.status = p.status;
  r.content_type = "application/problem+json";
  // Replace invalid UTF-8 (a detail may quote a client's bytes) instead of throwing.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers = p.headers;
  return r;
}

}  // namespace rootzone::http
