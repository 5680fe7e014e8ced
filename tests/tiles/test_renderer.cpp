// The renderer over a real store (SpatiaLite; PostGIS as pg.) (EPSG:25832, Mainz): every layer
// decoded by the test decoder and by GDAL's MVT driver, counts against the store, coordinates
// against PROJ.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "mvt_decode.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/renderer.hpp"
#include "rootzone/tiles/tree_index.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using namespace rootzone::tiles;
using rootzone::test::decode_tile;

namespace {

constexpr TileId kTile{16, 34273, 22228};  // Mainz city centre

geo::Timestamp t0() { return geo::parse_utc("2026-04-06T06:00:00Z").value(); }

// A 24 x 24 grid of trees, 30 m apart, centred on the tile (which is ~393 m wide on the
// ground): trees inside, in the buffer and outside. Every third tree is protected (stem
// 126 cm), every fifth felled; the first has no stems.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "city.sqlite"};
  storage::Store store = storage::Store::create(location.location());
  geo::Transformer to_merc{25832, 3857};
  std::vector<geo::Tree> trees;
  geo::Point center;  // store CRS

  City() {
    const auto b = tile_bounds(kTile);
    center = to_merc.inverse({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
    for (int i = 0; i < 24; ++i) {
      for (int j = 0; j < 24; ++j) {
        geo::Tree t;
        const int n = i * 24 + j;
        t.source_id = "MZ-" + std::to_string(n);
        // Offsets of 0.37 m keep every tree off the buffer's edge.
        t.location = {center.x + (i - 12) * 30.0 + 0.37, center.y + (j - 12) * 30.0 + 0.37};
        t.species_botanical = n % 2 ? "Tilia cordata" : "Platanus x hispanica";
        t.genus = n % 2 ? "Tilia" : "Platanus";
        if (n != 0) t.stem_circumferences_cm = {n % 3 == 0 ? 126.0 : 60.0};
        t.crown_diameter_m = 8;
        t.height_m = 15;
        t.status = n % 5 == 0 ? geo::TreeStatus::felled : geo::TreeStatus::existing;
        if (t.status == geo::TreeStatus::felled)
          t.felled_on = geo::Date{std::chrono::year{2025} / 1 / 1};
        t.protection = {n % 3 == 0, geo::ProtectionSource::ordinance, ""};
        t.id = store.trees().insert(t);
        trees.push_back(t);
      }
    }
  }

  geo::Point tile_point(geo::Point store_point, TileId t = kTile) const {
    return TileFrame{tile_bounds(t), 4096}.to_tile(to_merc.forward(store_point));
  }
  static bool in_buffered(geo::Point p) {
    return p.x >= -64 && p.x < 4160 && p.y >= -64 && p.y < 4160;
  }

  std::int64_t add_work(const std::string& ref, const std::string& wkt,
                        const std::string& contractor,
                        std::optional<double> radius = std::nullopt) {
    geo::Work w;
    w.reference = ref;
    w.title = "Works " + ref;
    w.contractor = contractor;
    w.contact = "site@" + contractor;
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt(wkt);
    w.radius_m = radius;
    w.width_m = radius ? std::nullopt : std::optional<double>(1.0);
    w.starts_at = t0();
    w.ends_at = t0() + std::chrono::hours(24 * 10);
    w.status = geo::WorkStatus::submitted;
    return store.works().insert(w, "test");
  }
};

// The index loaded now, as a server holds it when the tile is asked for.
std::string render(City& city, TileId t, const View& v, const std::string& set = "city") {
  TileRenderer r(25832);
  TreeIndex trees;
  trees.load(city.store);
  return r.render(city.store, trees, *find_tileset(set), t, v);
}

std::string xy(double x, double y) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%.3f %.3f", x, y);
  return buf;
}

}  // namespace

