// The engine beyond single cases: geometry repair and refusal, incremental answers equal a
// full recompute after a random sequence of edits, threads do not change the result.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <ranges>
#include <string>
#include <tuple>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/protection.hpp"

using namespace rootzone::geo;

namespace {

// The records with their computation time cleared: two runs agree on everything else.
template <class Conflict>
std::vector<Conflict> untimed(std::vector<Conflict> all) {
  for (auto& c : all) c.computed_at = {};
  return all;
}

Timestamp day(int n) { return parse_utc("2027-01-01T00:00:00Z").value() + std::chrono::days(n); }

Tree make_tree(std::int64_t id, Point p, double stem_cm, std::optional<double> crown) {
  Tree t;
  t.id = id;
  t.location = p;
  t.stem_circumferences_cm = {stem_cm};
  t.crown_diameter_m = crown;
  t.species_botanical = "Platanus x hispanica";
  t.protection = evaluate_protection(t, RuleSet::mainz());
  return t;
}

Work make_work(std::int64_t id, WorkKind kind, const std::string& wkt, int start, int end) {
  Work w;
  w.id = id;
  w.reference = "W-" + std::to_string(id);
  w.kind = kind;
  w.geometry = Geometry::from_wkt(wkt);
  w.status = WorkStatus::submitted;
  w.starts_at = day(start);
  w.ends_at = day(end);
  return w;
}

std::string box(double x, double y, double w, double h) {
  auto s = [](double v) { return std::to_string(v); };
  return "POLYGON((" + s(x) + " " + s(y) + "," + s(x + w) + " " + s(y) + "," + s(x + w) + " " +
         s(y + h) + "," + s(x) + " " + s(y + h) + "," + s(x) + " " + s(y) + "))";
}

using Key = std::pair<std::int64_t, std::int64_t>;
struct Found {
  Severity severity;
  double distance;
  double overlap;
  bool operator==(const Found& o) const {
    return severity == o.severity && std::abs(distance - o.distance) < 1e-9 &&
           std::abs(overlap - o.overlap) < 1e-9;
  }
};

}  // namespace

TEST_CASE("an invalid polygon is repaired with GEOS's reason, an empty one refused",
          "[geo][engine]") {
  ConflictEngine engine(RuleSet::mainz());
  // A bow tie: the two triangles cross at (1, 1).
  auto bowtie = make_work(1, WorkKind::storage, "POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))", 0, 10);
  const auto note = engine.upsert_work(bowtie);
  CHECK_THAT(note,
             Catch::StartsWith("invalid geometry repaired (GEOSMakeValid): Self-intersection"));
  CHECK(engine.work_count() == 1);

  auto empty = make_work(2, WorkKind::storage, "POLYGON EMPTY", 0, 10);
  CHECK_THROWS_WITH(engine.upsert_work(empty), "work W-2: empty geometry");
  CHECK(engine.work_count() == 1);

  const auto notes = engine.load(std::vector<Tree>{}, std::vector<Work>{bowtie, empty});
  REQUIRE(notes.size() == 2);
  CHECK_FALSE(notes[0].refused);
  CHECK(notes[1].refused);
  CHECK(notes[1].message == "work W-2: empty geometry");
}

TEST_CASE("a repaired bow tie covers both triangles", "[geo][engine]") {
  // Tree at (1, 3) with crown 4 m: R_r = 3.5 m. The repaired bow tie is two triangles of
  // 1 m^2 each, (0 0, 1 1, 0 2) and (1 1, 2 2, 2 0); the nearest corners (0 2) and (2 2) lie
  // sqrt(2) m from the stem, the farthest (0 0) and (2 0) sqrt(10) = 3.16 m < R_r: all inside.
  ConflictEngine engine(RuleSet::mainz());
  const auto t = make_tree(7, {1, 3}, 100, 4.0);
  const auto w = make_work(1, WorkKind::storage, "POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))", 0, 10);
  engine.load(std::vector<Tree>{t}, std::vector<Work>{w});
  const auto c = engine.tree_conflicts_of_work(1);
  REQUIRE(c.size() == 1);
  CHECK(c[0].min_distance_m == Approx(std::sqrt(2.0)));
  CHECK(c[0].overlap_m2 == Approx(2.0).margin(1e-9));
}

