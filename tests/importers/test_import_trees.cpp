// Trees from the Konstanz cadastre (data/trees, source in data/README.md): exact counts from
// the file itself (15,936 rows, 8,962 with stammumfangCM >= 80, 43 crowns of 0 m).
#include <algorithm>
#include <catch2/catch.hpp>

#include "import_fixture.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using importers::Severity;
using test::TempDir;

namespace {

std::size_t problems_with(const importers::ProblemReport& r, Severity s, const std::string& field,
                          const std::string& reason_start) {
  return static_cast<std::size_t>(
      std::count_if(r.problems().begin(), r.problems().end(), [&](const importers::Problem& p) {
        return p.severity == s && p.field == field && p.reason.rfind(reason_start, 0) == 0;
      }));
}

}  // namespace

TEST_CASE("Konstanz: 15936 trees imported, 8962 protected under Mainz, 43 crowns unknown",
          "[importers][trees]") {
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto r = test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  const auto& s = r.summary;
  CHECK(s.read == 15936);
  CHECK(s.inserted == 15936);
  CHECK(s.refused == 0);
  CHECK(s.protected_trees == 8962);
  CHECK(s.committed);
  CHECK(store.trees().count() == 15936);

  const auto trees = store.trees().all();
  CHECK(std::count_if(trees.begin(), trees.end(),
                      [](const geo::Tree& t) { return t.protection.is_protected; }) == 8962);
  CHECK(std::count_if(trees.begin(), trees.end(),
                      [](const geo::Tree& t) { return !t.crown_diameter_m; }) == 43);
  CHECK(std::none_of(trees.begin(), trees.end(), [](const geo::Tree& t) {
    return t.crown_diameter_m && *t.crown_diameter_m == 0;
  }));

  // The report: 43 crowns and 2 stems of 0 corrected to unknown; 37 + 2 trees without a
  // circumference and the 900 cm stem flagged.
  CHECK(problems_with(r.report, Severity::corrected, "kronendurchmesserM",
                      "zero means not measured") == 43);
  CHECK(problems_with(r.report, Severity::corrected, "stammumfangCM", "zero means not measured") ==
        2);
  CHECK(problems_with(r.report, Severity::flagged, "stammumfangCM", "missing value") == 39);
  CHECK(problems_with(r.report, Severity::flagged, "stammumfangCM", "unusual value") == 1);
  CHECK(r.report.problems().size() == 85);
  CHECK(s.corrected == 45);
  CHECK(s.flagged == 40);

  // Line 98 of the file: baumId 185, a silver willow with crown 0 and a 201 cm stem.
  const auto& first = r.report.problems().front();
  CHECK(first.record == 97);
  CHECK(first.line == 98);
  CHECK(first.id == "185");
  CHECK(first.value == "0");
  CHECK(first.reason == "zero means not measured: crown_diameter_m 0 m stored as unknown");
  const auto willow = store.trees().find_by_source_id("185");
  REQUIRE(willow);
  CHECK_FALSE(willow->crown_diameter_m);
  CHECK(willow->species_botanical == "Salix alba");
  CHECK(willow->genus == "Salix");
  CHECK(willow->species_german == "Weide, Silber-Weide");
  CHECK(willow->site == "Strandbad Wallhausen (628)");
  CHECK(willow->height_m == 15.0);
  CHECK(willow->stem_circumferences_cm == std::vector<double>{201});
  CHECK(willow->protection.is_protected);
  CHECK(willow->protection.reason == "circumference 201 cm >= 80 cm at 1 m");
  // 9.13798583062379 E, 47.7467471464279 N in ETRS89 / UTM 32N (cross-checked with cs2cs).
  CHECK(willow->location.x == Approx(510343.40).margin(0.01));
  CHECK(willow->location.y == Approx(5288162.06).margin(0.01));
}

TEST_CASE("Konstanz under the Berlin rule set: 8196 protected", "[importers][trees]") {
  // Berlin: one stem of 80 cm at 1.30 m, conifers (but Scots pine) and fruit trees exempt;
  // counted from the file with the rule set's own species lists.
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  store.rule_sets().save(geo::RuleSet::berlin());
  store.rule_sets().set_active("berlin");
  const auto r = test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  CHECK(r.summary.inserted == 15936);
  CHECK(r.summary.protected_trees == 8196);
}

