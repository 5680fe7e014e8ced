// The conflict repository, the zone cache and the protection writes of a PostGIS store, held to
// the SpatiaLite store's: the same calls on the same city in both give the same results, ids,
// acknowledgements, timestamps and rows, every double exact.
#include <catch2/catch.hpp>
#include <charconv>
#include <functional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "postgis/pg_city_copy.hpp"
#include "postgis/pg_fixture.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/protection_changes.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using rootzone::test::PgTestDatabase;
using rootzone::test::TempDir;

namespace {

// Both stores holding the city of all conflict cases (pg_city_copy.hpp).
struct TwoStores {
  TempDir dir;
  PgTestDatabase db;
  storage::Store sqlite = test::city_of_all_cases((dir / "city.sqlite").string());
  storage::Store pg = [this] {
    auto s = storage::Store::create(db.url());
    test::copy_city_to_postgis(sqlite, db.url());
    return s;
  }();
};

geo::Timestamp at(const char* iso) { return geo::parse_utc(iso).value(); }

geo::TreeWorkConflict tw(std::int64_t tree, std::int64_t work, geo::Severity s, double distance,
                         const char* computed) {
  return {.tree_id = tree,
          .work_id = work,
          .severity = s,
          .rule = "rule, \"quoted\" {braced} \\ " + std::to_string(distance),
          .min_distance_m = distance,
          .overlap_m2 = distance / 3,
          .overlap_share = 0.1 + distance / 7,
          .computed_at = at(computed),
          .acknowledged = std::nullopt};
}

geo::WorkWorkConflict ww(std::int64_t a, std::int64_t b, double distance, const char* computed) {
  return {.work_a = a,
          .work_b = b,
          .distance_m = distance,
          .overlap_start = at("2027-03-01T00:00:00Z"),
          .overlap_end = at("2027-03-15T12:00:00Z"),
          .computed_at = at(computed),
          .acknowledged = std::nullopt};
}

// What one step of a scenario returned: its conflicts, or the words of its error.
struct Outcome {
  std::vector<geo::TreeWorkConflict> tree_work;
  std::vector<geo::WorkWorkConflict> work_work;
  std::string error;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class F>
Outcome step(F f) {
  Outcome o;
  try {
    f(o);
  } catch (const storage::ConstraintViolation& e) {
    // The server's own words differ (SQLite's and PostgreSQL's); the part rootzone writes
    // names the pair, and must be the same.
    const std::string what = e.what();
    o.error = "ConstraintViolation: " + what.substr(0, what.find(": ") + 2);
  } catch (const storage::NotFound& e) {
    o.error = std::string("NotFound: ") + e.what();
  } catch (const storage::StorageError& e) {
    o.error = std::string("StorageError: ") + e.what();
  }
  return o;
}

std::vector<Outcome> scenario(storage::ConflictRepository& r) {
  using geo::Severity;
  const geo::Acknowledgement anna{"anna", at("2027-01-02T10:00:00Z"), "root bridge"};
  const geo::Acknowledgement ben{"ben", at("2027-01-02T11:00:00Z"), ""};
  std::vector<Outcome> out;
  const auto t1 = "2027-01-01T08:00:00Z";
  const auto t2 = "2027-01-03T08:00:00Z";
  const auto t3 = "2027-01-04T08:00:00Z";
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_all_tree_work_conflicts({tw(1, 1, Severity::medium, 2.0, t1),
                                                     tw(2, 1, Severity::high, 1.0, t1),
                                                     tw(3, 2, Severity::medium, 3.0, t1)});
  }));
  out.push_back(step([&](Outcome& o) {
    o.tree_work = {r.acknowledge_tree_work_conflict(1, anna),
                   r.acknowledge_tree_work_conflict(2, ben)};
  }));
  // (1,1) got worse: its acknowledgement goes; (2,1) moved but kept its severity: kept; (3,2)
  // is gone; (4,2) is new (id 4).
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_all_tree_work_conflicts({tw(1, 1, Severity::critical, 0.5, t2),
                                                     tw(2, 1, Severity::high, 0.9, t2),
                                                     tw(4, 2, Severity::medium, 2.5, t2)});
  }));
  // Found again unchanged: not rewritten (computed_at stays t2); (4,2) deleted.
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_all_tree_work_conflicts(
        {tw(1, 1, Severity::critical, 0.5, t3), tw(2, 1, Severity::high, 0.9, t3)});
  }));
  // A new row after the highest id was deleted: SQLite's rowid reuses it (max + 1 = 3).
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_tree_work_conflicts_for_work(2, {tw(3, 2, Severity::medium, 3.0, t3)});
  }));
  // The same pair twice in one call: inserted, then updated in place.
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_tree_work_conflicts_for_tree(
        5, {tw(5, 3, Severity::medium, 4.0, t3), tw(5, 3, Severity::high, 3.5, t3)});
  }));
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_tree_work_conflicts_for_work(2, {tw(1, 1, Severity::medium, 1, t3)});
  }));
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.replace_all_tree_work_conflicts(
        {tw(1, 1, Severity::critical, 0.5, t3), tw(999999, 1, Severity::high, 1, t3)});
  }));
  out.push_back(step([&](Outcome& o) { o.tree_work = r.all_tree_work_conflicts(); }));
  out.push_back(
      step([&](Outcome& o) { o.tree_work = r.replace_tree_work_conflicts_for_tree(1, {}); }));
  out.push_back(step([&](Outcome& o) {
    o.tree_work = r.tree_work_conflicts_for_work(1);
    const auto more = r.tree_work_conflicts_for_tree(3);
    o.tree_work.insert(o.tree_work.end(), more.begin(), more.end());
  }));
  out.push_back(step([&](Outcome& o) { o.tree_work = {r.tree_work_conflict(12345)}; }));
  out.push_back(
      step([&](Outcome& o) { o.tree_work = {r.acknowledge_tree_work_conflict(12345, anna)}; }));

  // Work-work: reversed pairs are swapped; updates keep id and acknowledgement.
  out.push_back(step([&](Outcome& o) {
    o.work_work = r.replace_all_work_work_conflicts({ww(3, 1, 10, t1), ww(1, 2, 5, t1)});
  }));
  out.push_back(
      step([&](Outcome& o) { o.work_work = {r.acknowledge_work_work_conflict(1, anna)}; }));
  out.push_back(step([&](Outcome& o) {
    o.work_work = r.replace_work_work_conflicts_for_work(3, {ww(3, 1, 8, t2), ww(4, 3, 7, t2)});
  }));
  out.push_back(
      step([&](Outcome& o) { o.work_work = r.replace_work_work_conflicts_for_work(2, {}); }));
  out.push_back(step([&](Outcome& o) {
    o.work_work = r.replace_work_work_conflicts_for_work(2, {ww(3, 4, 1, t2)});
  }));
  out.push_back(step([&](Outcome& o) {
    o.work_work = r.replace_all_work_work_conflicts({ww(1, 3, 8, t3), ww(999999, 1, 1, t3)});
  }));
  out.push_back(step([&](Outcome& o) {
    o.work_work = r.work_work_conflicts_for_work(1);
    const auto all = r.all_work_work_conflicts();
    o.work_work.insert(o.work_work.end(), all.begin(), all.end());
  }));
  out.push_back(step([&](Outcome& o) { o.work_work = {r.work_work_conflict(777)}; }));
  out.push_back(
      step([&](Outcome& o) { o.work_work = {r.acknowledge_work_work_conflict(777, ben)}; }));
  return out;
}