TEST_CASE("Tiles: trees at z16, one feature per tree in tile and buffer, within a unit of PROJ") {
  City city;
  const auto tile = decode_tile(render(city, kTile, View::public_view(), "trees"));
  CHECK(tile.problems.empty());
  const auto* trees = tile.layer("trees");
  REQUIRE(trees != nullptr);
  std::map<std::int64_t, geo::Point> expected;
  for (const auto& t : city.trees) {
    const auto p = city.tile_point(t.location);
    if (City::in_buffered(p)) expected[t.id] = p;
  }
  REQUIRE(expected.size() > 100);
  REQUIRE(expected.size() < city.trees.size());  // some lie outside
  CHECK(trees->features.size() == expected.size());
  for (const auto& f : trees->features) {
    REQUIRE(expected.count(static_cast<std::int64_t>(f.id)) == 1);
    const auto want = expected.at(static_cast<std::int64_t>(f.id));
    const auto& got = f.parts.at(0).at(0);
    CHECK(std::abs(static_cast<double>(got.x) - want.x) <= 0.51);
    CHECK(std::abs(static_cast<double>(got.y) - want.y) <= 0.51);
  }
  // Attributes of one tree, as stored.
  const auto& t = city.trees[3 * 24 + 12];  // n = 84: protected, Platanus, standing
  for (const auto& f : trees->features) {
    if (f.id != static_cast<std::uint64_t>(t.id)) continue;
    CHECK(std::get<std::string>(f.properties.at("tree_number")) == "MZ-84");
    CHECK(std::get<std::string>(f.properties.at("species")) == "Platanus x hispanica");
    CHECK(std::get<bool>(f.properties.at("protected")) == true);
    CHECK(std::get<double>(f.properties.at("circumference_cm")) == 126.0);
    CHECK(std::get<std::string>(f.properties.at("status")) == "existing");
  }
}

TEST_CASE("Tiles: GDAL's MVT driver reads the tile with the same feature counts per layer") {
  City city;
  city.add_work("W-1",
                "POLYGON ((" + xy(city.center.x - 50, city.center.y - 50) + ", " +
                    xy(city.center.x + 900, city.center.y - 50) + ", " +
                    xy(city.center.x + 900, city.center.y + 40) + ", " +
                    xy(city.center.x - 50, city.center.y - 50) + "))",
                "Netze GmbH");
  const auto bytes = render(city, kTile, View::everything());
  const auto decoded = decode_tile(bytes);
  CHECK(decoded.problems.empty());
  const auto path = city.dir / "tile.mvt";
  std::ofstream(path, std::ios::binary) << bytes;
  const auto r = test::run({"ogrinfo", "-ro", "-so", "-al", "-oo", "X=34273", "-oo", "Y=22228",
                            "-oo", "Z=16", path.string()});
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"trees", "protection_zones", "works"}) {
    const auto* layer = decoded.layer(name);
    REQUIRE(layer != nullptr);
    const std::regex count(std::string("Layer name: ") + name +
                           "\n(?:.*\n)*?Feature Count: (\\d+)");
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, count));
    CHECK(std::stoul(m[1]) == layer->features.size());
  }
}

TEST_CASE("Tiles: protection zones from z15, two discs per protected standing tree") {
  City city;
  CHECK(decode_tile(
            render(city, {14, kTile.x / 4, kTile.y / 4}, View::public_view(), "protection_zones"))
            .layers.empty());
  const auto tile = decode_tile(render(city, kTile, View::public_view(), "protection_zones"));
  CHECK(tile.problems.empty());
  const auto* zones = tile.layer("protection_zones");
  REQUIRE(zones != nullptr);
  // A tree's discs reach the tile when its centre is within radius of the buffered square:
  // counted here with PROJ per tree (root zone 8/2 + 1.5 = 5.5 m, trench 4 x 1.26 = 5.04 m).
  std::size_t expected = 0;
  for (const auto& t : city.trees) {
    if (!t.protection.is_protected || t.status != geo::TreeStatus::existing) continue;
    const auto c = city.tile_point(t.location);
    const auto e = city.tile_point({t.location.x + 5.5, t.location.y});
    const double r = std::hypot(e.x - c.x, e.y - c.y);
    if (c.x > -64 - r && c.x < 4160 + r && c.y > -64 - r && c.y < 4160 + r) expected += 2;
  }
  CHECK(zones->features.size() == expected);
  for (const auto& f : zones->features) {
    CHECK(f.type == 3);
    const auto zone = std::get<std::string>(f.properties.at("zone"));
    const double radius = std::get<double>(f.properties.at("radius_m"));
    CHECK(radius == Approx(zone == "root_zone" ? 5.5 : 5.04));
  }
}

