// Broken inputs made from the sample files, through the real binary: the documented problem
// rows and exit codes; --strict and kill -9 leave the store as it was.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "import_fixture.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/work_repository.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

extern char** environ;

using namespace rootzone;
using test::run_rootzone;
using test::TempDir;

namespace {

constexpr int data_error = 65;
constexpr int no_input = 66;

// `rootzone init` on the test's store (a file, or a fresh PostGIS database in the pg. run).
std::string init_store(const test::TestStore& store) {
  const auto db = store.location();
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  return db;
}

test::RunResult import_konstanz_like(const std::filesystem::path& file, const std::string& db,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"import",
                                "trees",
                                file.string(),
                                "--db",
                                db,
                                "--mapping",
                                test::mapping_file("konstanz-baumkataster-2020").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_rootzone(args);
}

// The first `lines` lines of Konstanz (header included).
std::string konstanz_head(std::size_t lines) {
  const auto text = test::read_file(test::konstanz_csv());
  std::size_t pos = 0;
  for (std::size_t i = 0; i < lines; ++i) pos = text.find('\n', pos) + 1;
  return text.substr(0, pos);
}

}  // namespace

TEST_CASE("a missing input file exits 66, a missing mapping field exits 65 naming the fields",
          "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  const auto missing = import_konstanz_like(dir / "nowhere.csv", db);
  CHECK(missing.exit_code == no_input);
  CHECK(missing.err.find("nowhere.csv: no such file") != std::string::npos);

  test::write_file(dir / "other.csv", "Nr,X,Y\n1,9.1,47.7\n");
  const auto wrong = import_konstanz_like(dir / "other.csv", db);
  CHECK(wrong.exit_code == data_error);
  CHECK(wrong.err.find("source field 'baumId' is not in the input (its fields: Nr, X, Y)") !=
        std::string::npos);
}

TEST_CASE("a truncated CSV: the cut row is refused, the rest imported", "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  // 12 lines (header + 11 trees) and the first 30 bytes of line 13: X and part of Y.
  const auto full = test::read_file(test::konstanz_csv());
  const auto head = konstanz_head(12);
  test::write_file(dir / "cut.csv", head + full.substr(head.size(), 30));
  const auto r = import_konstanz_like(dir / "cut.csv", db, {"--report", (dir / "p.json").string()});
  CHECK(r.exit_code == data_error);
  CHECK(r.out.find("inserted          11") != std::string::npos);
  const auto report = test::read_file(dir / "p.json");
  CHECK(report.find("\"record\": 12") != std::string::npos);
  CHECK(report.find("\"line\": 13") != std::string::npos);
  CHECK(report.find("\"reason\": \"missing required field: id\"") != std::string::npos);
  CHECK(report.find("\"refused\": 1") != std::string::npos);
}

TEST_CASE("a duplicate id in one file: the second record is refused, the first imported",
          "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  // Header and 5 trees, then the first tree (baumId 4) again as record 6, line 7.
  const auto head = konstanz_head(6);
  const auto first_row = konstanz_head(2).substr(konstanz_head(1).size());
  test::write_file(dir / "dup.csv", head + first_row);
  const auto r = import_konstanz_like(dir / "dup.csv", db, {"--report", (dir / "p.json").string()});
  CHECK(r.exit_code == data_error);
  CHECK(r.out.find("inserted           5") != std::string::npos);
  CHECK(r.out.find("refused            1") != std::string::npos);
  const auto report = test::read_file(dir / "p.json");
  CHECK(report.find("duplicate id: also record 1 of this file; the first one is imported") !=
        std::string::npos);
  CHECK(report.find("\"line\": 7") != std::string::npos);
}

TEST_CASE("a truncated GeoJSON feed cannot be opened: exit 65, nothing imported",
          "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  const auto text = test::read_file(test::sample("works/feeds/ogc_rlp_baustelle.json"));
  test::write_file(dir / "cut.json", text.substr(0, text.size() / 2));
  const auto r = run_rootzone({"import", "works", (dir / "cut.json").string(), "--db", db,
                               "--mapping", test::mapping_file("rlp-baustellen-ogc").string()});
  CHECK(r.exit_code == data_error);
  CHECK(r.err.find("cut.json: cannot be opened") != std::string::npos);
}

