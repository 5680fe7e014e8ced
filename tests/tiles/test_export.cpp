// `rootzone tiles export`: the real binary writes an MBTiles file that SQLite and GDAL's
// MBTiles driver read back, from either store (the MBTiles file is SQLite whatever the store).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;

TEST_CASE("tiles export: an MBTiles file with metadata, TMS rows and gzipped tiles GDAL reads") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = location.location();
  {
    auto store = storage::Store::create(db);
    // 30 trees along a 580 m street in Mainz (EPSG:25832).
    for (int i = 0; i < 30; ++i) {
      geo::Tree t;
      t.source_id = "MZ-" + std::to_string(i);
      t.location = {448000.0 + i * 20.0, 5538000.0};
      t.stem_circumferences_cm = {100};
      t.protection = {true, geo::ProtectionSource::ordinance, ""};
      store.trees().insert(t);
    }
  }
  const auto out = (dir / "city.mbtiles").string();
  const auto r = test::run_rootzone(
      {"tiles", "export", "--db", db, "--out", out, "--minzoom", "12", "--maxzoom", "15"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // One progress line per zoom.
  for (const char* z : {"z12: ", "z13: ", "z14: ", "z15: "})
    CHECK(r.err.find(z) != std::string::npos);
  CHECK(r.out.find("wrote " + out) == 0);

  storage::Database mb(out);
  auto meta = mb.prepare("SELECT value FROM metadata WHERE name = ?");
  meta.bind(1, "format");
  REQUIRE(meta.step());
  CHECK(meta.text(0) == "pbf");
  meta.reset();
  meta.bind(1, "json");
  REQUIRE(meta.step());
  const auto json = nlohmann::json::parse(meta.text(0));
  CHECK(json["vector_layers"].size() == 3);  // the public view: no conflicts layer
  auto rows =
      mb.prepare("SELECT zoom_level, count(*), min(tile_row) FROM tiles GROUP BY zoom_level");
  std::map<int, std::int64_t> per_zoom;
  while (rows.step()) {
    per_zoom[rows.int32(0)] = rows.int64(1);
    // TMS: row 0 is the south; Mainz (50 N) lies in the northern half.
    CHECK(rows.int64(2) > (std::int64_t{1} << rows.int32(0)) / 2);
  }
  CHECK(per_zoom.size() == 4);
  auto first = mb.prepare("SELECT tile_data FROM tiles LIMIT 1");
  REQUIRE(first.step());
  const auto blob = first.blob(0);
  REQUIRE(blob.size() > 2);
  CHECK(blob[0] == 0x1f);  // gzip magic
  CHECK(blob[1] == 0x8b);

  // GDAL's MBTiles driver (vector) reads it: all 30 trees at z15.
  const auto info = test::run({"ogrinfo", "-ro", "-so", out, "-oo", "ZOOM_LEVEL=15", "trees"});
  INFO(info.out << info.err);
  REQUIRE(info.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(info.out, m, std::regex("Feature Count: (\\d+)")));
  CHECK(std::stoi(m[1]) == 30);

  // An existing output is refused, not overwritten.
  const auto again = test::run_rootzone({"tiles", "export", "--db", db, "--out", out});
  CHECK(again.exit_code == 73);
}

TEST_CASE("tiles export: --help names the zoom options, a reversed zoom range is refused") {
  const auto help = test::run_rootzone({"tiles", "export", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--maxzoom") != std::string::npos);
  test::TempDir dir;
  const auto r =
      test::run_rootzone({"tiles", "export", "--db", (dir / "x.sqlite").string(), "--out",
                          (dir / "x.mbtiles").string(), "--minzoom", "15", "--maxzoom", "12"});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("--minzoom 15 is above --maxzoom 12") != std::string::npos);
}
