// GDAL as a real client of `rootzone serve` (issue 5): its OAPIF driver lists the
// collections, pulls every tree through paging and filters by bbox.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <string>

#include "rootzone/storage/store.hpp"
#include "store_rows.hpp"
#include "support/konstanz_store.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using test::run;
using test::run_rootzone;

namespace {

// The rows of a one-column CSV written by ogr2ogr -select (source ids hold no commas).
std::multiset<std::string> rows_of(const std::string& csv_path) {
  std::istringstream in(run({"cat", csv_path}).out);
  std::string line;
  std::getline(in, line);  // header
  std::multiset<std::string> values;
  while (std::getline(in, line)) values.insert(line);
  return values;
}

}  // namespace

TEST_CASE("ogrinfo lists the three collections of rootzone serve", "[api][gdal]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = location.location();
  test::import_konstanz(db);
  // Conflicts are not public (docs/domain.md): GDAL reads them with a planner's key.
  const auto added = run_rootzone({"users", "add", "paula", "--role", "planner", "--db", db});
  REQUIRE(added.exit_code == 0);
  const auto at = added.out.find("rz_");
  REQUIRE(at != std::string::npos);
  const auto key = added.out.substr(at, added.out.find_first_of(" \n", at) - at);
  test::ServerProcess server(db);
  const auto r = run({"ogrinfo", "-ro", "-q", "--config", "GDAL_HTTP_HEADERS",
                      "Authorization: Bearer " + key, "OAPIF:" + server.url()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("1: trees (title: Trees) (Point)"));
  CHECK_THAT(r.out, Catch::Contains("2: works (title: Works)"));
  // An empty collection: GDAL cannot tell the geometry type from a first page of nothing.
  CHECK_THAT(r.out, Catch::Contains("3: conflicts (title: Conflicts)"));

  // Without a key GDAL still lists the collections but reports the 401 of the conflicts.
  const auto anonymous = run({"ogrinfo", "-ro", "-q", "OAPIF:" + server.url()});
  CHECK_THAT(anonymous.out, Catch::Contains("3: conflicts (title: Conflicts)"));
  CHECK_THAT(anonymous.err, Catch::Contains("HTTP error code : 401"));
}

TEST_CASE("ogr2ogr pulls every tree through paging, each once, and -spat filters exactly",
          "[api][gdal]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = location.location();
  test::import_konstanz(db);
  test::ServerProcess server(db);

  const auto all = (dir / "all.csv").string();
  REQUIRE(
      run({"ogr2ogr", "-f", "CSV", all, "OAPIF:" + server.url(), "trees", "-select", "source_id"})
          .exit_code == 0);
  const auto ids = rows_of(all);
  CHECK(ids.size() == 15936);  // data/README.md: 15,936 rows
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 15936);

  // 600 m around the Konstanz Stadtgarten (513150..513750, 5278470..5279070 in EPSG:25832,
  // through cs2cs); the store's own count of trees in the same lon/lat box is the expectation.
  const double w = 9.17513, s = 47.65949, e = 9.18314, n = 47.66488;
  const auto part = (dir / "part.csv").string();
  REQUIRE(run({"ogr2ogr", "-f", "CSV", part, "OAPIF:" + server.url(), "trees", "-spat",
               std::to_string(w), std::to_string(s), std::to_string(e), std::to_string(n),
               "-select", "source_id"})
              .exit_code == 0);
  const auto in_box = rows_of(part);

  // Each store's own words for "inside the lon/lat box".
  const auto box = std::to_string(w) + ", " + std::to_string(s) + ", " + std::to_string(e) + ", " +
                   std::to_string(n) + ", 4326";
  const auto inside = location.postgis()
                          ? "SELECT count(*) FROM trees WHERE ST_Within(ST_Transform(location, "
                            "4326), ST_MakeEnvelope(" +
                                box + "))"
                          : "SELECT count(*) FROM trees WHERE ST_Within(Transform(location, "
                            "4326), BuildMbr(" +
                                box + "))";
  CHECK(in_box.size() > 50);
  CHECK(static_cast<std::int64_t>(in_box.size()) == test::store_count(db, inside));
}
