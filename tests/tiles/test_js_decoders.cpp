// Real client decoders: a tile of the renderer decoded by @mapbox/vector-tile (node), and the
// test decoder (mvt_decode.hpp) checked against @mapbox/mvt-fixtures, the reference set of
// valid and invalid tiles. Both npm packages come from tests/js (scripts/test.sh runs npm ci).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mvt_decode.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/renderer.hpp"
#include "rootzone/tiles/tree_index.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
namespace fs = std::filesystem;

namespace {

const fs::path kJs = fs::path(ROOTZONE_SOURCE_DIR) / "tests" / "js";

void require_node_modules() {
  INFO("npm packages missing: run `npm ci --prefix tests/js` (scripts/test.sh does)");
  REQUIRE(fs::exists(kJs / "node_modules" / "@mapbox" / "vector-tile"));
  REQUIRE(fs::exists(kJs / "node_modules" / "@mapbox" / "mvt-fixtures"));
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE(
    "JS decoder: @mapbox/vector-tile reads a city tile with the counts, ids and places expected") {
  require_node_modules();
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  auto store = storage::Store::create(location.location());
  const tiles::TileId tile{16, 34273, 22228};  // Mainz
  const geo::Transformer to_merc(25832, 3857);
  const tiles::TileFrame frame{tiles::tile_bounds(tile), 4096};
  const auto b = frame.bounds;
  const auto c = to_merc.inverse({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
  nlohmann::json trees_ids = nlohmann::json::array(), points = nlohmann::json::object();
  std::size_t protected_standing = 0;
  for (int i = 0; i < 20; ++i) {
    for (int j = 0; j < 20; ++j) {
      geo::Tree t;
      t.source_id = "T" + std::to_string(i * 20 + j);
      t.location = {c.x + (i - 10) * 15.0 + 0.3, c.y + (j - 10) * 15.0 + 0.3};
      t.stem_circumferences_cm = {(i + j) % 2 == 0 ? 110.0 : 50.0};
      t.crown_diameter_m = 6;
      t.protection = {(i + j) % 2 == 0, geo::ProtectionSource::ordinance, ""};
      const auto id = store.trees().insert(t);
      const auto p = frame.to_tile(to_merc.forward(t.location));
      if (p.x >= -64 && p.x < 4160 && p.y >= -64 && p.y < 4160) {
        trees_ids.push_back(id);
        points[std::to_string(id)] = {p.x, p.y};
      }
      if (t.protection.is_protected) ++protected_standing;
    }
  }
  // All 400 trees lie within 150 m of the centre, the tile is ~390 m wide: every disc is in.
  REQUIRE(trees_ids.size() == 400);
  nlohmann::json zone_ids = nlohmann::json::array();
  for (const auto& id : trees_ids) {
    const auto t = store.trees().get(id.get<std::int64_t>());
    if (!t.protection.is_protected) continue;
    zone_ids.push_back(t.id * 2);
    zone_ids.push_back(t.id * 2 + 1);
  }
  CHECK(zone_ids.size() == 2 * protected_standing);
  tiles::TileRenderer renderer(25832);
  tiles::TreeIndex trees;
  trees.load(store);
  const auto bytes =
      renderer.render(store, trees, *tiles::find_tileset("city"), tile, tiles::View::everything());
  std::ofstream(dir / "tile.mvt", std::ios::binary) << bytes;
  const nlohmann::json expected = {{"layers",
                                    {{"trees", {{"ids", trees_ids}, {"points", points}}},
                                     {"protection_zones", {{"ids", zone_ids}}}}}};
  std::ofstream(dir / "expected.json") << expected.dump();
  const auto r = test::run({"node", (kJs / "check_tile.js").string(), (dir / "tile.mvt").string(),
                            (dir / "expected.json").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ok\n");
}

TEST_CASE(
    "JS fixtures: the test decoder accepts every valid and rejects every invalid mvt-fixture") {
  require_node_modules();
  const auto root = kJs / "node_modules" / "@mapbox" / "mvt-fixtures" / "fixtures";
  int valid = 0, invalid = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto info = nlohmann::json::parse(slurp(entry.path() / "info.json"));
    const bool is_valid = info["validity"]["v2"].get<bool>();
    // 057 is "valid" in the suite to test decoders for over-allocation: a MoveTo count of
    // 536870911 with one point. The test decoder reports the missing parameters (§4.3.2:
    // count x 2 parameters follow); rootzone never writes such a command.
    if (entry.path().filename() == "057") continue;
    const auto decoded = test::decode_tile(slurp(entry.path() / "tile.mvt"));
    INFO("fixture " << entry.path().filename().string() << ": "
                    << info["description"].get<std::string>());
    for (const auto& p : decoded.problems) INFO(p);
    if (is_valid) {
      ++valid;
      CHECK(decoded.problems.empty());
    } else {
      ++invalid;
      CHECK_FALSE(decoded.problems.empty());
    }
  }
  CHECK(valid + invalid == 73);
}
