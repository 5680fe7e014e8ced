// `rootzone rules` end to end on the Konstanz sample (data/trees/konstanz_baumkataster_2020.csv,
// 15,936 trees, imported as a newcomer would) with the demo works: the real binary, a real
// store (a SpatiaLite file; a PostGIS database as pg.), and a real `rootzone serve` following
// the switch. The expected protection
// comes from the CSV, judged in this file by each ordinance's text (the oracle below), never by
// geo::evaluate_protection.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "../tiles/mvt_decode.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/protection_changes.hpp"
#include "rootzone/storage/store.hpp"
#include "support/csv_fields.hpp"
#include "support/konstanz_store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/store_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using test::run_rootzone;

namespace {

const std::string kSource = ROOTZONE_SOURCE_DIR;
constexpr int kData = 65;  // app/exit_codes.hpp
constexpr int kNoInput = 66;

struct CsvTree {
  std::string id;  // baumId: the store's source_id
  double lon = 0, lat = 0;
  double circumference_cm = 0;  // stammumfangCM; empty or 0: unknown (the mapping says so)
  std::string species;          // Name_lat
};

const std::vector<CsvTree>& csv_trees() {
  static const std::vector<CsvTree> rows = [] {
    std::ifstream in(kSource + "/data/trees/konstanz_baumkataster_2020.csv");
    std::string line;
    std::getline(in, line);  // X,Y,OBJECTID,baumId,baumNr,baumart,hoeheM,kronendurchmesserM,
                             // stammumfangCM,location,Name_dt,Name_lat,Name_Sym
    std::vector<CsvTree> out;
    while (std::getline(in, line)) {
      const auto f = test::csv_fields(line);
      CsvTree t;
      t.lon = std::stod(f.at(0));
      t.lat = std::stod(f.at(1));
      t.id = f.at(3);
      t.circumference_cm = f.at(8).empty() ? 0 : std::stod(f.at(8));
      t.species = f.at(11);
      out.push_back(t);
    }
    return out;
  }();
  return rows;
}

// The oracle. Every Konstanz tree has one stem, so the multi-stem rules do not come in.
// Mainz, Rechtsverordnung 2003 §3 (docs/domain.md): protected from 80 cm; no species exempt.
bool mainz_protects(const CsvTree& t) { return t.circumference_cm >= 80; }

// Berlin, BaumSchVO §2 (1): from 80 cm, broadleaved trees, of the conifers only Scots pine, and
// no fruit trees but walnut and Turkish hazel. The conifer genera and the cultivated fruit
// species as a German street-tree cadastre names them (docs/rules.md "Shipped ordinances").
bool berlin_exempt(const std::string& species) {
  static const std::vector<std::string> conifers{
      "Abies",         "Araucaria",   "Calocedrus",      "Cedrus",
      "Chamaecyparis", "Cryptomeria", "Cupressocyparis", "× Cupressocyparis",
      "Cupressus",     "Juniperus",   "Larix",           "Metasequoia",
      "Picea",         "Pinus",       "Platycladus",     "Pseudotsuga",
      "Sciadopitys",   "Sequoia",     "Sequoiadendron",  "Taxodium",
      "Taxus",         "Thuja",       "Thujopsis",       "Tsuga"};
  static const std::vector<std::string> fruit{
      "Malus domestica", "Pyrus communis",   "Prunus domestica", "Prunus cerasus",
      "Prunus persica",  "Prunus armeniaca", "Cydonia oblonga",  "Mespilus germanica"};
  const auto named = [&](const std::string& prefix) {
    return species == prefix || species.rfind(prefix + " ", 0) == 0;
  };
  if (named("Pinus sylvestris")) return false;
  for (const auto& g : conifers) {
    if (named(g)) return true;
  }
  for (const auto& f : fruit) {
    if (named(f)) return true;
  }
  return false;
}
bool berlin_protects(const CsvTree& t) {
  return t.circumference_cm >= 80 && !berlin_exempt(t.species);
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The store's files as they are on disk: the main file and, where one is left, its WAL. A
// PostGIS database has no file: there, every table a switch of the rule set or an added rule set
// writes, by count and by a sum that any changed row moves, and the meta rows (generation,
// zones marker).
std::string store_bytes(const std::string& db) {
  if (storage::is_postgis_location(db)) {
    auto store = storage::Store::open(db);
    std::string state = test::sql_one(
        store,
        "SELECT (SELECT count(*) || ' ' || sum(version) || ' ' || sum(is_protected::int) FROM "
        "trees)"
        " || '|' || (SELECT count(*) FROM tree_history) || '|' || (SELECT count(*) FROM rule_sets)"
        " || '|' || (SELECT string_agg(name || ':' || active::text || ':' || md5(json),"
        " ',' ORDER BY name) FROM rule_sets) || '|' || (SELECT count(*) FROM rule_set_changes)"
        " || '|' || (SELECT count(*) || ' ' || coalesce(sum(id), 0) FROM tree_work_conflicts)"
        " || '|' || (SELECT count(*) FROM tree_zones)");
    for (const auto& row :
         test::sql_rows(store, "SELECT key, value FROM store_meta ORDER BY key", 2))
      state += "|" + row[0] + "=" + row[1];
    return state;
  }
  const std::filesystem::path wal = db + "-wal";
  return file_bytes(db) + "|wal|" + (std::filesystem::exists(wal) ? file_bytes(wal) : "");
}

// rule_set_history's rows (storage::Database only) in SQL both stores speak.
std::vector<storage::RuleSetHistoryRow> history_rows(const std::string& db) {
  auto store = storage::Store::open(db);
  std::vector<storage::RuleSetHistoryRow> out;
  for (const auto& r : test::sql_rows(store,
                                      "SELECT tree_id, user_name, old_value, new_value, rule_set,"
                                      " rule_set_citation FROM tree_history"
                                      " WHERE rule_set IS NOT NULL ORDER BY id",
                                      6)) {
    out.push_back({.tree_id = std::stoll(r[0]),
                   .user = r[1],
                   .old_value = r[2],
                   .new_value = r[3],
                   .rule_set = r[4],
                   .citation = r[5]});
  }
  return out;
}

// The number after "<label>: " in the command's output.
std::size_t figure(const std::string& out, const std::string& label) {
  const auto at = out.find(label + ": ");
  REQUIRE(at != std::string::npos);
  return std::stoul(out.substr(at + label.size() + 2));
}

// Everything but the last line (the dry run says "nothing was written" there).
std::string without_last_line(const std::string& out) {
  const auto end = out.rfind('\n', out.size() - 2);
  return out.substr(0, end + 1);
}

std::map<std::string, bool> stored_protection(const std::string& db) {
  auto store = storage::Store::open(db);
  std::map<std::string, bool> out;
  for (const auto& t : store.trees().all()) out[t.source_id] = t.protection.is_protected;
  return out;
}

using ConflictRow = std::tuple<std::int64_t, std::int64_t, std::string, std::string, double>;
std::set<ConflictRow> stored_conflicts(const std::string& db) {
  auto store = storage::Store::open(db);
  std::set<ConflictRow> out;
  for (const auto& c : store.conflicts().all_tree_work_conflicts()) {
    out.emplace(c.tree_id, c.work_id, std::string(geo::to_string(c.severity)), c.rule,
                c.min_distance_m);
  }
  return out;
}

std::string konstanz_with_works(const test::TestStore& location) {
  const auto db = test::konstanz_store(location);
  REQUIRE(run_rootzone({"import", "works", kSource + "/data/works/demo/konstanz_demo_works.geojson",
                        "--db", db, "--mapping", kSource + "/mappings/rootzone-works-geojson.json"})
              .exit_code == 0);
  REQUIRE(run_rootzone({"check", "--db", db}).exit_code == 0);
  return db;
}

// The first tree of the CSV that Mainz protects and Berlin does not, skipping `skip`.
const CsvTree& mainz_only_tree(const std::string& skip = {}) {
  for (const auto& t : csv_trees()) {
    if (mainz_protects(t) && !berlin_protects(t) && t.id != skip) return t;
  }
  FAIL("no tree Mainz protects and Berlin does not");
  throw std::logic_error("unreachable");
}

struct TileXY {
  int x = 0, y = 0;
};
TileXY tile_of(double lon, double lat, int z) {
  const double n = std::exp2(z);
  const double r = lat * M_PI / 180;
  return {static_cast<int>(std::floor((lon + 180) / 360 * n)),
          static_cast<int>(std::floor((1 - std::asinh(std::tan(r)) / M_PI) / 2 * n))};
}

// The tree ids the tile's protection_zones layer draws discs for.
std::set<std::uint64_t> zoned_tree_ids(test::HttpClient& http, const CsvTree& t) {
  const int z = 16;
  const auto xy = tile_of(t.lon, t.lat, z);
  const auto r = http.get("/tiles/protection_zones/" + std::to_string(z) + "/" +
                          std::to_string(xy.x) + "/" + std::to_string(xy.y) + ".mvt");
  REQUIRE(r.status == 200);
  const auto tile = test::decode_tile(r.body);
  CHECK(tile.problems.empty());
  std::set<std::uint64_t> ids;
  if (const auto* layer = tile.layer("protection_zones")) {
    for (const auto& f : layer->features) {
      ids.insert(static_cast<std::uint64_t>(std::get<std::uint64_t>(f.properties.at("tree_id"))));
    }
  }
  return ids;
}

}  // namespace

TEST_CASE(
    "rules use berlin and back on the Konstanz sample: the CSV's counts, one history row "
    "per changed tree, manual protection kept, conflicts as a full check",
    "[app][rules][konstanz]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = konstanz_with_works(location);
  REQUIRE(csv_trees().size() == 15936);  // data/README.md

  // A Norway spruce of 80 cm or more made a natural monument by hand: Berlin's ordinance
  // exempts spruces, the hand-set protection stays.
  const auto& monument = mainz_only_tree();
  std::int64_t monument_id = 0;
  {
    auto store = storage::Store::open(db);
    auto t = store.trees().find_by_source_id(monument.id).value();
    monument_id = t.id;
    t.protection = {true, geo::ProtectionSource::manual, "Naturdenkmal (test)"};
    store.trees().update(t, t.version, "test");
  }

  // What changes, from the CSV: the trees Mainz protects and Berlin does not, but the monument.
  std::set<std::string> mainz_only;
  std::size_t mainz_count = 0, berlin_count = 0;
  for (const auto& t : csv_trees()) {
    if (mainz_protects(t)) ++mainz_count;
    if (berlin_protects(t)) ++berlin_count;
    CHECK_FALSE((berlin_protects(t) && !mainz_protects(t)));  // one stem: Berlin adds none
    if (mainz_protects(t) && !berlin_protects(t) && t.id != monument.id) mainz_only.insert(t.id);
  }
  // 8,962 trees of 80 cm or more; 766 of them conifers or fruit trees (218 Pyrus communis,
  // 153 Malus domestica, 88 Picea abies ...); the monument keeps its protection.
  CHECK(mainz_count == 8962);
  CHECK(berlin_count == 8196);
  REQUIRE(mainz_only.size() == 765);

  const auto before_mainz = stored_protection(db);
  for (const auto& t : csv_trees()) {
    INFO(t.id);
    REQUIRE(before_mainz.at(t.id) == (mainz_protects(t) || t.id == monument.id));
  }

  // Zones of the trees that stay protected do not change (both ordinances draw DIN 18920
  // zones), so exactly the conflicts of the trees that lose protection disappear.
  const auto conflicts_mainz = stored_conflicts(db);
  std::set<ConflictRow> without_changed;
  std::map<std::string, std::size_t> gone_by_severity;
  {
    auto store = storage::Store::open(db);
    for (const auto& c : conflicts_mainz) {
      if (mainz_only.count(store.trees().get(std::get<0>(c)).source_id) == 0) {
        without_changed.insert(c);
      } else {
        ++gone_by_severity[std::get<2>(c)];
      }
    }
  }
  const auto gone = conflicts_mainz.size() - without_changed.size();
  CHECK(gone == 1);  // the demo works reach one tree that Berlin does not protect

  // The dry run prints the figures and leaves every byte of the store as it was.
  const auto bytes = store_bytes(db);
  const auto dry = run_rootzone(
      {"rules", "use", "berlin", "--db", db, "--dry-run", "--user", "Grünflächenamt Test"});
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::EndsWith("dry run: nothing was written\n"));
  CHECK(store_bytes(db) == bytes);