TEST_CASE("incremental answers equal a full recompute after random edits", "[geo][engine]") {
  std::mt19937_64 rng(20261125);
  std::uniform_real_distribution<double> coord(0, 400);
  std::uniform_real_distribution<double> stem(40, 250);
  std::uniform_real_distribution<double> crown(0, 14);
  std::uniform_int_distribution<int> kind(0, 8);
  std::uniform_int_distribution<int> start(0, 200);
  std::uniform_int_distribution<int> op(0, 5);

  std::map<std::int64_t, Tree> trees;
  std::map<std::int64_t, Work> works;
  for (std::int64_t id = 1; id <= 600; ++id) {
    trees[id] = make_tree(id, {coord(rng), coord(rng)}, stem(rng),
                          crown(rng) < 1 ? std::nullopt : std::optional(crown(rng)));
  }
  auto random_work = [&](std::int64_t id) {
    const int s = start(rng);
    return make_work(id, static_cast<WorkKind>(kind(rng)),
                     box(coord(rng), coord(rng), 3 + crown(rng) * 3, 2 + crown(rng)), s,
                     s + 20 + start(rng) / 4);
  };
  for (std::int64_t id = 1; id <= 60; ++id) works[id] = random_work(id);

  ConflictEngine engine(RuleSet::mainz());
  engine.load(
      std::vector<Tree>(std::views::values(trees).begin(), std::views::values(trees).end()),
      std::vector<Work>(std::views::values(works).begin(), std::views::values(works).end()));
  // What a server persists: start from the full check, then replace only what an edit touches.
  std::map<Key, Found> held;
  std::map<Key, std::pair<double, std::string>> held_ww;
  for (const auto& c : engine.check_all().tree_work)
    held[{c.tree_id, c.work_id}] = {c.severity, c.min_distance_m, c.overlap_m2};
  for (const auto& c : engine.check_all().work_work)
    held_ww[{c.work_a, c.work_b}] = {c.distance_m, format_utc(c.overlap_end)};

  auto refresh_work = [&](std::int64_t id) {
    std::erase_if(held, [&](const auto& kv) { return kv.first.second == id; });
    std::erase_if(held_ww,
                  [&](const auto& kv) { return kv.first.first == id || kv.first.second == id; });
    for (const auto& c : engine.tree_conflicts_of_work(id))
      held[{c.tree_id, c.work_id}] = {c.severity, c.min_distance_m, c.overlap_m2};
    for (const auto& c : engine.work_conflicts_of_work(id))
      held_ww[{c.work_a, c.work_b}] = {c.distance_m, format_utc(c.overlap_end)};
  };
  auto refresh_tree = [&](std::int64_t id) {
    std::erase_if(held, [&](const auto& kv) { return kv.first.first == id; });
    for (const auto& c : engine.tree_conflicts_of_tree(id))
      held[{c.tree_id, c.work_id}] = {c.severity, c.min_distance_m, c.overlap_m2};
  };

  std::int64_t next_work = 61;
  for (int step = 0; step < 400; ++step) {
    switch (op(rng)) {
      case 0: {  // a tree is re-measured and moved a little
        auto& t = trees[1 + static_cast<std::int64_t>(rng() % 600)];
        t.stem_circumferences_cm = {stem(rng)};
        t.location.x += 2;
        t.protection = evaluate_protection(t, RuleSet::mainz());
        engine.upsert_tree(t);
        refresh_tree(t.id);
        break;
      }
      case 1: {  // a tree is felled
        auto& t = trees[1 + static_cast<std::int64_t>(rng() % 600)];
        t.status = TreeStatus::felled;
        engine.upsert_tree(t);
        refresh_tree(t.id);
        break;
      }
      case 2: {  // a contractor submits a new work
        works[next_work] = random_work(next_work);
        engine.upsert_work(works[next_work]);
        refresh_work(next_work++);
        break;
      }
      case 3: {  // a work's geometry changes
        auto id = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(next_work - 1));
        works[id] = random_work(id);
        engine.upsert_work(works[id]);
        refresh_work(id);
        break;
      }
      case 4: {  // a work completes
        auto id = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(next_work - 1));
        works[id].status = WorkStatus::completed;
        engine.upsert_work(works[id]);
        refresh_work(id);
        break;
      }
      default: {  // a tree is removed from the cadastre
        auto id = 1 + static_cast<std::int64_t>(rng() % 600);
        trees[id].protection.is_protected = false;
        engine.remove_tree(id);
        refresh_tree(id);
        break;
      }
    }
  }

  ConflictEngine fresh(RuleSet::mainz());
  fresh.load(std::vector<Tree>(std::views::values(trees).begin(), std::views::values(trees).end()),
             std::vector<Work>(std::views::values(works).begin(), std::views::values(works).end()));
  const auto full = fresh.check_all();
  std::map<Key, Found> expected;
  for (const auto& c : full.tree_work)
    expected[{c.tree_id, c.work_id}] = {c.severity, c.min_distance_m, c.overlap_m2};
  std::map<Key, std::pair<double, std::string>> expected_ww;
  for (const auto& c : full.work_work)
    expected_ww[{c.work_a, c.work_b}] = {c.distance_m, format_utc(c.overlap_end)};

  CHECK(expected.size() > 20);  // the edits must leave something to compare
  CHECK(held == expected);
  CHECK(held_ww == expected_ww);
  // The engine's own view after the edits equals a fresh engine on the final data, record by
  // record (but for when each was computed).
  const auto own = engine.check_all();
  CHECK(untimed(own.tree_work) == untimed(full.tree_work));
  CHECK(untimed(own.work_work) == untimed(full.work_work));
}

