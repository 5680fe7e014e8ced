// Vector tiles over HTTP: /tiles/{tileset}/{z}/{x}/{y}.mvt and TileJSON at /tiles/{tileset}.json.
// Rendering, the tree index's life, the cache and entity tags are tiles::TileService's; this
// file adapts it to requests (who sees which layer through tiles::View, If-None-Match, gzip)
// and tells it of every committed write (core::Application::on_change).
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "auth/auth.hpp"
#include "openapi_parts.hpp"
#include "rootzone/core/application.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/http/wire.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/tile_service.hpp"
#include "rootzone/tiles/tilejson.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

constexpr const char* kMvt = "application/vnd.mapbox-vector-tile";
// The server gzips bodies from this size on (http_server.cpp); tiles are gzipped here, once
// per cached tile, with the same threshold.
constexpr std::size_t kGzipMinBytes = 1024;

// The cache's bound: 256 MiB, or ROOTZONE_TILE_CACHE_MB from the environment (0 turns caching
// off: the benchmark's cold runs render every request).
std::size_t cache_bytes() {
  if (const char* mb = std::getenv("ROOTZONE_TILE_CACHE_MB"); mb != nullptr && *mb != '\0') {
    std::size_t v = 0;
    const auto* end = mb + std::strlen(mb);
    if (const auto [p, ec] = std::from_chars(mb, end, v); ec == std::errc() && p == end)
      return v << 20;
  }
  return std::size_t{256} << 20;
}

tiles::View view_of(const Caller& caller) {
  if (!caller.user) return tiles::View::public_view();
  switch (caller.user->role) {
    case geo::Role::planner:
    case geo::Role::admin:
      return tiles::View::everything();
    case geo::Role::contractor:
      return tiles::View::of_organisation(caller.user->organisation);
    case geo::Role::field_staff:
      break;
  }
  return tiles::View::public_view();
}

const tiles::Tileset& tileset_of(const std::string& id, const Caller& caller) {
  const auto* set = tiles::find_tileset(id);
  if (set == nullptr) {
    std::string known;
    for (const auto& t : tiles::tilesets())
      known += (known.empty() ? "" : ", ") + std::string(t.id);
    throw Problem{404, "Unknown tileset", "no tileset '" + id + "': " + known, "about:blank", {}};
  }
  // Conflicts are not public: the public 401, field staff 403, a contractor without an
  // organisation 403 as for the conflicts collection (the combined tileset simply leaves the
  // layer out for them).
  if (set->layers.size() == 1 && set->layers[0] == tiles::LayerId::conflicts) {
    core::require(caller, core::Action::read_conflicts);
    core::require_organisation(caller, "its own organisation's works' conflicts");
  }
  return *set;
}

Problem bad_tile(std::string detail) {
  return Problem{400, "Invalid tile", std::move(detail), "about:blank", {}};
}

long long parse_coordinate(const std::string& text, const char* name) {
  long long v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) {
    throw bad_tile(std::string(name) + "='" + text +
                   "' is not an integer; tiles are /tiles/{tileset}/{z}/{x}/{y}.mvt with z " +
                   std::to_string(tiles::kMinZoom) + ".." + std::to_string(tiles::kMaxZoom) +
                   " and x, y 0..2^z-1");
  }
  return v;
}

tiles::TileId tile_of(const Request& req) {
  auto y = req.param("y");
  constexpr std::string_view kExt = ".mvt";
  if (y.size() <= kExt.size() || y.compare(y.size() - kExt.size(), kExt.size(), kExt) != 0) {
    throw Problem{
        404, "Not found", "tiles end in .mvt: /tiles/{tileset}/{z}/{x}/{y}.mvt", "about:blank", {}};
  }
  y.resize(y.size() - kExt.size());
  const auto z = parse_coordinate(req.param("z"), "z");
  const auto x = parse_coordinate(req.param("x"), "x");
  const auto yy = parse_coordinate(y, "y");
  if (const auto why = tiles::invalid_tile(z, x, yy, tiles::kMinZoom, tiles::kMaxZoom)) {
    throw bad_tile(*why);
  }
  return {static_cast<int>(z), static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(yy)};
}

