// Vector tile endpoints through the service's router with a real store: status codes, ETag and
// 304, gzip, TileJSON, roles, and the cache never serving a tile older than a write.
#include <zlib.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "../tiles/mvt_decode.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/core/application.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/tile_math.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;
using test::decode_tile;

namespace {

// 10 x 10 trees 20 m apart from (448000, 5538000) EPSG:25832 (Mainz), every second protected;
// one trench of "Stadtwerke"; users of every role.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "city.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::map<std::string, std::string> keys;  // role name -> API key
  std::vector<std::int64_t> tree_ids;

  City() {
    auto store = storage::Store::create(db);
    for (int i = 0; i < 100; ++i) {
      geo::Tree t;
      t.source_id = "MZ-" + std::to_string(i);
      t.location = {448000.0 + (i % 10) * 20.0, 5538000.0 + (i / 10) * 20.0};
      t.species_botanical = "Tilia cordata";
      t.stem_circumferences_cm = {i % 2 == 0 ? 120.0 : 60.0};
      t.crown_diameter_m = 8;
      t.protection = {i % 2 == 0, geo::ProtectionSource::ordinance, ""};
      tree_ids.push_back(store.trees().insert(t));
    }
    geo::Work w;
    w.reference = "W-1";
    w.contractor = "Stadtwerke";
    w.contact = "0612 123456";
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538050, 448200 5538050)");
    w.width_m = 1.0;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
    w.status = geo::WorkStatus::submitted;
    store.works().insert(w, "test");
    const std::pair<const char*, geo::Role> roles[] = {{"contractor", geo::Role::contractor},
                                                       {"field_staff", geo::Role::field_staff},
                                                       {"planner", geo::Role::planner}};
    for (const auto& [name, role] : roles) {
      geo::User u;
      u.name = name;
      u.role = role;
      u.organisation = role == geo::Role::contractor ? "Stadtwerke" : "";
      keys[name] = core::issue_api_key(store.users(), store.users().add(u)).token;
    }
  }

  // The z16 tile holding the first tree.
  tiles::TileId tile16() const {
    const geo::Transformer t(25832, 3857);
    const auto m = t.forward({448000.0, 5538000.0});
    const auto r = tiles::tiles_covering({m.x, m.y, m.x, m.y}, 16);
    return {16, r.min_x, r.min_y};
  }
};

api::Response get(api::Service& s, const std::string& path,
                  std::map<std::string, std::string> headers = {}) {
  api::Request req;
  req.method = api::Method::get;
  req.path = path;
  req.headers = std::move(headers);
  req.headers["host"] = "127.0.0.1:9999";
  auto r = s.router()->dispatch(req);
  // A cached tile comes as a shared buffer (sent without a copy); the checks read its bytes.
  if (r.shared_body) r.body = *r.shared_body;
  return r;
}