TEST_CASE("re-importing the same file changes nothing and says so", "[importers][trees]") {
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  const auto again = test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  CHECK(again.summary.unchanged == 15936);
  CHECK(again.summary.inserted == 0);
  CHECK(again.summary.updated == 0);
  CHECK(again.summary.protected_trees == 8962);
  const auto tree = store.trees().find_by_source_id("4");
  REQUIRE(tree);
  CHECK(tree->version == 1);
  CHECK(store.trees().history(tree->id).empty());

  const auto r = test::run_rootzone({"import", "trees", test::konstanz_csv().string(), "--db",
                                     store_location.location(), "--mapping",
                                     test::mapping_file("konstanz-baumkataster-2020").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("nothing changed") != std::string::npos);
}

TEST_CASE("a changed row updates the tree, recomputes protection and writes history",
          "[importers][trees]") {
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  // baumId 4, the walnut of line 2: stem 169 cm -> 70 cm (no longer protected).
  auto text = test::read_file(test::konstanz_csv());
  const std::string before = "1,4,4,182,11,12,169,";
  const auto at = text.find(before);
  REQUIRE(at != std::string::npos);
  text.replace(at, before.size(), "1,4,4,182,11,12,70,");
  test::write_file(dir / "changed.csv", text);

  const auto r = test::import_trees(store, dir / "changed.csv", test::konstanz_mapping());
  CHECK(r.summary.updated == 1);
  CHECK(r.summary.unchanged == 15935);
  CHECK(r.summary.protected_trees == 8961);
  const auto tree = store.trees().find_by_source_id("4");
  REQUIRE(tree);
  CHECK(tree->version == 2);
  CHECK_FALSE(tree->protection.is_protected);
  CHECK(tree->protection.reason == "circumference 70 cm < 80 cm at 1 m");
  std::vector<std::string> fields;
  for (const auto& c : store.trees().history(tree->id)) {
    fields.push_back(c.field);
    CHECK(c.user == "import changed.csv");
  }
  CHECK(fields ==
        std::vector<std::string>{"stem_circumferences_cm", "is_protected", "protection_reason"});
}

TEST_CASE("dry run reports what would change and writes nothing", "[importers][trees]") {
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto r =
      test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping(), false, true);
  CHECK(r.summary.inserted == 15936);
  CHECK_FALSE(r.summary.committed);
  CHECK(store.trees().count() == 0);
}

TEST_CASE("a Latin-1 file: refused as bad encoding unless the mapping names it",
          "[importers][trees]") {
  TempDir dir;
  // Konstanz re-encoded as ISO-8859-1 (every character of the file exists in Latin-1).
  auto utf8 = test::read_file(test::konstanz_csv()).substr(3);  // without the BOM
  std::string latin1;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      latin1 += static_cast<char>(c);
    } else {
      const auto next = static_cast<unsigned char>(utf8[++i]);
      latin1 += static_cast<char>(((c & 0x1Fu) << 6) | (next & 0x3Fu));
    }
  }
  test::write_file(dir / "latin1.csv", latin1);

  const test::TestStore store_location(dir, "a.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto wrong = test::import_trees(store, dir / "latin1.csv", test::konstanz_mapping());
  CHECK(wrong.summary.refused == 6899);  // the rows with an umlaut or ß in a mapped column
  CHECK(wrong.summary.inserted == 15936 - 6899);
  CHECK(wrong.report.problems().front().reason.rfind("invalid encoding", 0) == 0);

  auto mapping = test::konstanz_mapping();
  mapping.encoding = "ISO-8859-1";
  const test::TestStore store2_location(dir, "b.sqlite");
  auto store2 = storage::Store::create(store2_location.location());
  const auto right = test::import_trees(store2, dir / "latin1.csv", mapping);
  CHECK(right.summary.inserted == 15936);
  CHECK(right.summary.refused == 0);
  CHECK(store2.trees().find_by_source_id("4")->species_german == "Nussbaum, Walnuss");
  CHECK(store2.trees().find_by_source_id("185")->species_german == "Weide, Silber-Weide");
  const auto umlaut = store2.trees().find_by_source_id("6");
  CHECK(umlaut->species_german == "Ahorn, Berg-Ahorn");
}

TEST_CASE("a semicolon CSV with decimal commas and Gauss-Krueger coordinates",
          "[importers][trees]") {
  TempDir dir;
  // Two trees as a German city exports them: EPSG:31467 (Gauss-Krueger zone 3), decimal
  // commas, multi-stem circumferences separated by '/', dates as DD.MM.YYYY.
  test::write_file(dir / "baeume.csv",
                   "Baumnr;Rechtswert;Hochwert;Art;Umfang;Krone;Kontrolle\n"
                   "MZ-1;3447123,5;5541234,25;Tilia cordata;112;6,5;03.09.2025\n"
                   "MZ-2;3447140,0;5541250,0;Acer campestre;45/41;4;\n");
  test::write_file(dir / "mapping.json", R"({
    "name": "test-gk", "kind": "trees",
    "source": {"crs": 31467, "decimal_separator": ",", "open_options": {"SEPARATOR": "SEMICOLON"}},
    "geometry": {"x": "Rechtswert", "y": "Hochwert"},
    "id": "Baumnr",
    "fields": {
      "species_botanical": "Art",
      "stem_circumferences_cm": {"from": "Umfang", "separator": "/"},
      "crown_diameter_m": "Krone",
      "last_inspection": {"from": "Kontrolle", "format": "%d.%m.%Y"}
    }})");
  const test::TestStore store_location(dir, "a.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto r =
      test::import_trees(store, dir / "baeume.csv", importers::Mapping::load(dir / "mapping.json"));
  CHECK(r.summary.inserted == 2);
  CHECK(r.report.empty());
  const auto one = store.trees().find_by_source_id("MZ-1");
  REQUIRE(one);
  CHECK(one->crown_diameter_m == 6.5);
  CHECK(one->last_inspection == std::chrono::year_month_day{std::chrono::year{2025},
                                                            std::chrono::month{9},
                                                            std::chrono::day{3}});
  // cs2cs EPSG:31467 EPSG:25832 gives 447069.61 5539457.73 (its own default transformation).
  CHECK(one->location.x == Approx(447069.61).margin(0.01));
  CHECK(one->location.y == Approx(5539457.73).margin(0.01));
  const auto two = store.trees().find_by_source_id("MZ-2");
  CHECK(two->stem_circumferences_cm == std::vector<double>{45, 41});
  CHECK(two->protection.is_protected);  // Mainz: sum 86 cm, largest 45 cm >= 30 cm
}