Response tile(Service& service, tiles::TileService& tiles, Call& call) {
  const auto& req = call.req;
  const auto& set = tileset_of(req.param("tileset"), call.caller);
  const auto view = view_of(call.caller);
  const tiles::TileKey key{std::string(set.id), tile_of(req), view.cache_key()};
  const auto cached = tiles.tile(service.store(), key, set, view);
  Response res;
  res.header("ETag", cached.etag);
  res.header("Cache-Control", view.level == tiles::View::Level::public_layer ? "public, no-cache"
                                                                             : "private, no-cache");
  res.header("Vary", "Authorization");
  if (const auto inm = req.header("if-none-match"); inm && tiles::etag_matches(*inm, cached.etag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  if (cached.body->empty()) {
    // Empty tiles are always 204, never a zero-length 200.
    res.status = 204;
    res.content_type.clear();
    return res;
  }
  res.content_type = kMvt;
  const auto ae = req.header("accept-encoding");
  if (cached.body->size() >= kGzipMinBytes && ae && http::wire::accepts_gzip(*ae)) {
    auto gz = cached.gzipped;
    if (!gz) {
      gz = std::make_shared<const std::string>(http::wire::gzip(*cached.body));
      tiles.remember_gzip(key, cached.etag, gz);
    }
    res.shared_body = std::move(gz);
    res.header("Content-Encoding", "gzip");
    res.header("Vary", "Accept-Encoding");
  } else {
    // The cached bytes themselves go to the socket: no copy per request (issue 18).
    res.shared_body = cached.body;
  }
  return res;
}

Response tilejson(Service& service, tiles::TileService& tiles, Call& call) {
  const auto& req = call.req;
  auto name = req.param("tileset");
  constexpr std::string_view kExt = ".json";
  if (name.size() <= kExt.size() ||
      name.compare(name.size() - kExt.size(), kExt.size(), kExt) != 0) {
    throw Problem{404, "Not found", "TileJSON is at /tiles/{tileset}.json", "about:blank", {}};
  }
  name.resize(name.size() - kExt.size());
  const auto& set = tileset_of(name, call.caller);
  const auto bounds = tiles.bounds_lonlat(service.store());
  auto res = json_response(tiles::tilejson(set, base_url(req), bounds, view_of(call.caller)));
  res.header("Vary", "Authorization");
  return res;
}

Response tileset_list(Call& call) {
  const auto& req = call.req;
  nlohmann::json sets = nlohmann::json::array();
  for (const auto& t : tiles::tilesets()) {
    sets.push_back({{"id", t.id},
                    {"description", t.description},
                    {"tilejson", base_url(req) + "/tiles/" + t.id + ".json"}});
  }
  return json_response({{"tilesets", sets}});
}

}  // namespace

void add_tile_routes(Router& router, Service& service) {
  auto& app = service.app();
  auto tiles = std::make_shared<tiles::TileService>(
      service.store(), service.srid(), cache_bytes(),
      [&app](const std::function<void()>& f) { app.live().between_writes(f); });
  app.on_change([tiles, &app](const core::DataChange& change) {
    tiles->changed(app.store(), change.areas, change.everything, change.generation);
  });
  // Who sees which layer is decided per tileset (tileset_of) and per caller (view_of).
  const auto add = [&](const char* pattern, CallHandler f) {
    add_route(router, service, {Method::get, pattern, std::nullopt, std::nullopt, {}},
              std::move(f));
  };
  add("/tiles", [](Service&, Call& call) { return tileset_list(call); });
  add("/tiles/:tileset", [tiles](Service& s, Call& call) { return tilejson(s, *tiles, call); });
  add("/tiles/:tileset/:z/:x/:y",
      [tiles](Service& s, Call& call) { return tile(s, *tiles, call); });
}

void describe_tile_routes(nlohmann::json& paths, const Service&) {
  using nlohmann::json;
  using openapi::param;
  using openapi::response;
  using openapi::with_headers;
  json names = json::array();
  for (const auto& t : tiles::tilesets()) names.push_back(t.id);
  const auto tileset =
      param("tileset", "path", {{"type", "string"}, {"enum", names}},
            "city (all layers), trees, protection_zones, works or conflicts", true);
  // Every route answers 401 to a wrong key; the conflicts tileset also without one (and 403 to
  // field staff).
  const auto answers = [](json ok, std::initializer_list<int> problems) {
    openapi::add_problems(ok, problems);
    return ok;
  };
  paths["/tiles"] = {
      {"get",
       {{"summary", "The vector tilesets"},
        {"responses",
         answers({{"200", response("Tilesets with their TileJSON links", "Tilesets")}}, {401})}}}};
  paths["/tiles/{tileset}.json"] = {
      {"get",
       {{"summary", "TileJSON 3.0.0 of a tileset"},
        {"parameters", {tileset}},
        {"responses",
         answers({{"200", response("TileJSON; the layers the caller may see", "TileJson")}},
                 {401, 403, 404})}}}};
  // The tile's entity tag: per tile, view and data generation (tiles::TileService).
  const std::pair<const char*, const char*> etag = {"ETag", "The tile's version for this view"};
  const json binary = {{"type", "string"}, {"format", "binary"}};
  const auto integer = [](int min, int max) {
    return json{{"type", "integer"}, {"minimum", min}, {"maximum", max}};
  };
  paths["/tiles/{tileset}/{z}/{x}/{y}.mvt"] = {
      {"get",
       {{"summary", "A Mapbox Vector Tile 2.1 (EPSG:3857, extent 4096); ETag and If-None-Match"},
        {"parameters",
         {tileset, param("z", "path", integer(tiles::kMinZoom, tiles::kMaxZoom), "zoom", true),
          param("x", "path", integer(0, (1 << tiles::kMaxZoom) - 1), "column, 0..2^z-1", true),
          param("y", "path", integer(0, (1 << tiles::kMaxZoom) - 1), "row, 0..2^z-1", true)}},
        {"responses",
         answers({{"200", with_headers(
                              {{"description", "The tile (gzip when accepted and at least 1 KiB)"},
                               {"content", {{kMvt, {{"schema", binary}}}}}},
                              {etag})},
                  {"204", with_headers(openapi::empty_response("No feature in this tile"), {etag})},
                  {"304",
                   with_headers(openapi::empty_response("Not modified (If-None-Match)"), {etag})}},
                 {400, 401, 403, 404})}}}};
}

}  // namespace rootzone::api