std::string header(const api::Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

std::string path_of(const tiles::TileId& t, const std::string& set = "city") {
  return "/tiles/" + set + "/" + t.to_string() + ".mvt";
}

const test::DFeature* tree_feature(const test::DTile& tile, std::int64_t id) {
  const auto* layer = tile.layer("trees");
  if (layer == nullptr) return nullptr;
  for (const auto& f : layer->features) {
    if (f.id == static_cast<std::uint64_t>(id)) return &f;
  }
  return nullptr;
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(inflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

}  // namespace

TEST_CASE("Tiles API: a tile is 200 MVT with ETag and Cache-Control, If-None-Match gives 304") {
  City city;
  api::Service service({city.db});
  const auto r = get(service, path_of(city.tile16()));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/vnd.mapbox-vector-tile");
  const auto etag = header(r, "ETag");
  CHECK(etag.size() == 18);  // "…16 hex digits…"
  CHECK(header(r, "Cache-Control") == "public, no-cache");
  const auto tile = decode_tile(r.body);
  CHECK(tile.problems.empty());
  REQUIRE(tile.layer("trees") != nullptr);
  // The trees whose place (by PROJ) lies in the tile or its 64-unit buffer.
  const geo::Transformer tm(25832, 3857);
  const tiles::TileFrame frame{tiles::tile_bounds(city.tile16()), 4096};
  std::size_t expected = 0;
  for (int i = 0; i < 100; ++i) {
    const auto p =
        frame.to_tile(tm.forward({448000.0 + (i % 10) * 20.0, 5538000.0 + (i / 10) * 20.0}));
    if (p.x >= -64 && p.x < 4160 && p.y >= -64 && p.y < 4160) ++expected;
  }
  CHECK(expected >= 50);
  CHECK(tile.layer("trees")->features.size() == expected);
  CHECK(tile.layer("works") != nullptr);
  CHECK(tile.layer("conflicts") == nullptr);  // not for the public
  const auto again = get(service, path_of(city.tile16()), {{"if-none-match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(header(again, "ETag") == etag);
  CHECK(get(service, path_of(city.tile16()), {{"if-none-match", "\"other\", W/" + etag}}).status ==
        304);
  CHECK(get(service, path_of(city.tile16()), {{"if-none-match", "\"other\""}}).status == 200);
}

TEST_CASE("Tiles API: gzip when accepted, the same tile bytes inflated") {
  City city;
  api::Service service({city.db});
  const auto plain = get(service, path_of(city.tile16()));
  const auto gz = get(service, path_of(city.tile16()), {{"accept-encoding", "gzip"}});
  REQUIRE(gz.status == 200);
  CHECK(header(gz, "Content-Encoding") == "gzip");
  CHECK(gunzip(gz.body) == plain.body);
  CHECK(header(gz, "ETag") == header(plain, "ETag"));
}

TEST_CASE("Tiles API: a cached tile is answered with the cache's own buffer, not a copy") {
  City city;
  api::Service service({city.db});
  const auto first = get(service, path_of(city.tile16()));
  const auto second = get(service, path_of(city.tile16()));
  REQUIRE(first.status == 200);
  REQUIRE(first.shared_body != nullptr);
  // The same bytes at the same address: the response points at the cached tile.
  CHECK(second.shared_body.get() == first.shared_body.get());
  CHECK(second.body == first.body);
  const auto gz1 = get(service, path_of(city.tile16()), {{"accept-encoding", "gzip"}});
  const auto gz2 = get(service, path_of(city.tile16()), {{"accept-encoding", "gzip"}});
  REQUIRE(gz1.shared_body != nullptr);
  CHECK(gz2.shared_body.get() == gz1.shared_body.get());
  CHECK(gunzip(gz2.body) == first.body);
}

TEST_CASE("Tiles API: an invalid z, x or y is 400 problem+json naming the valid range") {
  City city;
  api::Service service({city.db});
  const std::pair<const char*, const char*> cases[] = {
      {"/tiles/city/21/0/0.mvt", "z=21 is outside 0..20"},
      {"/tiles/city/99999999999999999999/0/0.mvt", "z='99999999999999999999' is not an integer"},
      {"/tiles/city/3/-1/0.mvt", "x=-1 is outside 0..7 at z=3"},
      {"/tiles/city/3/0/8.mvt", "y=8 is outside 0..7 at z=3"},
      {"/tiles/city/3/a/0.mvt", "x='a' is not an integer"},
      {"/tiles/city/-2/0/0.mvt", "z=-2 is outside 0..20"},
  };
  for (const auto& [path, detail] : cases) {
    INFO(path);
    const auto r = get(service, path);
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/problem+json");
    const auto body = json::parse(r.body);
    CHECK(body["status"] == 400);
    CHECK(body["detail"].get<std::string>().rfind(detail, 0) == 0);
  }
  CHECK(get(service, "/tiles/nothing/3/0/0.mvt").status == 404);
  CHECK(get(service, "/tiles/city/3/0/0.png").status == 404);
}

TEST_CASE("Tiles API: an empty tile is 204 with an ETag") {
  City city;
  api::Service service({city.db});
  const auto r = get(service, "/tiles/city/16/0/0.mvt");
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK_FALSE(header(r, "ETag").empty());
}

TEST_CASE("Tiles API: conflicts are 401 for the public, 403 for field staff, 200 for planners") {
  City city;
  api::Service service({city.db});
  const auto p = path_of(city.tile16(), "conflicts");
  CHECK(get(service, p).status == 401);
  CHECK(get(service, p, {{"authorization", "Bearer " + city.keys["field_staff"]}}).status == 403);
  const auto planner = get(service, p, {{"authorization", "Bearer " + city.keys["planner"]}});
  CHECK((planner.status == 200 || planner.status == 204));
  CHECK(header(planner, "Cache-Control") == "private, no-cache");
  CHECK(get(service, p, {{"authorization", "Bearer rz_bad"}}).status == 401);
}

TEST_CASE("Tiles API: the works contact only for the contractor itself and planners") {
  City city;
  api::Service service({city.db});
  const auto contact_of = [&](const std::string& role) {
    std::map<std::string, std::string> h;
    if (!role.empty()) h["authorization"] = "Bearer " + city.keys[role];
    const auto tile = decode_tile(get(service, path_of(city.tile16(), "works"), h).body);
    REQUIRE(tile.layer("works") != nullptr);
    REQUIRE(tile.layer("works")->features.size() == 1);
    return tile.layer("works")->features[0].properties.count("contact");
  };
  CHECK(contact_of("") == 0);
  CHECK(contact_of("field_staff") == 0);
  CHECK(contact_of("contractor") == 1);
  CHECK(contact_of("planner") == 1);
}

TEST_CASE(
    "Tiles API: TileJSON 3.0 with tiles URL, zooms, bounds around the data and layer fields") {
  City city;
  api::Service service({city.db});
  const auto r = get(service, "/tiles/city.json");
  REQUIRE(r.status == 200);
  const auto j = json::parse(r.body);
  CHECK(j["tilejson"] == "3.0.0");
  CHECK(j["tiles"][0] == "http://127.0.0.1:9999/tiles/city/{z}/{x}/{y}.mvt");
  CHECK(j["minzoom"] == 0);
  CHECK(j["maxzoom"] == 20);
  // 448000..448180 E, 5538000..5538180 N in UTM 32N is about 8.29 E, 49.99 N.
  CHECK(j["bounds"][0].get<double>() == Approx(8.29).margin(0.02));
  CHECK(j["bounds"][1].get<double>() == Approx(49.99).margin(0.02));
  std::set<std::string> layers;
  for (const auto& l : j["vector_layers"]) layers.insert(l["id"]);
  CHECK(layers == std::set<std::string>{"trees", "protection_zones", "works"});
  CHECK(j["vector_layers"][0]["fields"].contains("zone"));
  const auto planner = json::parse(
      get(service, "/tiles/city.json", {{"authorization", "Bearer " + city.keys["planner"]}}).body);
  CHECK(planner["vector_layers"].size() == 4);
  CHECK(get(service, "/tiles/conflicts.json").status == 401);
  CHECK(get(service, "/tiles/nothing.json").status == 404);
}

TEST_CASE("Tiles API: a write through the live write path drops exactly the tiles it touched") {
  City city;
  api::Service service({city.db});
  const auto t = city.tile16();
  const tiles::TileId far{16, t.x + 3, t.y};  // ~1.2 km east, no tree there yet
  const auto before = get(service, path_of(t));
  CHECK(get(service, path_of(far)).status == 204);
  // A tree moved into the far tile, written as the API writes: one transaction, the change
  // published with the tree's old and new places.
  const geo::Transformer tm(25832, 3857);
  const auto fb = tiles::tile_bounds(far);
  const auto far_point = tm.inverse({(fb.minx + fb.maxx) / 2, (fb.miny + fb.maxy) / 2});
  const auto id = city.tree_ids[5];
  service.app().live().write([&](core::LiveEngine::Session& s) {
    auto tree = s.store.trees().get(id);
    const auto old = tree.location;
    tree.location = far_point;
    tree.species_botanical = "Quercus robur";
    s.store.trees().update(tree, tree.version, "test");
    s.changed.areas.push_back(geo::Bounds{old.x, old.y, old.x, old.y}.grown(10));
    s.changed.areas.push_back(
        geo::Bounds{far_point.x, far_point.y, far_point.x, far_point.y}.grown(10));
    return 0;
  });
  const auto after = get(service, path_of(t));
  CHECK(header(after, "ETag") != header(before, "ETag"));
  const auto after_tile = decode_tile(after.body);
  CHECK(tree_feature(after_tile, id) == nullptr);
  const auto moved = get(service, path_of(far));
  REQUIRE(moved.status == 200);
  const auto moved_tile = decode_tile(moved.body);
  const auto* f = tree_feature(moved_tile, id);
  REQUIRE(f != nullptr);
  CHECK(std::get<std::string>(f->properties.at("species")) == "Quercus robur");
  // The same holds at every zoom: the z12 tile over both counts the tree once still.
  const tiles::TileId z12{12, t.x / 16, t.y / 16};
  const auto agg = decode_tile(get(service, path_of(z12, "trees")).body);
  std::uint64_t total = 0;
  for (const auto& g : agg.layer("trees")->features)
    total += std::get<std::uint64_t>(g.properties.at("count"));
  CHECK(total == 100);
}

TEST_CASE("Tiles API: a write by another process (data generation moved) is never served stale") {
  City city;
  api::Service service({city.db});
  const auto t = city.tile16();
  const auto before = get(service, path_of(t, "trees"));
  REQUIRE(before.status == 200);
  {
    // Another process: its own connection, its own transaction and generation bump.
    auto other = storage::Store::open(city.db);
    storage::StoreTransaction tx(other);
    auto tree = other.trees().get(city.tree_ids[0]);
    tree.species_botanical = "Fagus sylvatica";
    other.trees().update(tree, tree.version, "import");
    storage::bump_data_generation(other);
    tx.commit();
  }
  const auto after = get(service, path_of(t, "trees"));
  CHECK(header(after, "ETag") != header(before, "ETag"));
  const auto after_tile = decode_tile(after.body);
  const auto* f = tree_feature(after_tile, city.tree_ids[0]);
  REQUIRE(f != nullptr);
  CHECK(std::get<std::string>(f->properties.at("species")) == "Fagus sylvatica");
}

TEST_CASE("Tiles API: the OpenAPI document lists the tile paths") {
  City city;
  api::Service service({city.db});
  const auto doc = json::parse(get(service, "/api").body);
  CHECK(doc["paths"].contains("/tiles/{tileset}/{z}/{x}/{y}.mvt"));
  CHECK(doc["paths"].contains("/tiles/{tileset}.json"));
}

TEST_CASE("Tiles API: a tree edited through PATCH shows in the next tile with a new ETag") {
  City city;
  api::Service service({city.db});
  const auto t = city.tile16();
  const auto auth = "Bearer " + city.keys["field_staff"];
  const auto before = get(service, path_of(t, "trees"));
  const auto before_far = get(service, path_of({16, t.x + 3, t.y}, "trees"));
  const auto id = city.tree_ids[0];
  const auto item = get(service, "/collections/trees/items/" + std::to_string(id));
  REQUIRE(item.status == 200);
  api::Request patch;
  patch.method = api::Method::patch;
  patch.path = "/collections/trees/items/" + std::to_string(id);
  patch.headers = {{"host", "127.0.0.1:9999"},
                   {"authorization", auth},
                   {"if-match", header(item, "ETag")},
                   {"content-type", "application/merge-patch+json"}};
  patch.body =
      json{{"properties", {{"species_botanical", "Ginkgo biloba"}, {"crown_diameter_m", 11.5}}}}
          .dump();
  const auto patched = service.router()->dispatch(patch);
  INFO(patched.body);
  REQUIRE(patched.status == 200);
  const auto after = get(service, path_of(t, "trees"));
  CHECK(header(after, "ETag") != header(before, "ETag"));
  const auto after_tile = decode_tile(after.body);
  const auto* f = tree_feature(after_tile, id);
  REQUIRE(f != nullptr);
  CHECK(std::get<std::string>(f->properties.at("species")) == "Ginkgo biloba");
  CHECK(std::get<double>(f->properties.at("crown_diameter_m")) == 11.5);
  // A tile the edit did not touch answers as before (204: no tree there).
  CHECK(get(service, path_of({16, t.x + 3, t.y}, "trees")).status == before_far.status);
  // The client's cached copy is stale now: its If-None-Match gets the new tile, not a 304.
  CHECK(get(service, path_of(t, "trees"), {{"if-none-match", header(before, "ETag")}}).status ==
        200);
}
