// Vector tiles (issue 6): /tiles/{tileset}/{z}/{x}/{y}.mvt and TileJSON at /tiles/{tileset}.json,
// rendered from the in-memory tree index and served from an in-memory cache. Every write of
// ours refreshes the index and invalidates the cache exactly where it changed data
// (Service::on_change); a write by another process (storage's data generation moved without
// us) reloads the index and clears the cache.
// What a caller sees follows DOMAIN.md "Who may do what" through tiles::View.
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "auth.hpp"
#include "crs_uris.hpp"
#include "http_wire.hpp"
#include "live_conflicts.hpp"
#include "openapi_parts.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/renderer.hpp"
#include "rootzone/tiles/tile_cache.hpp"
#include "rootzone/tiles/tilejson.hpp"
#include "rootzone/tiles/tree_index.hpp"
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

struct TileState {
  explicit TileState(Service& s) : service(s), cache(cache_bytes()) {
    trees.load(s.store().database());
  }
  // After another process's write nothing held is current: the index from the store again,
  // no cached tile.
  void reload(storage::Database& db) {
    trees.load(db);
    cache.clear();
  }
  Service& service;
  tiles::TreeIndex trees;
  tiles::TileCache cache;
  // TileJSON bounds, computed once per data generation.
  std::mutex bounds_mutex;
  std::int64_t bounds_generation = -1;
  std::optional<geo::Bounds> bounds;
};

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
  // Conflicts are not public: the public 401, field staff 403 (the combined tileset simply
  // leaves the layer out for them).
  if (set->layers.size() == 1 && set->layers[0] == tiles::LayerId::conflicts) {
    require_role(caller, {geo::Role::contractor, geo::Role::planner, geo::Role::admin},
                 "see conflicts");
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

// This thread's renderer for the store's CRS (a PROJ context per thread).
tiles::TileRenderer& thread_renderer(int srid) {
  thread_local std::map<int, tiles::TileRenderer> renderers;
  auto it = renderers.find(srid);
  if (it == renderers.end()) it = renderers.emplace(srid, tiles::TileRenderer(srid)).first;
  return it->second;
}

bool matches(const std::string& if_none_match, const std::string& etag) {
  // A list of entity tags, weak or strong (RFC 9110 13.1.2: weak comparison), or "*".
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto end = if_none_match.find(',', pos);
    if (end == std::string::npos) end = if_none_match.size();
    auto tag = if_none_match.substr(pos, end - pos);
    const auto first = tag.find_first_not_of(" \t");
    const auto last = tag.find_last_not_of(" \t");
    tag = first == std::string::npos ? "" : tag.substr(first, last - first + 1);
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag == "*" || tag == etag) return true;
    pos = end + 1;
  }
  return false;
}

// Another process wrote since the index was loaded or last refreshed: everything held is reloaded
// before this request renders. A generation that moved because of our own write, committed but
// not yet published, is no reason: waiting for it to publish brings the index up to date.
void catch_up(TileState& state, storage::Store& store) {
  auto& db = store.database();
  if (storage::data_generation(db) == state.trees.generation()) return;
  state.service.live_conflicts().between_writes([&] {
    if (storage::data_generation(db) == state.trees.generation()) return;
    state.reload(db);
  });
}