std::string shortest(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// A table's rows as text, doubles (kind 'r') as their shortest exact text: equal rows in both
// stores give equal strings. `kinds` has one letter per column: r real, anything else text.
std::vector<std::string> sqlite_rows(storage::Store& s, const std::string& sql,
                                     const std::string& kinds) {
  auto q = s.database().prepare(sql);
  std::vector<std::string> out;
  while (q.step()) {
    std::string row;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      const int c = static_cast<int>(i);
      row += q.is_null(c) ? "NULL" : kinds[i] == 'r' ? shortest(q.real(c)) : q.text(c);
      row += '|';
    }
    out.push_back(row);
  }
  return out;
}

std::vector<std::string> pg_rows(const std::string& url, const std::string& sql,
                                 const std::string& kinds) {
  storage::pg::Connection c(url);
  const auto r = c.exec(sql);
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) {
    std::string row;
    for (std::size_t j = 0; j < kinds.size(); ++j) {
      const int col = static_cast<int>(j);
      row += r.is_null(i, col) ? "NULL"
             : kinds[j] == 'r' ? shortest(r.real(i, col))
                               : r.text(i, col);
      row += '|';
    }
    out.push_back(row);
  }
  return out;
}

void check_same_zones(const std::vector<geo::ZonedTree>& a, const std::vector<geo::ZonedTree>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("zone " << i << " of tree " << a[i].id);
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].location.x == b[i].location.x);
    CHECK(a[i].location.y == b[i].location.y);
    CHECK(a[i].zone == b[i].zone);
  }
}

}  // namespace

