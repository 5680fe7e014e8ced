// Imports into PostGIS against imports into SpatiaLite: the bundled sample files (data/README.md)
// into a fresh store of each kind give the same summary, the same problem report and the same
// stored trees and works, field by field; a second import changes nothing; --dry-run, --strict
// and an import killed half-way leave the PostGIS store as it was.
#include <fcntl.h>
#include <gdal_utils.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "postgis/pg_fixture.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace geo = rootzone::geo;
namespace importers = rootzone::importers;
namespace storage = rootzone::storage;
using rootzone::test::PgTestDatabase;
using rootzone::test::run_rootzone;
using rootzone::test::TempDir;
using storage::Store;

namespace {

std::filesystem::path source_dir() { return ROOTZONE_SOURCE_DIR; }
std::filesystem::path sample(const std::string& rel) { return source_dir() / "data" / rel; }
std::filesystem::path mapping_file(const std::string& name) {
  return source_dir() / "mappings" / (name + ".json");
}

struct Source {
  std::filesystem::path file;
  std::string mapping;  // empty: WZDx
};

importers::ImportResult import(Store& store, bool trees, const Source& s, bool strict = false,
                               bool dry_run = false) {
  importers::ImportOptions o;
  o.file = s.file;
  if (s.mapping.empty()) {
    o.format = importers::SourceFormat::wzdx;
  } else {
    o.mapping = importers::Mapping::load(mapping_file(s.mapping));
  }
  o.strict = strict;
  o.dry_run = dry_run;
  o.user = "import test";
  return trees ? importers::import_trees(store, o) : importers::import_works(store, o);
}

void check_same_result(const importers::ImportResult& pg, const importers::ImportResult& file) {
  const auto& a = pg.summary;
  const auto& b = file.summary;
  CHECK(a.read == b.read);
  CHECK(a.inserted == b.inserted);
  CHECK(a.updated == b.updated);
  CHECK(a.unchanged == b.unchanged);
  CHECK(a.refused == b.refused);
  CHECK(a.skipped == b.skipped);
  CHECK(a.corrected == b.corrected);
  CHECK(a.flagged == b.flagged);
  CHECK(a.protected_trees == b.protected_trees);
  CHECK(a.protection_not_derived == b.protection_not_derived);
  CHECK(a.circumference_mapped == b.circumference_mapped);
  CHECK(a.implausible_stems == b.implausible_stems);
  CHECK(a.aborted == b.aborted);
  CHECK(a.committed == b.committed);
  REQUIRE(pg.report.problems().size() == file.report.problems().size());
  for (std::size_t i = 0; i < pg.report.problems().size(); ++i) {
    INFO("problem " << i << ": " << file.report.problems()[i].reason);
    CHECK(pg.report.problems()[i] == file.report.problems()[i]);
  }
}

// The time of the write is each store's own moment: equal fields apart from it, and it lies
// within the test's run.
template <class T>
std::vector<T> without_write_time(std::vector<T> items, geo::Timestamp from) {
  for (auto& i : items) {
    CHECK(i.updated_at >= from);
    CHECK(i.updated_at <= geo::now_utc());
    i.updated_at = {};
  }
  return items;
}

void check_same_trees(Store& pg, Store& file, geo::Timestamp from) {
  const auto a = without_write_time(pg.trees().all(), from);
  const auto b = without_write_time(file.trees().all(), from);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      INFO("tree " << b[i].id << " " << b[i].source_id);
      CHECK(a[i] == b[i]);
    }
  }
}

void check_same_works(Store& pg, Store& file, geo::Timestamp from) {
  const auto a = without_write_time(pg.works().all(), from);
  const auto b = without_write_time(file.works().all(), from);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("work " << b[i].reference);
    CHECK(a[i] == b[i]);
    auto ha = pg.works().status_history(a[i].id);
    auto hb = file.works().status_history(b[i].id);
    for (auto* h : {&ha, &hb}) {
      for (auto& c : *h) c.at = {};
    }
    CHECK(ha == hb);
  }
}