  const auto real =
      run_rootzone({"rules", "use", "berlin", "--db", db, "--user", "Grünflächenamt Test"});
  INFO(real.out << real.err);
  REQUIRE(real.exit_code == 0);
  CHECK(without_last_line(real.out) == without_last_line(dry.out));
  CHECK_THAT(real.out, Catch::StartsWith(
                           "rule set mainz -> berlin: " + geo::RuleSet::berlin().ordinance + "\n"));
  CHECK(figure(real.out, "became protected") == 0);
  CHECK(figure(real.out, "became unprotected") == 765);
  CHECK(figure(real.out, "trees judged") == 15936);

  const auto after_berlin = stored_protection(db);
  for (const auto& t : csv_trees()) {
    INFO(t.id);
    REQUIRE(after_berlin.at(t.id) == (berlin_protects(t) || t.id == monument.id));
  }
  {
    auto store = storage::Store::open(db);
    CHECK(store.rule_sets().active().name == "berlin");
    const auto kept = store.trees().get(monument_id);
    CHECK(kept.protection.is_protected);
    CHECK(kept.protection.source == geo::ProtectionSource::manual);
    CHECK(kept.protection.reason == "Naturdenkmal (test)");

    // Exactly one history row per tree that changed, naming who, the change and the ordinance.
    const auto rows = history_rows(db);
    REQUIRE(rows.size() == 765);
    std::set<std::string> changed;
    for (const auto& r : rows) {
      changed.insert(store.trees().get(r.tree_id).source_id);
      CHECK(r.user == "Grünflächenamt Test");
      CHECK(r.old_value == "true");
      CHECK(r.new_value == "false");
      CHECK(r.rule_set == "berlin");
      CHECK(r.citation == "Verordnung zum Schutze des Baumbestandes in Berlin (BaumSchVO) §2");
    }
    CHECK(changed == mainz_only);
  }

