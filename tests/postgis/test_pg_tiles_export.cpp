// `rootzone tiles export` on a PostGIS store writes the MBTiles file it writes from a SpatiaLite
// file holding the same city: the same tile rows with the same bytes, the same metadata.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "postgis/pg_city_copy.hpp"
#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using rootzone::test::PgTestDatabase;
using rootzone::test::run_rootzone;
using rootzone::test::TempDir;

namespace {

using TileRow = std::tuple<int, std::int64_t, std::int64_t, std::vector<std::uint8_t>>;

std::vector<TileRow> tile_rows(const std::string& mbtiles) {
  storage::Database db(mbtiles);
  auto s = db.prepare(
      "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles "
      "ORDER BY zoom_level, tile_column, tile_row");
  std::vector<TileRow> rows;
  while (s.step()) {
    const auto blob = s.blob(3);
    rows.emplace_back(s.int32(0), s.int64(1), s.int64(2),
                      std::vector<std::uint8_t>(blob.begin(), blob.end()));
  }
  return rows;
}

std::map<std::string, std::string> metadata(const std::string& mbtiles) {
  storage::Database db(mbtiles);
  auto s = db.prepare("SELECT name, value FROM metadata");
  std::map<std::string, std::string> rows;
  while (s.step()) rows.emplace(s.text(0), s.text(1));
  return rows;
}

// "wrote <path>: ... KiB of MVT (gzipped in the file), <seconds> s": the summary without the
// path and the time, which two runs never share.
std::string summary(const std::string& out, const std::string& path) {
  REQUIRE(out.starts_with("wrote " + path + ": "));
  const auto rest = out.substr(("wrote " + path + ": ").size());
  return rest.substr(0, rest.rfind(", "));
}

}  // namespace

TEST_CASE("tiles export on PostGIS writes the tiles and metadata it writes from a file",
          "[postgis][tiles]") {
  TempDir dir;
  PgTestDatabase db(PgTestDatabase::Start::postgis);
  const auto file = (dir / "city.sqlite").string();
  {
    // Every conflict case of tests/cases/conflicts, 1 km apart in Mainz: protected and
    // unprotected trees with zones of every rule, works of every shape and status.
    auto sqlite = test::city_of_all_cases(file);
    auto pg = storage::Store::create(db.url());
    test::copy_city_to_postgis(sqlite, db.url());
  }
  REQUIRE(db.query("SELECT count(*) FROM trees") != "0");
  REQUIRE(db.query("SELECT count(*) FROM works") != "0");

  for (const std::string tileset : {"city", "works"}) {
    INFO(tileset);
    const auto from_file = (dir / (tileset + "-file.mbtiles")).string();
    const auto from_pg = (dir / (tileset + "-pg.mbtiles")).string();
    const std::vector<std::string> zooms = {"--tileset", tileset,     "--minzoom",
                                            "11",        "--maxzoom", "17"};
    auto args = std::vector<std::string>{"tiles", "export", "--db", file, "--out", from_file};
    args.insert(args.end(), zooms.begin(), zooms.end());
    const auto a = run_rootzone(args);
    args = {"tiles", "export", "--db", db.url(), "--out", from_pg};
    args.insert(args.end(), zooms.begin(), zooms.end());
    const auto b = run_rootzone(args);
    INFO(a.err << b.err);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    // The progress lines (tiles per zoom) and the summary (tiles with data, KiB) are the same.
    CHECK(a.err == b.err);
    CHECK(summary(a.out, from_file) == summary(b.out, from_pg));

    const auto file_tiles = tile_rows(from_file);
    const auto pg_tiles = tile_rows(from_pg);
    // Tiles with data at every zoom; gzip is deterministic (no name, no time in its header),
    // so equal MVT bytes give equal rows.
    CHECK(file_tiles.size() > 7);
    CHECK(std::get<0>(file_tiles.front()) == 11);
    CHECK(std::get<0>(file_tiles.back()) == 17);
    CHECK(file_tiles.size() == pg_tiles.size());
    CHECK(file_tiles == pg_tiles);
    // Nothing in the metadata depends on the store: the name and description are the tileset's,
    // bounds and center come from the data's extent, equal in both stores.
    const auto meta = metadata(from_file);
    CHECK(meta.size() == 10);
    CHECK(meta.at("name") == "rootzone " + tileset);
    CHECK(meta == metadata(from_pg));
  }

  // An existing output is refused on PostGIS too, and left as it was.
  const auto again = run_rootzone(
      {"tiles", "export", "--db", db.url(), "--out", (dir / "city-pg.mbtiles").string()});
  CHECK(again.exit_code == 73);
}

TEST_CASE("tiles export on a PostGIS database without a store says so and writes no file",
          "[postgis][tiles]") {
  TempDir dir;
  PgTestDatabase db;
  const auto out = (dir / "x.mbtiles").string();
  const auto r = run_rootzone({"tiles", "export", "--db", db.url(), "--out", out});
  CHECK(r.exit_code == 74);
  CHECK(r.err == "rootzone: error: " + db.url() +
                     " is not a rootzone store: it has no schema_migrations and store_meta "
                     "tables (create one with `rootzone init`)\n");
  CHECK_FALSE(std::filesystem::exists(out));
}