TEST_CASE("Tiles: works are valid polygons, lines and discs, contact only for who may see it") {
  City city;
  const auto c = city.center;
  city.add_work("W-poly",
                "POLYGON ((" + xy(c.x, c.y) + ", " + xy(c.x + 60, c.y) + ", " +
                    xy(c.x + 60, c.y + 40) + ", " + xy(c.x, c.y) + "))",
                "Netze GmbH");
  city.add_work("W-line",
                "LINESTRING (" + xy(c.x - 2000, c.y + 10) + ", " + xy(c.x + 2000, c.y + 10) + ")",
                "Telekom");
  city.add_work("W-disc", "POINT (" + xy(c.x - 80, c.y - 80) + ")", "Netze GmbH", 12.0);
  const auto check = [&](const View& v, std::set<std::string> with_contact) {
    const auto tile = decode_tile(render(city, kTile, v, "works"));
    CHECK(tile.problems.empty());
    const auto* works = tile.layer("works");
    REQUIRE(works != nullptr);
    REQUIRE(works->features.size() == 3);
    std::set<std::string> seen;
    for (const auto& f : works->features) {
      const auto ref = std::get<std::string>(f.properties.at("reference"));
      CHECK(f.type == (ref == "W-line" ? 2 : 3));
      if (f.properties.count("contact") != 0) seen.insert(ref);
      CHECK(std::get<std::string>(f.properties.at("status")) == "submitted");
      CHECK(std::get<std::string>(f.properties.at("starts_at")) == "2026-04-06T06:00:00Z");
      if (ref == "W-line") {
        // Clipped to the buffer: it starts at the left buffer edge.
        CHECK(f.parts.at(0).front().x == -64);
      }
    }
    CHECK(seen == with_contact);
  };
  check(View::public_view(), {});
  check(View::of_organisation("Netze GmbH"), {"W-poly", "W-disc"});
  check(View::everything(), {"W-poly", "W-line", "W-disc"});
}

TEST_CASE("Tiles: conflicts only for who may see them, a contractor only its own works'") {
  City city;
  const auto c = city.center;
  const auto mine = city.add_work("W-mine", "POINT (" + xy(c.x, c.y) + ")", "Netze GmbH", 3.0);
  const auto theirs =
      city.add_work("W-theirs", "POINT (" + xy(c.x + 30, c.y) + ")", "Telekom", 3.0);
  const auto& tree = city.trees[12 * 24 + 12];
  for (const auto work : {mine, theirs}) {
    geo::TreeWorkConflict k;
    k.tree_id = tree.id;
    k.work_id = work;
    k.severity = geo::Severity::critical;
    k.rule = "RAS-LP 4 trench distance";
    k.min_distance_m = 0.4;
    k.computed_at = t0();
    city.store.conflicts().replace_tree_work_conflicts_for_work(work, {k});
  }
  CHECK(decode_tile(render(city, kTile, View::public_view())).layer("conflicts") == nullptr);
  const auto own = decode_tile(render(city, kTile, View::of_organisation("Netze GmbH")));
  REQUIRE(own.layer("conflicts") != nullptr);
  REQUIRE(own.layer("conflicts")->features.size() == 1);
  const auto& f = own.layer("conflicts")->features[0];
  CHECK(std::get<std::uint64_t>(f.properties.at("work_id")) == static_cast<std::uint64_t>(mine));
  CHECK(std::get<std::string>(f.properties.at("severity")) == "critical");
  CHECK(decode_tile(render(city, kTile, View::everything())).layer("conflicts")->features.size() ==
        2);
}

TEST_CASE("Tiles: below z14 trees are counted per cell, the counts add up to the trees there") {
  City city;
  const TileId z12{12, kTile.x / 16, kTile.y / 16};
  const auto tile = decode_tile(render(city, z12, View::public_view(), "trees"));
  CHECK(tile.problems.empty());
  const auto* trees = tile.layer("trees");
  REQUIRE(trees != nullptr);
  std::uint64_t total = 0, protected_total = 0, most = 0;
  for (const auto& f : trees->features) {
    most = std::max(most, std::get<std::uint64_t>(f.properties.at("count")));
    total += std::get<std::uint64_t>(f.properties.at("count"));
    protected_total += std::get<std::uint64_t>(f.properties.at("protected_count"));
  }
  CHECK(total == city.trees.size());  // all 576 lie well inside the z12 tile
  CHECK(protected_total == 192);      // every third
  // At z12 a unit is 2.39 Mercator metres, 1.53 m on the ground at 50 N: 30 m spacing is 19.6
  // units, so a 32-unit cell holds at most 2 x 2 trees and most cells more than one.
  CHECK(most == 4);
  CHECK(trees->features.size() < city.trees.size() / 2);
}

TEST_CASE("Tiles: a tile far from the data is empty (zero bytes)") {
  City city;
  CHECK(render(city, {16, 0, 0}, View::everything()).empty());
}