TEST_CASE("text in a number column refuses that row only", "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  auto text = test::read_file(test::konstanz_csv());
  const std::string row = "1,4,4,182,11,12,169,";  // baumId 4, line 2
  text.replace(text.find(row), row.size(), "1,4,4,182,11,12,dick,");
  test::write_file(dir / "text.csv", text);
  const auto r = import_konstanz_like(dir / "text.csv", db, {"--report", (dir / "p.csv").string()});
  CHECK(r.exit_code == data_error);
  CHECK(r.out.find("inserted       15935") != std::string::npos);
  CHECK(r.out.find("refused            1") != std::string::npos);
  const auto report = test::read_file(dir / "p.csv");
  CHECK(report.find("refused," + (dir / "text.csv").string() +
                    ",1,2,4,stammumfangCM,dick,not a number: stem_circumferences_cm 'dick'\n") !=
        std::string::npos);
}

TEST_CASE(
    "works from GeoJSON, GeoPackage and Shapefile: a self-intersecting polygon and end before "
    "start refused",
    "[importers][broken]") {
  TempDir dir;
  // Three sites in Mainz (EPSG:4326): a good trench, a bow-tie polygon, a window that ends
  // before it starts.
  test::write_file(dir / "works.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"nr": "A-1", "art": "Graben", "beginn": "2026-04-06", "ende": "2026-04-24", "breite": "0,8"},
     "geometry": {"type": "Polygon", "coordinates": [[[8.2700, 50.0000], [8.2710, 50.0000], [8.2710, 50.0005], [8.2700, 50.0005], [8.2700, 50.0000]]]}},
    {"type": "Feature", "properties": {"nr": "A-2", "art": "Graben", "beginn": "2026-04-06", "ende": "2026-04-24", "breite": "1"},
     "geometry": {"type": "Polygon", "coordinates": [[[8.2700, 50.0010], [8.2710, 50.0015], [8.2710, 50.0010], [8.2700, 50.0015], [8.2700, 50.0010]]]}},
    {"type": "Feature", "properties": {"nr": "A-3", "art": "Lager", "beginn": "2026-05-10", "ende": "2026-05-01", "breite": "2"},
     "geometry": {"type": "Polygon", "coordinates": [[[8.2720, 50.0000], [8.2730, 50.0000], [8.2730, 50.0005], [8.2720, 50.0000]]]}}
  ]})");
  test::write_file(dir / "works.json", R"({
    "name": "test-works", "kind": "works", "source": {"decimal_separator": ","},
    "id": "nr",
    "fields": {
      "kind": {"from": "art", "map": {"Graben": "trench", "Lager": "storage"}},
      "width_m": "breite",
      "starts_at": {"from": "beginn", "format": "iso8601", "timezone": "Europe/Berlin"},
      "ends_at": {"from": "ende", "format": "iso8601", "timezone": "Europe/Berlin", "end_of_day": true}
    }})");
  for (const auto* driver : {"GeoJSON", "GPKG", "ESRI Shapefile"}) {
    INFO(driver);
    std::filesystem::path file = dir / "works.geojson";
    if (std::string(driver) != "GeoJSON") {
      file = dir / (std::string(driver) == "GPKG" ? "works.gpkg" : "works.shp");
      REQUIRE(test::run({"ogr2ogr", "-f", driver, file.string(), (dir / "works.geojson").string()})
                  .exit_code == 0);
    }
    const test::TestStore location(dir, std::string(driver) + ".sqlite");
    const auto db = init_store(location);
    const auto report = dir / (std::string(driver) + ".csv");
    const auto r = run_rootzone({"import", "works", file.string(), "--db", db, "--mapping",
                                 (dir / "works.json").string(), "--report", report.string()});
    CHECK(r.exit_code == data_error);
    CHECK(r.out.find("inserted           1") != std::string::npos);
    CHECK(r.out.find("refused            2") != std::string::npos);
    const auto text = test::read_file(report);
    CHECK(text.find(",2,,A-2,(geometry),") != std::string::npos);
    CHECK(text.find("invalid geometry: ") != std::string::npos);
    CHECK(text.find(",3,,A-3,ende,2026-05-01T21:59:59Z,end before start: ends_at "
                    "2026-05-01T21:59:59Z is before starts_at 2026-05-09T22:00:00Z\n") !=
          std::string::npos);
    auto store = storage::Store::open(db);
    const auto w = store.works().find_by_reference("A-1");
    REQUIRE(w);
    CHECK(w->kind == geo::WorkKind::trench);
    CHECK(w->width_m == 0.8);
    CHECK(geo::format_utc(w->ends_at) == "2026-04-24T21:59:59Z");
  }
}

