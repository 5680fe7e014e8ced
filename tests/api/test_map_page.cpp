// The map page as `rootzone serve` serves it (issue 13): /map and its assets from the binary
// with the security headers, gzip made at build time, strong ETags; / sends a browser to /map
// and keeps JSON for API clients; serve --basemap is checked at start-up and reaches the page's
// configuration and its Content-Security-Policy.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "rootzone/api/basemap.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

std::string empty_store(const test::TestStore& location) {
  storage::Store::create(location.location());
  return location.location();
}

void require_page_headers(const test::HttpResponse& r) {
  const auto csp = r.header("content-security-policy");
  INFO(csp);
  CHECK(csp.find("script-src 'self';") != std::string::npos);
  CHECK(csp.find("worker-src 'self';") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("unsafe-eval") == std::string::npos);
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "no-referrer");
}

}  // namespace

TEST_CASE("rootzone serve: /map and its assets come from the binary with security headers",
          "[api][web]") {
  test::TempDir dir;
  const test::TestStore location(dir, "page.sqlite");
  test::ServerProcess server(empty_store(location));
  test::HttpClient c(server.port());

  const auto page = c.get("/map");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.header("cache-control") == "no-cache");
  require_page_headers(page);
  // No inline script: every <script> names a file of ours.
  CHECK(page.body.find("<script>") == std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(
      page.body, m,
      std::regex(R"(<script type="module" src="(/map/assets/app-[0-9a-f]{16}\.js)\">)")));
  const std::string script = m[1];
  REQUIRE(std::regex_search(
      page.body, m,
      std::regex(R"re(data-worker-url="(/map/assets/maplibre-gl-worker-[0-9a-f]{16}\.mjs)")re")));
  const std::string worker = m[1];

  // The page is revalidated with its ETag; the hashed files are cached for a year.
  const auto again = c.get("/map", "If-None-Match: " + page.header("etag") + "\r\n");
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  const auto js = c.get(script);
  REQUIRE(js.status == 200);
  CHECK(js.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(js.header("cache-control") == "public, max-age=31536000, immutable");
  CHECK(js.body.size() > 100000);
  require_page_headers(js);
  const auto gz = c.get(script, "Accept-Encoding: gzip\r\n");
  REQUIRE(gz.status == 200);
  CHECK(gz.header("content-encoding") == "gzip");
  CHECK(gz.header("etag") == js.header("etag"));
  CHECK(gz.body.size() < js.body.size() / 2);
  CHECK(static_cast<unsigned char>(gz.body[0]) == 0x1f);  // gzip's magic
  CHECK(static_cast<unsigned char>(gz.body[1]) == 0x8b);

  const auto w = c.get(worker, "Accept-Encoding: gzip\r\n");
  CHECK(w.status == 200);
  CHECK(w.header("content-type") == "text/javascript; charset=utf-8");

  const auto missing = c.get("/map/assets/app-0000000000000000.js");
  CHECK(missing.status == 404);
  CHECK(missing.header("content-type") == "application/problem+json");
  CHECK(c.get("/map/assets/..%2F..%2Fetc%2Fpasswd").status == 404);

  const auto config = c.get("/map/config.json");
  REQUIRE(config.status == 200);
  CHECK(json::parse(config.body) == json{{"basemap", nullptr}});

  // The service worker: a stable name, revalidated, allowed the scope /map (the page lives
  // outside /map/), under the same CSP (worker-src 'self' covers a service worker's script).
  const auto sw = c.get("/map/sw.js");
  REQUIRE(sw.status == 200);
  CHECK(sw.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(sw.header("cache-control") == "no-cache");
  CHECK(sw.header("service-worker-allowed") == "/map");
  require_page_headers(sw);
  // It keeps this build's page files for offline use: the script the page loads is among them.
  CHECK(sw.body.find(script) != std::string::npos);
  const auto sw_again = c.get("/map/sw.js", "If-None-Match: " + sw.header("etag") + "\r\n");
  CHECK(sw_again.status == 304);
}

TEST_CASE("rootzone serve: / sends a browser to /map, API clients keep the landing page",
          "[api][web]") {
  test::TempDir dir;
  const test::TestStore location(dir, "page.sqlite");
  test::ServerProcess server(empty_store(location));
  test::HttpClient c(server.port());
  const auto browser =
      c.get("/", "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n");
  CHECK(browser.status == 303);
  CHECK(browser.header("location") == "/map");
  const auto client = c.get("/", "Accept: application/json\r\n");
  REQUIRE(client.status == 200);
  CHECK(json::parse(client.body).at("links").is_array());
  CHECK(c.get("/").status == 200);  // no Accept at all: JSON, as before
}

TEST_CASE("serve --basemap: the page's configuration and CSP carry the basemap's origin",
          "[api][web]") {
  test::TempDir dir;
  const test::TestStore location(dir, "page.sqlite");
  const auto db = empty_store(location);
  const std::string wms =
      "https://geo.example.org:8443/wms?SERVICE=WMS&REQUEST=GetMap&LAYERS=stadtplan&"
      "BBOX={bbox-epsg-3857}&WIDTH=256&HEIGHT=256&CRS=EPSG:3857&FORMAT=image/png";
  test::ServerProcess server(db, {"--basemap", wms});
  test::HttpClient c(server.port());
  const auto config = c.get("/map/config.json");
  REQUIRE(config.status == 200);
  CHECK(json::parse(config.body) == json{{"basemap", {{"kind", "wms"}, {"url", wms}}}});
  const auto csp = c.get("/map").header("content-security-policy");
  CHECK(csp.find("connect-src 'self' https://geo.example.org:8443;") != std::string::npos);
  CHECK(csp.find("img-src 'self' data: blob: https://geo.example.org:8443;") != std::string::npos);
}

TEST_CASE("serve --basemap refuses a URL that is none of the three kinds or could break out",
          "[api][web]") {
  const auto bad = [](const std::string& url, const std::string& says) {
    test::TempDir dir;
    const test::TestStore location(dir, "page.sqlite");
    const auto r = test::run_rootzone({"serve", "--db", empty_store(location), "--basemap", url});
    INFO(url << "\n" << r.err);
    CHECK(r.exit_code == 64);
    CHECK(r.err.find(says) != std::string::npos);
  };
  bad("ftp://tiles.example.org/{z}/{x}/{y}.png", "must start with https:// or http://");
  bad("https://tiles.example.org/map.png", "is none of the three");
  bad("https://tiles.example.org/{z}/{x}/{y}.png'; script-src *", "contains a quote");
  bad("https://evil\".example.org/{z}/{x}/{y}.png", "contains a quote");
  bad("https:///{z}/{x}/{y}.png", "is not a host name");
  bad("https://tiles.example.org:port/{z}/{x}/{y}.png", "is not a host name");

  using api::Basemap;
  const auto xyz = api::parse_basemap("https://tile.example.org/{z}/{x}/{y}.png").basemap;
  REQUIRE(xyz);
  CHECK(xyz->kind == Basemap::Kind::xyz);
  CHECK(xyz->origin == "https://tile.example.org");
  const auto style =
      api::parse_basemap("http://localhost:8080/styles/basemap/style.json?key=1").basemap;
  REQUIRE(style);
  CHECK(style->kind == Basemap::Kind::style);
  CHECK(style->origin == "http://localhost:8080");
}