TEST_CASE("PostGIS conflicts replace and acknowledge as SpatiaLite's do, with the same ids",
          "[postgis][conflicts]") {
  TwoStores s;
  const auto on_sqlite = scenario(s.sqlite.conflicts());
  const auto on_pg = scenario(s.pg.conflicts());
  REQUIRE(on_sqlite.size() == on_pg.size());
  for (std::size_t i = 0; i < on_pg.size(); ++i) {
    INFO("step " << i << ": " << on_sqlite[i].error << " / " << on_pg[i].error);
    CHECK(on_pg[i] == on_sqlite[i]);
  }
  // The semantics themselves, by hand (same on both, so checked on PostGIS).
  using geo::Severity;
  const auto& third = on_pg[2].tree_work;
  REQUIRE(third.size() == 3);
  CHECK(third[0].id == 1);
  CHECK(third[0].severity == Severity::critical);
  CHECK_FALSE(third[0].acknowledged);  // medium was accepted, critical was not
  CHECK(third[1].id == 2);
  REQUIRE(third[1].acknowledged);
  CHECK(third[1].acknowledged->user == "ben");
  CHECK(third[1].min_distance_m == 0.9);
  CHECK(third[2].id == 4);
  const auto& fourth = on_pg[3].tree_work;
  REQUIRE(fourth.size() == 2);
  CHECK(fourth[0].computed_at == at("2027-01-03T08:00:00Z"));  // unchanged: not rewritten
  REQUIRE(on_pg[4].tree_work.size() == 1);
  CHECK(on_pg[4].tree_work[0].id == 3);  // max(id) + 1 after id 4 went
  REQUIRE(on_pg[5].tree_work.size() == 1);
  CHECK(on_pg[5].tree_work[0].severity == Severity::high);
  CHECK(on_pg[5].tree_work[0].min_distance_m == 3.5);
  CHECK(on_pg[6].error == "StorageError: conflict of tree 1 and work 1 does not belong to work 2");
  CHECK(on_pg[7].error == "ConstraintViolation: conflict of tree 999999 and work 1: ");
  CHECK(on_pg[8].tree_work.size() == 4);  // the failed replace changed nothing
  CHECK(on_pg[11].error == "NotFound: tree-work conflict 12345 not found");
  const auto& clashes = on_pg[13].work_work;
  REQUIRE(clashes.size() == 2);
  CHECK(clashes[0].work_a == 1);
  CHECK(clashes[0].work_b == 3);
  CHECK(clashes[1].work_a == 1);
  CHECK(clashes[1].work_b == 2);
  const auto& kept = on_pg[15].work_work;
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].id == 1);
  CHECK(kept[0].distance_m == 8);
  REQUIRE(kept[0].acknowledged);  // work-work acknowledgements stay while the pair clashes
  CHECK(kept[0].acknowledged->comment == "root bridge");
  CHECK(kept[1].work_a == 3);
  CHECK(kept[1].work_b == 4);
  CHECK(on_pg[17].error == "StorageError: conflict of works 3 and 4 does not belong to work 2");
  CHECK(on_pg[18].error == "ConstraintViolation: conflict of works 1 and 999999: ");
  CHECK(on_pg[21].error == "NotFound: work-work conflict 777 not found");
}