TEST_CASE("the full check gives the same result on one thread and on four", "[geo][engine]") {
  std::vector<Tree> trees;
  std::vector<Work> works;
  for (int i = 0; i < 50; ++i) {
    for (int j = 0; j < 50; ++j) {
      trees.push_back(
          make_tree(i * 50 + j + 1, {i * 10.0, j * 10.0}, 60 + (i * j) % 120, 4 + (i + j) % 9));
    }
  }
  for (int k = 0; k < 40; ++k) {
    works.push_back(
        make_work(k + 1, static_cast<WorkKind>(k % 9), box(k * 12.0, k * 11.0, 8, 30), k, k + 30));
  }
  ConflictEngine engine(RuleSet::mainz());
  engine.load(trees, works);
  const auto one = engine.check_all(1);
  const auto four = engine.check_all(4);
  CHECK(one.tree_work.size() > 100);
  CHECK(untimed(one.tree_work) == untimed(four.tree_work));
  CHECK(untimed(one.work_work) == untimed(four.work_work));
}

TEST_CASE("conflicts_if_added answers what upsert_work would, and changes nothing",
          "[geo][engine]") {
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> coord(0, 300);
  std::uniform_real_distribution<double> stem(40, 250);
  std::uniform_real_distribution<double> size(2, 30);
  std::uniform_int_distribution<int> kind(0, 8);
  std::uniform_int_distribution<int> start(0, 200);
  std::vector<Tree> trees;
  for (std::int64_t id = 1; id <= 400; ++id) {
    trees.push_back(make_tree(id, {coord(rng), coord(rng)}, stem(rng), size(rng) / 2));
  }
  std::vector<Work> works;
  for (std::int64_t id = 1; id <= 40; ++id) {
    const int s = start(rng);
    works.push_back(make_work(id, static_cast<WorkKind>(kind(rng)),
                              box(coord(rng), coord(rng), size(rng), size(rng)), s, s + 30));
  }
  ConflictEngine engine(RuleSet::mainz());
  engine.load(trees, works);
  const auto before = engine.check_all();

  int with_conflicts = 0;
  int with_clashes = 0;
  for (int i = 0; i < 50; ++i) {
    const int s = start(rng);
    auto w = make_work(1000 + i, static_cast<WorkKind>(kind(rng)),
                       box(coord(rng), coord(rng), size(rng), size(rng)), s, s + 30);
    const auto seen = engine.conflicts_if_added(w);
    // Nothing held changed: the full check is the same, the work is not there.
    CHECK(untimed(engine.check_all().tree_work) == untimed(before.tree_work));
    CHECK(untimed(engine.check_all().work_work) == untimed(before.work_work));
    CHECK(engine.work_count() == works.size());
    // The same as after upserting it, which is then undone.
    engine.upsert_work(w);
    CHECK(untimed(seen.trees) == untimed(engine.tree_conflicts_of_work(w.id)));
    CHECK(untimed(seen.works) == untimed(engine.work_conflicts_of_work(w.id)));
    engine.remove_work(w.id);
    with_conflicts += !seen.trees.empty();
    with_clashes += !seen.works.empty();
  }
  // The random works did meet trees and other works (else the comparison proves little).
  CHECK(with_conflicts > 10);
  CHECK(with_clashes > 5);

  auto closed = works.front();
  closed.id = 2000;
  closed.status = WorkStatus::completed;
  CHECK(engine.conflicts_if_added(closed).trees.empty());
  const auto z = engine.zoned_tree(trees.front().id);
  REQUIRE(z);
  CHECK(z->location == trees.front().location);
  CHECK(z->zone == protection_zone(trees.front(), RuleSet::mainz()));
  CHECK(engine.open_work(works.front().id)->reference == works.front().reference);
  CHECK_FALSE(engine.open_work(2000));
}