namespace {

std::string scalar_text(storage::Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  REQUIRE(s.step());
  return s.text(0);
}

std::int64_t scalar(storage::Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  REQUIRE(s.step());
  return s.int64(0);
}

// What the bulk path must leave exactly as SpatiaLite's triggers would.
void check_spatial_index(storage::Store& store) {
  auto& db = store.database();
  CHECK(scalar_text(db, "SELECT rtreecheck('idx_trees_location')") == "ok");
  CHECK(scalar(db, "SELECT count(*) FROM idx_trees_location") == store.trees().count());
  // Every tree lies in its own box, and a window query finds exactly the trees inside it.
  CHECK(scalar(db,
               "SELECT count(*) FROM trees t JOIN idx_trees_location i ON i.pkid = t.id"
               " WHERE i.xmin <= ST_X(t.location) AND ST_X(t.location) <= i.xmax"
               " AND i.ymin <= ST_Y(t.location) AND ST_Y(t.location) <= i.ymax") ==
        store.trees().count());
  CHECK(scalar(db,
               "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN"
               " ('ggi_trees_location', 'tmi_trees_location', 'gii_trees_location')") == 3);
  CHECK(scalar_text(db, "PRAGMA integrity_check") == "ok");
  if (store.trees().count() == 0) return;
  // 2 km around the first tree of the file.
  const auto x0 = scalar(db,
                         "SELECT CAST(ST_X(location) AS INTEGER) - 1000 FROM trees"
                         " WHERE source_id = '4'");
  const auto y0 = scalar(db,
                         "SELECT CAST(ST_Y(location) AS INTEGER) - 1000 FROM trees"
                         " WHERE source_id = '4'");
  const auto x1 = std::to_string(x0 + 2000), y1 = std::to_string(y0 + 2000);
  const auto xs = std::to_string(x0), ys = std::to_string(y0);
  const std::string window = "ST_X(location) BETWEEN " + xs + " AND " + x1 +
                             " AND ST_Y(location) BETWEEN " + ys + " AND " + y1;
  const auto inside = scalar(db, "SELECT count(*) FROM trees WHERE " + window);
  CHECK(inside > 10);
  CHECK(scalar(db, "SELECT count(*) FROM trees WHERE " + window +
                       " AND id IN (SELECT pkid FROM idx_trees_location WHERE xmin <= " + x1 +
                       " AND xmax >= " + xs + " AND ymin <= " + y1 + " AND ymax >= " + ys + ")") ==
        inside);
}

}  // namespace

// [sqlite-only]: SpatiaLite's R*Tree and its triggers, which the bulk path packs and restores;
// the PostGIS import's dropped and re-made indexes are checked by the unique index at its end
// and by tests/postgis/test_pg_import.cpp.
TEST_CASE("an import into an empty store packs the spatial index and keeps SpatiaLite's triggers",
          "[importers][trees][sqlite-only]") {
  TempDir dir;
  const test::TestStore store_location(dir, "kn.sqlite");
  auto store = storage::Store::create(store_location.location());
  // Aborted and dry-run imports leave the triggers and an empty index.
  auto broken = test::read_file(test::konstanz_csv());
  broken += "999999,not-a-number,47.66,,,,,,,,\n";
  test::write_file(dir / "broken.csv", broken);
  CHECK(test::import_trees(store, dir / "broken.csv", test::konstanz_mapping(), true)
            .summary.aborted);
  test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping(), false, true);
  CHECK(store.trees().count() == 0);
  check_spatial_index(store);

  test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  CHECK(store.trees().count() == 15936);
  check_spatial_index(store);

  // A tree written later through the repository, and a second import into the non-empty index
  // (rows entered one by one), keep it consistent.
  auto extra = *store.trees().find_by_source_id("4");
  extra.source_id = "extra-1";
  store.trees().insert(extra);
  check_spatial_index(store);
  auto more = test::read_file(test::konstanz_csv());
  more += "9.17,47.67,99999,999991,1,52,11,7,120,Teststrasse,Winter-Linde,Tilia cordata,Tilia\n";
  test::write_file(dir / "more.csv", more);
  const auto again = test::import_trees(store, dir / "more.csv", test::konstanz_mapping());
  CHECK(again.summary.unchanged == 15936);
  CHECK(again.summary.inserted == 1);
  CHECK(store.trees().count() == 15938);
  check_spatial_index(store);
}