TEST_CASE("PostGIS draws, stores and reloads the zones SpatiaLite does", "[postgis][conflicts]") {
  TwoStores s;
  const auto rules = s.sqlite.rule_sets().active();
  auto a = storage::load_zoned_trees(s.sqlite, rules);
  auto b = storage::load_zoned_trees(s.pg, rules);
  CHECK_FALSE(b.from_cache);
  CHECK(b.marker == a.marker);
  REQUIRE_FALSE(a.trees.empty());
  check_same_zones(a.trees, b.trees);

  const auto written_a = storage::save_tree_zones(s.sqlite, rules, a.marker, a.trees);
  const auto written_b = storage::save_tree_zones(s.pg, rules, b.marker, b.trees);
  CHECK(written_b == written_a);
  CHECK(written_b == b.trees.size());
  const std::string zones =
      "SELECT tree_id, rule_set, root_zone_rule, root_radius_m, trench_radius_m, x, y,"
      " basis_value_m FROM tree_zones ORDER BY tree_id";
  const auto rows = pg_rows(s.db.url(), zones, "ittrrrrr");
  CHECK(rows.size() == b.trees.size());
  CHECK(rows == sqlite_rows(s.sqlite, zones, "ittrrrrr"));
  // Saved again from the same state: nothing written.
  CHECK(storage::save_tree_zones(s.pg, rules, b.marker, b.trees) == 0);

  const auto again = storage::load_zoned_trees(s.pg, rules);
  CHECK(again.from_cache);
  CHECK(again.marker == b.marker);
  check_same_zones(again.trees, b.trees);

  // Changed trees, the same in both stores: the first zoned tree loses its protection, the
  // second gets a larger crown. The zones are drawn and stored again (rows updated in place,
  // one deleted) and equal SpatiaLite's.
  const auto first = std::to_string(b.trees[0].id);
  const auto second = std::to_string(b.trees[1].id);
  s.sqlite.database().execute(
      "UPDATE trees SET is_protected = 0, version = version + 1 WHERE id = " + first);
  s.sqlite.database().execute(
      "UPDATE trees SET crown_diameter_m = 14, version = version + 1 WHERE id = " + second);
  {
    storage::pg::Connection c(s.db.url());
    c.exec("UPDATE trees SET is_protected = false, version = version + 1 WHERE id = $1", {first});
    c.exec("UPDATE trees SET crown_diameter_m = 14, version = version + 1 WHERE id = $1", {second});
  }
  const auto changed_a = storage::load_zoned_trees(s.sqlite, rules);
  const auto changed = storage::load_zoned_trees(s.pg, rules);
  CHECK_FALSE(changed.from_cache);
  CHECK(changed.marker != b.marker);
  CHECK(changed.marker == changed_a.marker);
  CHECK(changed.trees.size() == b.trees.size() - 1);
  check_same_zones(changed_a.trees, changed.trees);
  CHECK(storage::save_tree_zones(s.pg, rules, changed.marker, changed.trees) ==
        storage::save_tree_zones(s.sqlite, rules, changed_a.marker, changed_a.trees));
  const auto rewritten = pg_rows(s.db.url(), zones, "ittrrrrr");
  CHECK(rewritten.size() == b.trees.size() - 1);
  CHECK(rewritten != rows);
  CHECK(rewritten == sqlite_rows(s.sqlite, zones, "ittrrrrr"));
  CHECK(storage::load_zoned_trees(s.pg, rules).from_cache);

  // Labels of the trees a check prints.
  const auto la = storage::tree_labels(s.sqlite, {1, 2, 2, 987654});
  const auto lb = storage::tree_labels(s.pg, {1, 2, 2, 987654});
  REQUIRE(lb.size() == 2);
  REQUIRE(la.size() == 2);
  for (const auto id : {1, 2}) {
    CHECK(lb.at(id).source_id == la.at(id).source_id);
    CHECK(lb.at(id).location.x == la.at(id).location.x);
    CHECK(lb.at(id).location.y == la.at(id).location.y);
  }
}