  // The switch stored what a full check computes now.
  const auto after_switch = stored_conflicts(db);
  CHECK(after_switch == without_changed);
  CHECK(figure(real.out, "tree conflicts appeared") == 0);
  CHECK(figure(real.out, "tree conflicts disappeared") == gone);
  CHECK_THAT(real.out,
             Catch::Contains("tree conflicts disappeared: " + std::to_string(gone) + " (critical " +
                             std::to_string(gone_by_severity["critical"]) + ", high " +
                             std::to_string(gone_by_severity["high"]) + ", medium " +
                             std::to_string(gone_by_severity["medium"]) + ")\n"));
  CHECK(figure(real.out, "tree conflicts now") == after_switch.size());
  const auto check = run_rootzone({"check", "--db", db});
  REQUIRE(check.exit_code == 0);
  CHECK(stored_conflicts(db) == after_switch);
  CHECK_THAT(check.err, Catch::Contains(std::to_string(after_switch.size()) + " tree conflicts"));

  // And back: the same trees protected again, 765 more rows naming Mainz.
  const auto back = run_rootzone({"rules", "use", "mainz", "--db", db, "--user", "test"});
  INFO(back.out << back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(figure(back.out, "became protected") == 765);
  CHECK(figure(back.out, "became unprotected") == 0);
  CHECK(stored_protection(db) == before_mainz);
  // What disappeared going to Berlin appears coming back.
  CHECK(figure(back.out, "tree conflicts appeared") ==
        figure(real.out, "tree conflicts disappeared"));
  CHECK(figure(back.out, "tree conflicts disappeared") ==
        figure(real.out, "tree conflicts appeared"));
  {
    auto store = storage::Store::open(db);
    const auto rows = history_rows(db);
    REQUIRE(rows.size() == 2 * 765);
    std::set<std::string> changed;
    for (std::size_t i = 765; i < rows.size(); ++i) {
      changed.insert(store.trees().get(rows[i].tree_id).source_id);
      CHECK(rows[i].new_value == "true");
      CHECK(rows[i].rule_set == "mainz");
    }
    CHECK(changed == mainz_only);
  }
  const auto after_back = stored_conflicts(db);
  CHECK(after_back == conflicts_mainz);
  REQUIRE(run_rootzone({"check", "--db", db}).exit_code == 0);
  CHECK(stored_conflicts(db) == after_back);
}

TEST_CASE("a server running meanwhile answers the new protection and draws no stale zones",
          "[app][rules][konstanz][server]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = konstanz_with_works(location);
  const auto& spruce = mainz_only_tree();
  std::int64_t id = 0;
  {
    auto store = storage::Store::open(db);
    id = store.trees().find_by_source_id(spruce.id).value().id;
  }
  // The history is staff's to read: a planner's key, printed once by `users add`.
  const auto added = run_rootzone({"users", "add", "planner", "--role", "planner", "--db", db});
  REQUIRE(added.exit_code == 0);
  const auto key_at = added.out.find("rz_");
  REQUIRE(key_at != std::string::npos);
  const auto key = added.out.substr(key_at, added.out.find('\n', key_at) - key_at);
  test::ServerProcess server(db);
  test::HttpClient http(server.port());
  const auto protected_now = [&] {
    const auto r = http.get("/collections/trees/items/" + std::to_string(id));
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body).at("properties").at("protected").get<bool>();
  };
  CHECK(protected_now());
  const auto zoned_before = zoned_tree_ids(http, spruce);
  CHECK(zoned_before.count(static_cast<std::uint64_t>(id)) == 1);