// [sqlite-only]: the file's bytes and its WAL; on PostGIS "--dry-run and a --strict abort leave
// the store as it was" (tests/postgis/test_pg_import.cpp) compares rows, generation and sequence.
TEST_CASE("a strict import stops at the first problem and leaves the store byte for byte unchanged",
          "[importers][broken][sqlite-only]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  REQUIRE(
      run_rootzone({"import", "works", test::sample("works/feeds/ogc_rlp_baustelle.json").string(),
                    "--db", db, "--mapping", test::mapping_file("rlp-baustellen-ogc").string()})
          .exit_code == 0);
  const auto before = test::read_file(db);
  // Konstanz has its first problem in record 97 (crown 0).
  const auto r = import_konstanz_like(test::konstanz_csv(), db, {"--strict"});
  CHECK(r.exit_code == data_error);
  CHECK(r.err.find("--strict: record 97: zero means not measured") != std::string::npos);
  CHECK(r.out.find("the store is unchanged") != std::string::npos);
  CHECK(test::read_file(db) == before);
  CHECK_FALSE(std::filesystem::exists(db + "-wal"));
}

namespace {

// Konstanz four times over with new ids (63,744 trees, a few seconds of work) into `db`, which
// already holds Konstanz; killed with SIGKILL once `written()` says part of the transaction is
// on disk. Returns the import's wait status.
int kill_large_import(const TempDir& dir, const std::string& db,
                      const std::function<bool()>& written) {
  const auto text = test::read_file(test::konstanz_csv());
  const auto header_end = text.find('\n') + 1;
  std::string big = text.substr(0, header_end);
  for (int copy = 1; copy <= 4; ++copy) {
    std::size_t pos = header_end;
    while (pos < text.size()) {
      const auto end = text.find('\n', pos);
      auto row = text.substr(pos, end - pos);
      // Columns X,Y,OBJECTID,baumId: give baumId a prefix.
      std::size_t comma = 0;
      for (int i = 0; i < 3; ++i) comma = row.find(',', comma) + 1;
      row.insert(comma, "K" + std::to_string(copy) + "-");
      big += row + "\n";
      pos = end + 1;
    }
  }
  test::write_file(dir / "big.csv", big);

  const std::vector<std::string> args{
      ROOTZONE_BINARY, "import",
      "trees",         (dir / "big.csv").string(),
      "--db",          db,
      "--mapping",     test::mapping_file("konstanz-baumkataster-2020").string()};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool exited = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (written()) break;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE_FALSE(exited);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

std::uintmax_t size_of(const std::string& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : size;
}

void check_previous_contents(const std::string& db) {
  auto store = storage::Store::open(db);
  auto check = store.database().prepare("PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");
  CHECK(store.trees().count() == 15936);
  CHECK_FALSE(store.trees().find_by_source_id("K1-4"));
  auto mode = store.database().prepare("PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.text(0) == "wal");
}

}  // namespace

// [sqlite-only], as the next case: SQLite's rollback journal and WAL after a SIGKILL; on PostGIS
// "PostGIS import killed half-way: nothing of it is stored" (tests/postgis/test_pg_import.cpp).
TEST_CASE("kill -9 during a large import leaves the previous contents, intact",
          "[importers][broken][sqlite-only]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  REQUIRE(import_konstanz_like(test::konstanz_csv(), db).exit_code == 0);
  {
    storage::Database checkpoint(db);  // the first import's WAL into the file
    checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto size_before = size_of(db);
  // Nobody else has the store open: the import writes it with a rollback journal. Kill it once
  // its pages go into the file itself.
  const auto status = kill_large_import(dir, db, [&] {
    return std::filesystem::exists(db + "-journal") && size_of(db) > size_before + 4'000'000;
  });
  CHECK(WIFSIGNALED(status));
  CHECK(std::filesystem::exists(db + "-journal"));  // hot: the next opener rolls it back
  check_previous_contents(db);
  CHECK(size_of(db) == size_before);
}

TEST_CASE("kill -9 during a large import beside a reader leaves the previous contents, intact",
          "[importers][broken][sqlite-only]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  REQUIRE(import_konstanz_like(test::konstanz_csv(), db).exit_code == 0);
  // A reader has the store open, as a server would: the import goes through the WAL. Kill it
  // once part of its transaction is in the WAL.
  storage::Database reader(db);
  auto count = reader.prepare("SELECT count(*) FROM trees");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 15936);
  count.reset();
  const auto status = kill_large_import(dir, db, [&] { return size_of(db + "-wal") > 4'000'000; });
  CHECK(WIFSIGNALED(status));
  CHECK_FALSE(std::filesystem::exists(db + "-journal"));
  REQUIRE(count.step());
  CHECK(count.int64(0) == 15936);
  count.reset();
  check_previous_contents(db);
}

// Reading and mapping run on one thread, writing on another: a record the store refuses (its
// CHECK, not the mapping) is reported in record order among the mapping's own refusals.
TEST_CASE("a record the store refuses is reported in its place among the mapping's refusals",
          "[importers][broken]") {
  TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = init_store(location);
  test::write_file(dir / "m.json", R"({
    "name": "felled-check", "kind": "trees",
    "source": {"crs": "EPSG:25832", "open_options": {"AUTODETECT_TYPE": "NO"}},
    "geometry": {"x": "x", "y": "y"}, "id": "id",
    "fields": {
      "stem_circumferences_cm": {"from": "stem", "unit": "cm"},
      "crown_diameter_m": {"from": "crown", "unit": "m"},
      "status": "status",
      "felled_on": {"from": "felled_on", "format": "iso8601"}
    }})");
  // Record 2 is standing but has a felling date (trees' CHECK felled_on IS NULL OR status =
  // 'felled'); record 3 has text for its crown (the mapping refuses it).
  test::write_file(dir / "t.csv",
                   "id,x,y,stem,crown,status,felled_on\n"
                   "A1,438358.175,5529315.792,137,12,existing,\n"
                   "A2,438358.342,5529325.809,147,10.7,existing,2024-01-01\n"
                   "A3,438358.450,5529336.765,210,dick,felled,2024-04-02\n"
                   "A4,438358.984,5529375.526,141,11.2,existing,\n");
  const auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a{"import", "trees",     (dir / "t.csv").string(), "--db",
                               db,       "--mapping", (dir / "m.json").string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const auto before = location.postgis() ? std::string() : test::read_file(db);
  const auto strict = run_rootzone(args({"--strict"}));
  CHECK(strict.exit_code == data_error);
  CHECK(strict.out.find("the store is unchanged") != std::string::npos);
  if (!location.postgis()) CHECK(test::read_file(db) == before);
  CHECK(storage::Store::open(db).trees().count() == 0);

  const auto r = run_rootzone(args({"--report", (dir / "p.csv").string()}));
  CHECK(r.exit_code == data_error);
  CHECK(r.out.find("inserted           2") != std::string::npos);
  CHECK(r.out.find("refused            2") != std::string::npos);
  const auto report = test::read_file(dir / "p.csv");
  const auto store_refusal = report.find("refused," + (dir / "t.csv").string() + ",2,3,A2,,A2,");
  const auto crown = report.find("refused," + (dir / "t.csv").string() +
                                 ",3,4,A3,crown,dick,not a number: crown_diameter_m 'dick'\n");
  REQUIRE(store_refusal != std::string::npos);
  REQUIRE(crown != std::string::npos);
  CHECK(store_refusal < crown);
  CHECK(report.find("CHECK constraint failed: felled_on IS NULL OR status = 'felled'") !=
        std::string::npos);
  std::string ids;
  for (const auto& t : storage::Store::open(db).trees().all()) {
    ids += (ids.empty() ? "" : ",") + t.source_id;  // all() orders by id
  }
  CHECK(ids == "A1,A4");
}
