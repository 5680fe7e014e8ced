// rootzone::http::Router and problem details, without sockets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "rootzone/http/http.hpp"

using rootzone::http::Method;
using rootzone::http::Problem;
using rootzone::http::Request;
using rootzone::http::Response;
using rootzone::http::Router;

namespace {

Request request(Method m, std::string path) {
  Request r;
  r.method = m;
  r.path = std::move(path);
  return r;
}

Response text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("router binds :params and prefers literal segments") {
  Router router;
  router.add(Method::get, "/collections/:collection/items/:id",
             [](Request& req) { return text(req.param("collection") + "/" + req.param("id")); });
  router.add(Method::get, "/collections/:collection",
             [](Request& req) { return text("collection " + req.param("collection")); });
  router.add(Method::get, "/collections/trees", [](Request&) { return text("literal"); });
  router.add(Method::get, "/tiles/*", [](Request& req) { return text("rest " + req.param("*")); });

  auto r1 = request(Method::get, "/collections/works/items/42");
  CHECK(router.dispatch(r1).body == "works/42");
  auto r2 = request(Method::get, "/collections/trees");
  CHECK(router.dispatch(r2).body == "literal");
  auto r3 = request(Method::get, "/collections/works/");  // trailing slash is ignored
  CHECK(router.dispatch(r3).body == "collection works");
  auto r4 = request(Method::get, "/tiles/trees/12/2170/1412.mvt");
  CHECK(router.dispatch(r4).body == "rest trees/12/2170/1412.mvt");
}

TEST_CASE("router answers 404 and 405 with Allow as problem+json") {
  Router router;
  router.add(Method::get, "/collections", [](Request&) { return text("list"); });
  router.add(Method::post, "/collections", [](Request&) { return text("created"); });

  auto missing = request(Method::get, "/nowhere");
  Response r404 = router.dispatch(missing);
  CHECK(r404.status == 404);
  CHECK(r404.content_type == "application/problem+json");
  CHECK(nlohmann::json::parse(r404.body).at("status") == 404);

  auto del = request(Method::del, "/collections");
  Response r405 = router.dispatch(del);
  CHECK(r405.status == 405);
  CHECK(r405.content_type == "application/problem+json");
  CHECK(header(r405, "Allow") == "GET, HEAD, POST, OPTIONS");

  auto options = request(Method::options, "/collections");
  Response r204 = router.dispatch(options);
  CHECK(r204.status == 204);
  CHECK(header(r204, "Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("router runs GET for HEAD and drops the body, keeping its length") {
  Router router;
  router.add(Method::get, "/doc", [](Request&) { return text("twelve bytes"); });
  auto head = request(Method::head, "/doc");
  Response r = router.dispatch(head);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(header(r, "Content-Length") == "12");
}

TEST_CASE("router turns a thrown Problem into its response") {
  Router router;
  router.add(Method::get, "/items", [](Request&) -> Response {
    throw Problem{400,
                  "Invalid query parameter",
                  "limit=-1: must be between 1 and 10000",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid",
                  {{"Cache-Control", "no-store"}}};
  });
  auto req = request(Method::get, "/items");
  Response r = router.dispatch(req);
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/problem+json");
  CHECK(header(r, "Cache-Control") == "no-store");
  auto body = nlohmann::json::parse(r.body);
  CHECK(body.at("title") == "Invalid query parameter");
  CHECK(body.at("detail") == "limit=-1: must be between 1 and 10000");
  CHECK(body.at("type") ==
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid");
}

TEST_CASE("router answers 500 without the exception text") {
  Router router;
  router.add(Method::get, "/boom", [](Request&) -> Response {
    throw std::runtime_error("SECRET sqlite error at /var/lib/rootzone/store.sqlite");
  });
  router.add(Method::get, "/boom-int", [](Request&) -> Response { throw 42; });
  for (const char* path : {"/boom", "/boom-int"}) {
    auto req = request(Method::get, path);
    Response r = router.dispatch(req);
    CHECK(r.status == 500);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body.find("SECRET") == std::string::npos);
    CHECK(r.body.find("sqlite") == std::string::npos);
    CHECK(nlohmann::json::parse(r.body).at("status") == 500);
  }
}

TEST_CASE("request helpers read headers, repeated query parameters and params") {
  Request req;
  req.headers["if-match"] = "\"v3\"";
  req.query = {{"bbox", "1,2,3,4"}, {"limit", "10"}, {"limit", "20"}};
  req.params["id"] = "42";
  CHECK(req.header("if-match") == std::optional<std::string>("\"v3\""));
  CHECK_FALSE(req.header("if-none-match").has_value());
  CHECK(req.query_value("limit") == std::optional<std::string>("10"));
  CHECK_FALSE(req.query_value("crs").has_value());
  CHECK(req.param("id") == "42");
  CHECK(req.param("collection").empty());
  CHECK(rootzone::http::to_string(Method::del) == "DELETE");
}