// Every history row of every tree, with its time blanked (each store's own moment).
std::vector<geo::TreeChange> all_history(Store& store) {
  std::vector<geo::TreeChange> rows;
  for (const auto& t : store.trees().all()) {
    for (auto h : store.trees().history(t.id)) {
      h.at = {};
      rows.push_back(std::move(h));
    }
  }
  return rows;
}

// GDAL's own translation of a sample into another format (ogr2ogr as a library).
std::filesystem::path translated(const std::filesystem::path& from, const std::filesystem::path& to,
                                 const char* format, std::vector<std::string> more = {}) {
  std::vector<std::string> args{"-f", format};
  args.insert(args.end(), more.begin(), more.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALAllRegister();
  auto* options = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
  GDALDatasetH in = GDALOpenEx(from.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  REQUIRE(in != nullptr);
  int error = 0;
  GDALDatasetH out = GDALVectorTranslate(to.c_str(), nullptr, 1, &in, options, &error);
  REQUIRE(out != nullptr);
  CHECK(error == 0);
  GDALClose(out);
  GDALClose(in);
  GDALVectorTranslateOptionsFree(options);
  return to;
}

std::string sqlite_value(Store& store, const std::string& sql) {
  auto s = store.database().prepare(sql);
  REQUIRE(s.step());
  return s.text(0);
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("PostGIS import of the Konstanz cadastre: the report and every tree as on SpatiaLite",
          "[postgis][import]") {
  PgTestDatabase db;
  TempDir dir;
  auto file = Store::create(dir / "city.sqlite");
  auto pg = Store::create(db.url());
  const auto from = geo::now_utc();
  const Source konstanz{sample("trees/konstanz_baumkataster_2020.csv"),
                        "konstanz-baumkataster-2020"};

  const auto on_file = import(file, true, konstanz);
  const auto on_pg = import(pg, true, konstanz);
  // data/README.md: 15,936 rows, 8,962 protected under Mainz.
  CHECK(on_file.summary.inserted == 15936);
  CHECK(on_file.summary.protected_trees == 8962);
  CHECK_FALSE(on_file.report.empty());
  check_same_result(on_pg, on_file);
  check_same_trees(pg, file, from);
  const auto stems =
      "SELECT count(*) || ' ' || sum(stem_no) || ' ' || CAST(round(sum(circumference_cm) * 100)"
      " AS INTEGER) FROM tree_stems";
  CHECK(db.query(stems) == sqlite_value(file, stems));
  // The first import into the empty store built trees' indexes at its end
  // (pg_tree_bulk_writer.cpp): all there again, under their migration's names. tree_stems is a
  // view of the rows' stems_cm (migration 0008): the same rows as the file's table, above.
  CHECK(db.query("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                 " WHERE tablename IN ('trees', 'tree_stems')") ==
        "trees_location,trees_pkey,trees_source_id_key,trees_version");
  CHECK(db.query("SELECT relkind::text FROM pg_class WHERE relname = 'tree_stems'") == "v");
  // tree_zones' keys too, around the zones the import stored (keep_zones): 8,962, as on the file.
  CHECK(db.query("SELECT string_agg(conname || ' ' || contype::text || ' ' || confdeltype::text,"
                 " ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'tree_zones'::regclass"
                 " AND contype IN ('p', 'f')") ==
        "tree_zones_pkey p  ,tree_zones_tree_id_fkey f c");
  CHECK(db.query("SELECT count(*) FROM tree_zones") == "8962");
  CHECK(sqlite_value(file, "SELECT count(*) FROM tree_zones") == "8962");
  // Ids 1..15,936 on both, and the next tree gets the next id on both.
  geo::Tree t;
  t.source_id = "NEW-1";
  t.location = {513000, 5277000};
  CHECK(file.trees().insert(t) == 15937);
  CHECK(pg.trees().insert(t) == 15937);

  SECTION("a second import of the same file changes nothing") {
    const auto again_file = import(file, true, konstanz);
    const auto again_pg = import(pg, true, konstanz);
    CHECK(again_pg.summary.unchanged == 15936);
    CHECK(again_pg.summary.inserted == 0);
    CHECK(again_pg.summary.updated == 0);
    check_same_result(again_pg, again_file);
    CHECK(db.query("SELECT count(*) FROM tree_history") == "0");
    CHECK(db.query("SELECT max(version) FROM trees") == "1");
  }

  SECTION("an import that changes some trees: the same updates and history rows") {
    // Every 100th data row gets another position, height and circumference. Columns:
    // X,Y,OBJECTID,baumId,baumNr,baumart,hoeheM,kronendurchmesserM,stammumfangCM, unquoted.
    std::istringstream in(read_text(konstanz.file));
    std::string out, line;
    for (int n = 0; std::getline(in, line); ++n) {
      if (n > 0 && n % 100 == 0) {
        std::vector<std::string> fields;
        std::size_t pos = 0;
        for (int i = 0; i < 9; ++i) {
          const auto comma = line.find(',', pos);
          fields.push_back(line.substr(pos, comma - pos));
          pos = comma + 1;
        }
        fields[0] += "1";  // a shift of some centimetres
        fields[6] = "31";
        fields[8] = "250";
        std::string row;
        for (const auto& f : fields) row += f + ',';
        line = row + line.substr(pos);
      }
      out += line + '\n';
    }
    const auto changed = dir / "konstanz-changed.csv";
    std::ofstream(changed, std::ios::binary) << out;
    const Source changed_source{changed, konstanz.mapping};
    const auto changed_file = import(file, true, changed_source);
    const auto changed_pg = import(pg, true, changed_source);
    CHECK(changed_pg.summary.updated > 0);
    check_same_result(changed_pg, changed_file);
    check_same_trees(pg, file, from);
    const auto history_pg = all_history(pg);
    CHECK(history_pg.size() > static_cast<std::size_t>(changed_pg.summary.updated));
    CHECK(history_pg == all_history(file));
  }
}

TEST_CASE("PostGIS import of the Konstanz cadastre as a GeoPackage: as on SpatiaLite",
          "[postgis][import]") {
  PgTestDatabase db;
  TempDir dir;
  auto file = Store::create(dir / "city.sqlite");
  auto pg = Store::create(db.url());
  const auto from = geo::now_utc();
  // GDAL's copy of the CSV: the same columns, as text, in a GeoPackage table.
  const Source gpkg{
      translated(sample("trees/konstanz_baumkataster_2020.csv"), dir / "konstanz.gpkg", "GPKG"),
      "konstanz-baumkataster-2020"};
  const auto on_file = import(file, true, gpkg);
  const auto on_pg = import(pg, true, gpkg);
  CHECK(on_pg.summary.inserted == 15936);
  check_same_result(on_pg, on_file);
  check_same_trees(pg, file, from);
}

TEST_CASE("PostGIS import of works files and feeds: the report and every work as on SpatiaLite",
          "[postgis][import]") {
  const auto from = geo::now_utc();
  struct Case {
    int srid;
    std::vector<Source> sources;
  };
  TempDir dir;
  const auto demo = sample("works/demo/konstanz_demo_works.geojson");
  const std::vector<Case> cases = {
      {25832,
       {{demo, "rootzone-works-geojson"},
        {translated(demo, dir / "demo.gpkg", "GPKG"), "rootzone-works-geojson"},
        // A Shapefile holds one geometry type: the two trenches (LineStrings), times as text.
        {translated(demo, dir / "demo.shp", "ESRI Shapefile",
                    {"-where", "kind = 'trench'", "-mapFieldType", "DateTime=String"}),
         "rootzone-works-geojson"},
        {sample("works/feeds/ogc_rlp_baustelle.json"), "rlp-baustellen-ogc"},
        {sample("works/feeds/ogc_hamburg_baustellen.json"), "hamburg-baustellen-ogc"},
        {sample("works/feeds/berlin_baustellen_live_pull.json"), "berlin-viz-baustellen"}}},
      {25833, {{sample("works/feeds/berlin_baustellen_live_pull.json"), "berlin-viz-baustellen"}}},
      {26915,
       {{sample("works/wzdx/scenario1_simple_linestring_example.geojson"), ""},
        {sample("works/wzdx/scenario1_simple_multipoint_example.geojson"), ""},
        {sample("works/wzdx/scenario4_detour_linestring_example.geojson"), ""},
        {sample("works/wzdx/scenario6_multi_lane_closure_linestring_example.geojson"), ""}}},
  };
  for (const auto& c : cases) {
    INFO("EPSG:" << c.srid);
    PgTestDatabase db;
    TempDir here;
    auto file = Store::create(here / "city.sqlite", c.srid);
    auto pg = Store::create(db.url(), c.srid);
    std::int64_t inserted = 0;
    for (const auto& s : c.sources) {
      INFO(s.file.filename().string());
      const auto on_file = import(file, false, s);
      const auto on_pg = import(pg, false, s);
      check_same_result(on_pg, on_file);
      inserted += on_pg.summary.inserted;
      // Again: nothing changes.
      const auto again_file = import(file, false, s);
      const auto again_pg = import(pg, false, s);
      check_same_result(again_pg, again_file);
      CHECK(again_pg.summary.inserted == 0);
      CHECK(again_pg.summary.updated == 0);
    }
    CHECK(inserted > 0);
    CHECK(pg.works().count() == inserted);
    check_same_works(pg, file, from);
  }
}

TEST_CASE("PostGIS import: --dry-run and a --strict abort leave the store as it was",
          "[postgis][import]") {
  PgTestDatabase db;
  auto pg = Store::create(db.url());
  const Source konstanz{sample("trees/konstanz_baumkataster_2020.csv"),
                        "konstanz-baumkataster-2020"};
  const Source rlp{sample("works/feeds/ogc_rlp_baustelle.json"), "rlp-baustellen-ogc"};
  REQUIRE(import(pg, false, rlp).summary.inserted == 5);
  const auto snapshot =
      "SELECT (SELECT count(*) FROM trees) || ' ' || (SELECT count(*) FROM tree_stems) || ' ' ||"
      " (SELECT count(*) FROM works) || ' ' || (SELECT count(*) FROM work_status_history) || ' ' ||"
      " (SELECT value FROM store_meta WHERE key = 'generation') || ' ' ||"
      " coalesce(pg_sequence_last_value(pg_get_serial_sequence('trees', 'id')), 0)";
  const auto before = db.query(snapshot);
  CHECK(before == "0 0 5 5 1 0");

  const auto dry = import(pg, true, konstanz, false, true);
  CHECK(dry.summary.inserted == 15936);
  CHECK_FALSE(dry.summary.committed);
  CHECK(db.query(snapshot) == before);

  // Konstanz has its first problem in record 97 (crown 0, stored as unknown): records 1-97 were
  // written, then undone.
  const auto strict = import(pg, true, konstanz, true);
  CHECK(strict.summary.aborted);
  CHECK(strict.summary.inserted == 97);
  CHECK(db.query(snapshot) == before);

  const auto dry_works = import(pg, false, rlp, false, true);
  CHECK(dry_works.summary.unchanged == 5);
  CHECK(db.query(snapshot) == before);

  // After all that, a real import numbers its trees from 1, as into a fresh store.
  REQUIRE(import(pg, true, konstanz).summary.committed);
  CHECK(db.query("SELECT min(id) || '-' || max(id) FROM trees") == "1-15936");
}

TEST_CASE("PostGIS import killed half-way: nothing of it is stored", "[postgis][import]") {
  PgTestDatabase db;
  TempDir dir;
  REQUIRE(run_rootzone({"init", "--db", db.url()}).exit_code == 0);
  // Konstanz four times over with new ids: long enough to be caught in the middle.
  const auto text = read_text(sample("trees/konstanz_baumkataster_2020.csv"));
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
  std::ofstream(dir / "big.csv", std::ios::binary) << big;

  const std::vector<std::string> args{
      ROOTZONE_BINARY, "import", "trees",     (dir / "big.csv").string(),
      "--db",          db.url(), "--mapping", mapping_file("konstanz-baumkataster-2020").string()};
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
  // Rows are on their way once its COPY runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool copying = false;
  bool exited = false;
  while (std::chrono::steady_clock::now() < deadline) {
    copying = db.query(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  " AND query LIKE 'COPY trees%' AND state = 'active'") != "0";
    if (copying) break;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE_FALSE(exited);
  REQUIRE(copying);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  // The server ends the dead client's transaction: nothing of it becomes visible.
  for (int i = 0;
       i < 500 && db.query("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                           " current_database() AND application_name = 'rootzone'") != "0";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(db.query("SELECT (SELECT count(*) FROM trees) + (SELECT count(*) FROM tree_stems)") == "0");
  CHECK(db.query("SELECT value FROM store_meta WHERE key = 'generation'").empty());
  // The store takes the same import afterwards, whole.
  const auto again =
      run_rootzone({"import", "trees", (dir / "big.csv").string(), "--db", db.url(), "--mapping",
                    mapping_file("konstanz-baumkataster-2020").string()});
  CHECK(again.exit_code == 0);
  CHECK(db.query("SELECT count(*) FROM trees") == "63744");
}

TEST_CASE("rootzone users and import on PostGIS print what they print for a file",
          "[postgis][cli]") {
  PgTestDatabase db;
  TempDir dir;
  const auto file = (dir / "city.sqlite").string();
  for (const auto& where : {file, db.url()}) {
    REQUIRE(run_rootzone({"init", "--db", where}).exit_code == 0);
  }
  const auto both = [&](std::vector<std::string> args) {
    auto on_file = args;
    auto on_pg = args;
    on_file.insert(on_file.end(), {"--db", file});
    on_pg.insert(on_pg.end(), {"--db", db.url()});
    return std::pair{run_rootzone(on_file), run_rootzone(on_pg)};
  };
  // A key is random: its line differs, its form not.
  const auto key_line = [](const std::string& out) {
    const auto at = out.find("rz_");
    return at == std::string::npos ? out : out.substr(0, at);
  };

  auto [add_file, add_pg] = both({"users", "add", "anna", "--role", "planner"});
  CHECK(add_pg.exit_code == 0);
  CHECK(add_pg.exit_code == add_file.exit_code);
  CHECK(key_line(add_pg.out) == key_line(add_file.out));
  CHECK(db.query("SELECT name || ' ' || role FROM users") == "anna planner");
  auto [key_file, key_pg] = both({"users", "key", "anna"});
  CHECK(key_pg.exit_code == 0);
  CHECK(key_line(key_pg.out) == key_line(key_file.out));
  CHECK(db.query("SELECT count(*) FROM api_keys") == "2");
  auto [dup_file, dup_pg] = both({"users", "add", "anna", "--role", "admin"});
  CHECK(dup_pg.exit_code != 0);
  CHECK(dup_pg.exit_code == dup_file.exit_code);
  CHECK(dup_pg.err == dup_file.err);
  auto [off_file, off_pg] = both({"users", "disable", "anna"});
  CHECK(off_pg.exit_code == 0);
  CHECK(off_pg.out == off_file.out);
  auto [none_file, none_pg] = both({"users", "disable", "nobody"});
  CHECK(none_pg.exit_code != 0);
  CHECK(none_pg.exit_code == none_file.exit_code);
  CHECK(none_pg.err == none_file.err);
  const auto prefix = db.query("SELECT min(prefix) FROM api_keys");
  const auto revoke_pg = run_rootzone({"users", "revoke", prefix, "--db", db.url()});
  CHECK(revoke_pg.exit_code == 0);
  CHECK(db.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL") == "1");
  const auto list_pg = run_rootzone({"users", "list", "--db", db.url()});
  CHECK(list_pg.exit_code == 0);
  CHECK(list_pg.out.find("anna") != std::string::npos);
  CHECK(list_pg.out.find(prefix) != std::string::npos);

  // The import's screen names the location and its time; the rest is the same.
  const auto demo = sample("works/demo/konstanz_demo_works.geojson").string();
  auto [imp_file, imp_pg] =
      both({"import", "works", demo, "--mapping", mapping_file("rootzone-works-geojson").string()});
  CHECK(imp_pg.exit_code == 0);
  CHECK(imp_pg.exit_code == imp_file.exit_code);
  const auto without_times = [](std::string text, const std::string& location) {
    std::string out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("seconds") != std::string::npos) continue;
      if (const auto at = line.find(location); at != std::string::npos) {
        line.replace(at, location.size(), "<store>");
      }
      out += line + '\n';
    }
    return out;
  };
  CHECK(without_times(imp_pg.out, db.url()) == without_times(imp_file.out, file));
  CHECK(db.query("SELECT count(*) FROM works") == "5");
}