Response tile(TileState& state, Request& req) {
  auto& service = state.service;
  const auto caller = authenticate(req, service);
  const auto& set = tileset_of(req.param("tileset"), caller);
  const auto id = tile_of(req);
  const auto view = view_of(caller);
  auto& store = service.store();
  catch_up(state, store);
  const auto key = std::string(set.id) + "/" + id.to_string() + "@" + view.cache_key();
  auto cached = state.cache.find(key);
  if (!cached) {
    const auto epoch = state.cache.epoch();
    auto& renderer = thread_renderer(service.srid());
    auto body =
        std::make_shared<const std::string>(renderer.render(store, state.trees, set, id, view));
    cached = tiles::CachedTile{body, nullptr, tiles::etag_of(*body)};
    // The area the tile read: its square and buffer, and as far as a zone disc reaches.
    const auto area = renderer.last_area().grown(renderer.options().max_zone_radius_m);
    state.cache.put(key, *cached, area, epoch);
  }
  Response res;
  res.header("ETag", cached->etag);
  res.header("Cache-Control", view.level == tiles::View::Level::public_layer ? "public, no-cache"
                                                                             : "private, no-cache");
  res.header("Vary", "Authorization");
  if (const auto inm = req.header("if-none-match"); inm && matches(*inm, cached->etag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  if (cached->body->empty()) {
    // Empty tiles are always 204, never a zero-length 200.
    res.status = 204;
    res.content_type.clear();
    return res;
  }
  res.content_type = kMvt;
  const auto ae = req.header("accept-encoding");
  if (cached->body->size() >= kGzipMinBytes && ae && wire::accepts_gzip(*ae)) {
    auto gz = cached->gzipped;
    if (!gz) {
      gz = std::make_shared<const std::string>(wire::gzip(*cached->body));
      state.cache.add_gzip(key, cached->etag, gz);
    }
    res.body = *gz;
    res.header("Content-Encoding", "gzip");
    res.header("Vary", "Accept-Encoding");
  } else {
    res.body = *cached->body;
  }
  return res;
}

std::optional<geo::Bounds> data_bounds_lonlat(TileState& state, storage::Store& store) {
  const auto generation = storage::data_generation(store.database());
  std::lock_guard lock(state.bounds_mutex);
  if (generation == state.bounds_generation) return state.bounds;
  std::optional<geo::Bounds> b;
  if (const auto e = storage::data_extent(store.database())) {
    b = geo::Bounds{e->minx, e->miny, e->maxx, e->maxy};
  }
  std::optional<geo::Bounds> ll;
  if (b) {
    const auto* t = thread_transformer(state.service.srid(), 4326);
    geo::Bounds r{180, 90, -180, -90};
    for (int i = 0; i <= 8; ++i) {
      const double f = i / 8.0;
      for (const geo::Point p : {geo::Point{b->minx + f * (b->maxx - b->minx), b->miny},
                                 geo::Point{b->minx + f * (b->maxx - b->minx), b->maxy},
                                 geo::Point{b->minx, b->miny + f * (b->maxy - b->miny)},
                                 geo::Point{b->maxx, b->miny + f * (b->maxy - b->miny)}}) {
        const auto q = t != nullptr ? t->forward(p) : p;
        r = {std::min(r.minx, q.x), std::min(r.miny, q.y), std::max(r.maxx, q.x),
             std::max(r.maxy, q.y)};
      }
    }
    ll = r;
  }
  state.bounds_generation = generation;
  state.bounds = ll;
  return ll;
}

Response tilejson(TileState& state, Request& req) {
  const auto caller = authenticate(req, state.service);
  auto name = req.param("tileset");
  constexpr std::string_view kExt = ".json";
  if (name.size() <= kExt.size() ||
      name.compare(name.size() - kExt.size(), kExt.size(), kExt) != 0) {
    throw Problem{404, "Not found", "TileJSON is at /tiles/{tileset}.json", "about:blank", {}};
  }
  name.resize(name.size() - kExt.size());
  const auto& set = tileset_of(name, caller);
  const auto bounds = data_bounds_lonlat(state, state.service.store());
  auto res = json_response(tiles::tilejson(set, base_url(req), bounds, view_of(caller)));
  res.header("Vary", "Authorization");
  return res;
}

Response tileset_list(TileState& state, Request& req) {
  const auto caller = authenticate(req, state.service);
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
  auto state = std::make_shared<TileState>(service);
  service.on_change([state](const DataChange& change) {
    // The index first: a render that starts after the cache dropped its tiles must find the
    // index changed already. "Everything" after another process's write that a tile request
    // has caught up with already (the index is at the generation before this write) needs only
    // this write's areas.
    auto& db = state->service.store().database();
    if (change.everything && state->trees.generation() != change.generation - 1) {
      state->reload(db);
    } else {
      state->trees.refresh(db, change.areas, change.generation);
      state->cache.invalidate(change.areas);
    }
  });
  router.add(Method::get, "/tiles", [state](Request& req) { return tileset_list(*state, req); });
  router.add(Method::get, "/tiles/:tileset",
             [state](Request& req) { return tilejson(*state, req); });
  router.add(Method::get, "/tiles/:tileset/:z/:x/:y",
             [state](Request& req) { return tile(*state, req); });
}

void describe_tile_routes(nlohmann::json& paths, const Service&) {
  using openapi::param;
  using openapi::problem;
  using openapi::response;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& t : tiles::tilesets()) names.push_back(t.id);
  const auto tileset =
      param("tileset", "path", {{"type", "string"}, {"enum", names}},
            "city (all layers), trees, protection_zones, works or conflicts", true);
  paths["/tiles"] = {{"get",
                      {{"summary", "The vector tilesets"},
                       {"responses", {{"200", response("Tilesets with their TileJSON links")}}}}}};
  paths["/tiles/{tileset}.json"] = {{"get",
                                     {{"summary", "TileJSON 3.0.0 of a tileset"},
                                      {"parameters", {tileset}},
                                      {"responses",
                                       {{"200", response("TileJSON")},
                                        {"401", problem()},
                                        {"403", problem()},
                                        {"404", problem()}}}}}};
  const auto integer = [](int min, int max) {
    return nlohmann::json{{"type", "integer"}, {"minimum", min}, {"maximum", max}};
  };
  paths["/tiles/{tileset}/{z}/{x}/{y}.mvt"] = {
      {"get",
       {{"summary", "A Mapbox Vector Tile 2.1 (EPSG:3857, extent 4096); ETag and If-None-Match"},
        {"parameters",
         {tileset, param("z", "path", integer(tiles::kMinZoom, tiles::kMaxZoom), "zoom", true),
          param("x", "path", integer(0, (1 << tiles::kMaxZoom) - 1), "column, 0..2^z-1", true),
          param("y", "path", integer(0, (1 << tiles::kMaxZoom) - 1), "row, 0..2^z-1", true)}},
        {"responses",
         {{"200", response("The tile", kMvt)},
          {"204", {{"description", "No feature in this tile"}}},
          {"304", {{"description", "Not modified (If-None-Match)"}}},
          {"400", problem()},
          {"401", problem()},
          {"403", problem()},
          {"404", problem()}}}}}};
}

}  // namespace rootzone::api