  REQUIRE(run_rootzone({"rules", "use", "berlin", "--db", db, "--user", "Amt 67"}).exit_code == 0);
  CHECK_FALSE(protected_now());
  // The API's history names the switch: who, the change and the ordinance that made it.
  const auto history = http.get("/collections/trees/items/" + std::to_string(id) + "/history",
                                "Authorization: Bearer " + key + "\r\n");
  REQUIRE(history.status == 200);
  const auto last = nlohmann::json::parse(history.body).at("changes").back();
  CHECK(last.at("user") == "Amt 67");
  CHECK(last.at("field") == "is_protected");
  CHECK(last.at("old_value") == "true");
  CHECK(last.at("new_value") == "false");
  CHECK(last.at("rule_set") == "berlin");
  CHECK(last.at("rule_set_citation") ==
        "Verordnung zum Schutze des Baumbestandes in Berlin (BaumSchVO) §2");
  // No disc is left of any tree Berlin does not protect.
  std::set<std::uint64_t> unprotected;
  {
    auto store = storage::Store::open(db);
    for (const auto& t : store.trees().all()) {
      if (!t.protection.is_protected) unprotected.insert(static_cast<std::uint64_t>(t.id));
    }
  }
  const auto zoned_after = zoned_tree_ids(http, spruce);
  CHECK_FALSE(zoned_after.empty());
  for (const auto tree : zoned_after) {
    INFO("tree " << tree);
    CHECK(unprotected.count(tree) == 0);
  }
  CHECK(zoned_after.count(static_cast<std::uint64_t>(id)) == 0);