TEST_CASE("a city-wide check persisted to PostGIS stores what SpatiaLite stores",
          "[postgis][conflicts]") {
  TwoStores s;
  const auto rules = s.sqlite.rule_sets().active();
  const auto zones = storage::load_zoned_trees(s.pg, rules);
  // The works from the SpatiaLite store (the same rows as in PostGIS).
  const auto works = s.sqlite.works().open();
  geo::ConflictEngine engine(rules);
  engine.load(zones.trees, works, 1);
  const auto found = engine.check_all(1);
  REQUIRE(found.tree_work.size() >= 10);
  REQUIRE_FALSE(found.work_work.empty());

  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    const auto a = s.sqlite.conflicts().replace_all_tree_work_conflicts(found.tree_work);
    const auto b = s.pg.conflicts().replace_all_tree_work_conflicts(found.tree_work);
    CHECK(b == a);
    CHECK(b.size() == found.tree_work.size());
    const auto ca = s.sqlite.conflicts().replace_all_work_work_conflicts(found.work_work);
    const auto cb = s.pg.conflicts().replace_all_work_work_conflicts(found.work_work);
    CHECK(cb == ca);
  }
  CHECK(s.pg.conflicts().all_tree_work_conflicts() ==
        s.sqlite.conflicts().all_tree_work_conflicts());
}

TEST_CASE("a switch of the rule set writes the same trees, history and switch row on PostGIS",
          "[postgis][rules]") {
  TwoStores s;
  const auto a = storage::trees_for_protection(s.sqlite);
  const auto b = storage::trees_for_protection(s.pg);
  REQUIRE(a.size() == b.size());
  REQUIRE_FALSE(a.empty());
  const auto to = geo::RuleSet::berlin();
  std::vector<storage::ProtectionChange> changes;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("tree " << a[i].id);
    CHECK(b[i].id == a[i].id);
    CHECK(b[i].source_id == a[i].source_id);
    CHECK(b[i].species_botanical == a[i].species_botanical);
    CHECK(b[i].status == a[i].status);
    CHECK(b[i].protection == a[i].protection);
    CHECK(b[i].stem_circumferences_cm == a[i].stem_circumferences_cm);
    if (a[i].protection.source == geo::ProtectionSource::manual) continue;
    auto after = geo::evaluate_protection(a[i], to);
    if (after != a[i].protection) changes.push_back({a[i].id, a[i].protection, after});
  }
  REQUIRE_FALSE(changes.empty());
  const storage::RuleSetSwitchStamp stamp{"o'brien", at("2027-02-01T09:30:00Z"), "mainz", to};
  {
    storage::StoreTransaction tx(s.sqlite);
    storage::write_protection_changes(s.sqlite, changes, stamp);
    tx.commit();
  }
  {
    storage::StoreTransaction tx(s.pg);
    storage::write_protection_changes(s.pg, changes, stamp);
    tx.commit();
  }
  const std::string trees =
      "SELECT id, is_protected::int, protection_reason, version, updated_at FROM trees ORDER BY id";
  CHECK(pg_rows(s.db.url(), trees, "ittit") ==
        sqlite_rows(s.sqlite,
                    "SELECT id, is_protected, protection_reason, version, updated_at FROM trees"
                    " ORDER BY id",
                    "ittit"));
  const std::string history =
      "SELECT tree_id, at, user_name, field, old_value, new_value, rule_set, rule_set_citation"
      " FROM tree_history WHERE rule_set IS NOT NULL ORDER BY id";
  const auto history_pg = pg_rows(s.db.url(), history, "tttttttt");
  CHECK_FALSE(history_pg.empty());
  CHECK(history_pg == sqlite_rows(s.sqlite, history, "tttttttt"));
  const std::string switches =
      "SELECT at, user_name, from_name, to_name, to_json, became_protected, became_unprotected"
      " FROM rule_set_changes ORDER BY id";
  const auto switches_pg = pg_rows(s.db.url(), switches, "ttttttt");
  REQUIRE(switches_pg.size() == 1);
  CHECK(switches_pg == sqlite_rows(s.sqlite, switches, "ttttttt"));
}
