// The map page (docs/web.md): /map and its assets from the binary (web/build.mjs embeds
// them), /map/config.json for the basemap, and the security headers of every page response.
// A browser asking / for HTML is sent here by the landing page (wants_page).
#include <nlohmann/json.hpp>
#include <string>

#include "openapi_parts.hpp"
#include "rootzone/api/basemap.hpp"
#include "rootzone/http/wire.hpp"
#include "rootzone/web/assets.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

// The server gzips bodies from this size on (http/src/server.cpp) and says Vary then.
constexpr std::size_t kServerGzipMinBytes = 1024;

// No inline script, no eval: scripts and MapLibre's worker only from this origin; the basemap's
// origin (serve --basemap) is the one outside address the page may reach, for images and tiles.
std::string content_security_policy(const ServiceOptions& options) {
  const std::string extra = options.basemap ? " " + options.basemap->origin : "";
  return "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; "
         "img-src 'self' data: blob:" +
         extra + "; connect-src 'self'" + extra +
         "; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'";
}

Response& secure(Response& res, const ServiceOptions& options) {
  res.header("Content-Security-Policy", content_security_policy(options));
  res.header("X-Content-Type-Options", "nosniff");
  res.header("Referrer-Policy", "no-referrer");
  res.header("X-Frame-Options", "DENY");
  res.header("Cross-Origin-Opener-Policy", "same-origin");
  return res;
}

Response asset_response(const Service& service, const Request& req, const web::Asset& asset) {
  Response res;
  res.header("ETag", std::string(asset.etag));
  res.header("Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  secure(res, service.options());
  if (const auto inm = req.header("if-none-match");
      inm && inm->find(asset.etag) != std::string::npos) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.content_type = std::string(asset.content_type);
  // Compressed once at build time: the server does not gzip a body that says it is encoded.
  // Uncompressed bodies of 1 KiB and more get their Vary from the server (it could gzip them).
  if (const auto ae = req.header("accept-encoding"); ae && http::wire::accepts_gzip(*ae)) {
    res.body = std::string(asset.gzip);
    res.header("Content-Encoding", "gzip");
    res.header("Vary", "Accept-Encoding");
  } else {
    res.body = std::string(asset.body);
    if (res.body.size() < kServerGzipMinBytes) res.header("Vary", "Accept-Encoding");
  }
  return res;
}

const web::Asset& asset_at(const std::string& path) {
  const auto* asset = web::find_asset(path);
  if (asset == nullptr) {
    throw Problem{404, "Not Found", "no file '" + path + "' in the map page", "about:blank", {}};
  }
  return *asset;
}

Response config(const Service& service) {
  nlohmann::json basemap = nullptr;
  if (const auto& b = service.options().basemap) {
    basemap = {{"kind", to_string(b->kind)}, {"url", b->url}};
  }
  auto res = json_response({{"basemap", basemap}});
  res.header("Cache-Control", "no-cache");
  return secure(res, service.options());
}

}  // namespace

bool wants_page(const Request& req) {
  const auto accept = req.header("accept");
  return accept && accept->find("text/html") != std::string::npos;
}

void add_web_routes(Router& router, Service& service) {
  const auto get = [&](const char* pattern, CallHandler f) {
    add_route(router, service, {Method::get, pattern, std::nullopt, std::nullopt, {}},
              std::move(f));
  };
  get("/map", [](Service& s, Call& c) { return asset_response(s, c.req, asset_at("/map")); });
  get("/map/config.json", [](Service& s, Call&) { return config(s); });
  // The service worker (web/src/sw.ts) serves the page at /map, outside its folder's default
  // scope /map/: this header allows the scope /map. Revalidated (no-cache) like the page.
  get("/map/sw.js", [](Service& s, Call& c) {
    auto res = asset_response(s, c.req, asset_at("/map/sw.js"));
    res.header("Service-Worker-Allowed", "/map");
    return res;
  });
  get("/map/assets/:file", [](Service& s, Call& c) {
    return asset_response(s, c.req, asset_at("/map/assets/" + c.req.param("file")));
  });
}

void describe_web_routes(nlohmann::json& paths, const Service&) {
  const nlohmann::json page = {{"description", "The page"},
                               {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}};
  // Every route authenticates, these too: a bad key is 401 (a browser sends none to them).
  nlohmann::json map = {{"200", page},
                        {"304", openapi::empty_response("Not modified (If-None-Match)")}};
  openapi::add_problems(map, {401});
  paths["/map"] = {{"get", {{"summary", "The map page (HTML; docs/web.md)"}, {"responses", map}}}};
  nlohmann::json config = {{"200", openapi::response("The page's configuration", "MapConfig")}};
  openapi::add_problems(config, {401});
  paths["/map/config.json"] = {
      {"get",
       {{"summary",
         "What the map page needs to know of this server: the basemap (serve --basemap)"},
        {"responses", config}}}};
  describe_me_route(paths);
}

}  // namespace rootzone::api