  REQUIRE(run_rootzone({"rules", "use", "mainz", "--db", db}).exit_code == 0);
  CHECK(protected_now());
  CHECK(zoned_tree_ids(http, spruce) == zoned_before);
  CHECK(server.stop() == 0);
}

TEST_CASE("a malformed rule set file is refused naming the member, the store unchanged",
          "[app][rules]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = location.location();
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  const auto bytes = store_bytes(db);
  // Stores init is refused on (files that must not appear, or empty databases that stay so).
  const test::TestStore fresh_location(dir, "fresh.sqlite");
  const test::TestStore hamburg_location(dir, "h.sqlite");

  const auto write = [&](const std::string& name, const std::string& text) {
    const auto path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
  };
  const std::vector<std::pair<std::string, std::string>> refused{
      {R"({"name": "konstanz", "ordinance": "Test §1", "treshold_cm": 100})",
       "unknown member \"treshold_cm\""},
      {R"({"name": "konstanz", "ordinance": "Test §1", "measuring_height_m": 130})",
       "measuring_height_m must be a number of metres above 0 and at most 3"},
      {R"({"name": "konstanz", "ordinance": "Test §1", "threshold_cm": 60, "multi_stem_min_cm": 70})",
       "multi_stem_min_cm must not exceed threshold_cm"},
      {R"({"name": "konstanz", "ordinance": "Test §1", "species_exempt": ["Picea", ""]})",
       "species_exempt[1] must be a non-empty string"},
      {R"({"name": "konstanz", "ordinance": "Test §1", "threshold_cm": 80)", "not valid JSON"},
  };
  for (const auto& [text, message] : refused) {
    INFO(text);
    const auto file = write("bad.json", text);
    const auto r = run_rootzone({"rules", "add", file, "--db", db});
    CHECK(r.exit_code == kData);
    CHECK_THAT(r.err, Catch::Contains(file + ": rule set: " + message));
    CHECK(store_bytes(db) == bytes);

    // init judges the file before it makes the store: nothing is left behind.
    const auto fresh = fresh_location.location();
    const auto init = run_rootzone({"init", "--db", fresh, "--rules", file});
    CHECK(init.exit_code == kData);
    CHECK_THAT(init.err, Catch::Contains(message));
    // No file; no store in the database (info: 74 there, docs/postgis.md).
    if (!fresh_location.postgis()) CHECK_FALSE(std::filesystem::exists(fresh));
    CHECK(run_rootzone({"info", "--db", fresh}).exit_code ==
          (fresh_location.postgis() ? 74 : kNoInput));
  }

  const auto missing = run_rootzone({"rules", "add", (dir / "nowhere.json").string(), "--db", db});
  CHECK(missing.exit_code == kNoInput);
  CHECK_THAT(missing.err, Catch::Contains("nowhere.json does not exist"));

  const auto neither =
      run_rootzone({"init", "--db", hamburg_location.location(), "--rules", "hamburg"});
  CHECK(neither.exit_code == kNoInput);
  CHECK_THAT(neither.err, Catch::Contains("rule set 'hamburg' is neither built in (mainz, berlin"));
  const auto show = run_rootzone({"rules", "show", "hamburg", "--db", db});
  CHECK(show.exit_code == kData);

  const auto unknown = run_rootzone({"rules", "use", "hamburg", "--db", db});
  CHECK(unknown.exit_code == kData);
  CHECK_THAT(unknown.err, Catch::Contains("rule set 'hamburg' is neither stored nor built in"));

  const auto builtin = run_rootzone(
      {"rules", "add",
       write("berlin.json", R"({"name": "berlin", "ordinance": "Test §1", "threshold_cm": 90})"),
       "--db", db});
  CHECK(builtin.exit_code == kData);
  CHECK_THAT(builtin.err, Catch::Contains("rule set 'berlin' is built in"));
  CHECK(store_bytes(db) == bytes);
}

TEST_CASE("a rule set added from a file is listed, shown and put in force, and init takes one",
          "[app][rules][konstanz]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = test::konstanz_store(location);
  // A city that protects from 100 cm: the trees of 80 to 99.x cm lose protection.
  const auto file = (dir / "konstanz.json").string();
  std::ofstream(file) << R"({"name": "konstanz-100", "ordinance": "Test ordinance §1",)"
                      << R"( "threshold_cm": 100, "measuring_height_m": 1.3})";
  const auto added = run_rootzone({"rules", "add", file, "--db", db});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);

  const auto list = run_rootzone({"rules", "list", "--db", db});
  REQUIRE(list.exit_code == 0);
  // Names padded to the longest (konstanz-100) and two spaces, then where it is kept.
  const auto line = [](const std::string& mark, const std::string& name, const std::string& where,
                       const std::string& citation) {
    return mark + name + std::string(14 - name.size(), ' ') + where +
           std::string(18 - where.size(), ' ') + citation + "\n";
  };
  CHECK_THAT(list.out, Catch::Contains(line("* ", "mainz", "built in, stored",
                                            geo::RuleSet::mainz().ordinance)));
  CHECK_THAT(list.out,
             Catch::Contains(line("  ", "berlin", "built in", geo::RuleSet::berlin().ordinance)));
  CHECK_THAT(list.out, Catch::Contains(line("  ", "konstanz-100", "stored", "Test ordinance §1")));
  CHECK_THAT(list.out, Catch::EndsWith("(* in force)\n"));

  const auto shown = run_rootzone({"rules", "show", "konstanz-100", "--db", db});
  REQUIRE(shown.exit_code == 0);
  const auto json = nlohmann::json::parse(shown.out);
  CHECK(json.at("threshold_cm") == 100);
  CHECK(json.at("multi_stem_min_cm") == 30);  // Mainz's default for a member left out
  const auto active = nlohmann::json::parse(run_rootzone({"rules", "show", "--db", db}).out);
  CHECK(active.at("name") == "mainz");

  std::size_t expected = 0;
  for (const auto& t : csv_trees())
    expected += t.circumference_cm >= 80 && t.circumference_cm < 100;
  const auto use = run_rootzone({"rules", "use", "konstanz-100", "--db", db});
  INFO(use.out << use.err);
  REQUIRE(use.exit_code == 0);
  CHECK(figure(use.out, "became unprotected") == expected);
  CHECK(figure(use.out, "became protected") == 0);
  CHECK_THAT(run_rootzone({"rules", "list", "--db", db}).out, Catch::Contains("* konstanz-100"));

  // The one in force cannot be replaced in place: its trees were judged under the stored text.
  const auto again = run_rootzone({"rules", "add", file, "--db", db});
  CHECK(again.exit_code == kData);
  CHECK_THAT(again.err, Catch::Contains("rule set 'konstanz-100' is active"));

  const test::TestStore berlin_location(dir, "berlin.sqlite");
  const auto berlin_store = berlin_location.location();
  const auto init =
      run_rootzone({"init", "--db", berlin_store, "--srid", "25833", "--rules", "berlin"});
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out, Catch::Contains("rule set berlin"));
  CHECK(
      nlohmann::json::parse(run_rootzone({"rules", "show", "--db", berlin_store}).out).at("name") ==
      "berlin");
}
