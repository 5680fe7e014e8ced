// The tiles' in-memory tree index over a real store (SpatiaLite; PostGIS as pg.): what load() and
// refresh() hold must be exactly what the store holds, tree by tree, after inserts, moves and
// deletions.
#include <catch2/catch.hpp>
#include <map>

#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/tree_index.hpp"
#include "support/store_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using namespace rootzone::tiles;

namespace {

// 10 x 10 trees 30 m apart from (500000, 5500000), EPSG:25832; the index's cells are 100 m, so
// a cell holds 3 or 4 trees per row. Tree n: even n Tilia, odd n Acer; every fourth protected.
struct Grove {
  test::TempDir dir;
  test::TestStore location{dir, "grove.sqlite"};
  storage::Store store = storage::Store::create(location.location());
  std::vector<std::int64_t> ids;

  Grove() {
    for (int n = 0; n < 100; ++n)
      ids.push_back(
          store.trees().insert(tree(n, 500000 + (n % 10) * 30.0, 5500000 + (n / 10) * 30.0)));
  }
  static geo::Tree tree(int n, double x, double y) {
    geo::Tree t;
    t.source_id = "G-" + std::to_string(n);
    t.location = {x, y};
    t.species_botanical = n % 2 ? "Acer platanoides" : "Tilia cordata";
    t.genus = n % 2 ? "Acer" : "Tilia";
    t.stem_circumferences_cm = {100.0 + n, 40.0};
    t.crown_diameter_m = n % 3 ? std::optional<double>(6) : std::nullopt;
    t.height_m = 12;
    t.protection = {n % 4 == 0, geo::ProtectionSource::ordinance, ""};
    return t;
  }
};

// id -> (x, y, tree number) of the trees the index holds inside `box`.
std::map<std::int64_t, std::tuple<double, double, std::string>> held(const TreeIndex& index,
                                                                     const geo::Bounds& box) {
  std::map<std::int64_t, std::tuple<double, double, std::string>> out;
  const auto r = index.reader();
  r.for_each(box, [&](const IndexedTree& t) {
    const auto [it, inserted] =
        out.try_emplace(t.id, t.location.x, t.location.y, std::get<std::string>(r.value(t.number)));
    CHECK(inserted);  // no tree twice
  });
  return out;
}

const geo::Bounds kEverywhere{0, 0, 1e7, 1e7};

}  // namespace

TEST_CASE("Tree index: load holds every tree with its attributes, found by closed boxes") {
  Grove g;
  TreeIndex index;
  CHECK(index.generation() == -1);
  index.load(g.store);
  CHECK(index.size() == 100);
  CHECK(index.generation() == storage::data_generation(g.store));
  CHECK(held(index, kEverywhere).size() == 100);
  // Columns 1..3 and rows 2..4 (30 m apart): the box's edges run through trees, which count.
  const auto box = held(index, {500030, 5500060, 500090, 5500120});
  CHECK(box.size() == 9);
  CHECK(box.count(g.ids[21]) == 1);
  CHECK(box.count(g.ids[43]) == 1);
  CHECK(box.count(g.ids[20]) == 0);
  // Just inside the edge trees: they drop out.
  CHECK(held(index, {500030.001, 5500060.001, 500089.999, 5500119.999}).size() == 1);  // tree 32

  const auto r = index.reader();
  std::map<std::int64_t, const IndexedTree*> by_id;
  std::vector<std::int64_t> order;
  r.for_each(kEverywhere, [&](const IndexedTree& t) {
    by_id[t.id] = &t;
    order.push_back(t.id);
  });
  // Tree 12: Tilia, 112 + 40 cm of stems, no crown (12 % 3 == 0), protected, standing.
  const auto& t12 = *by_id.at(g.ids[12]);
  CHECK(std::get<std::string>(r.value(t12.species)) == "Tilia cordata");
  CHECK(std::get<std::string>(r.value(t12.genus)) == "Tilia");
  CHECK(std::get<std::string>(r.value(t12.status)) == "existing");
  CHECK(r.number(t12.circumference) == 152.0);
  CHECK(t12.crown == kNoValue);
  CHECK(r.number(t12.height) == 12.0);
  CHECK(t12.is_protected);
  CHECK(t12.zoned);
  CHECK_FALSE(t12.columnar);
  // Each distinct value has one id: every tree's height is the same pool entry.
  CHECK(by_id.at(g.ids[13])->height == t12.height);
  CHECK(by_id.at(g.ids[13])->genus != t12.genus);
  CHECK(r.value(kPoolTrue) == Value(std::in_place_type<bool>, true));
  CHECK(r.value(kPoolFalse) == Value(std::in_place_type<bool>, false));
  // Cells of 100 m: trees 0-3 of row 0 (x 0..90) share the first cell, in id order.
  REQUIRE(order.size() == 100);
  CHECK(std::vector<std::int64_t>(order.begin(), order.begin() + 4) ==
        std::vector<std::int64_t>{g.ids[0], g.ids[1], g.ids[2], g.ids[3]});
}

TEST_CASE("Tree index: refresh of the changed areas follows inserts, moves, edits and deletions") {
  Grove g;
  TreeIndex index;
  index.load(g.store);

  // Tree 55 moves 400 m east, tree 7 loses its crown and becomes protected, tree 90 is deleted
  // (not the last: SQLite would give its id to the next insert), a new tree stands where tree 0
  // is.
  auto moved = g.store.trees().get(g.ids[55]);
  const auto from = moved.location;
  moved.location = {from.x + 400, from.y};
  g.store.trees().update(moved, moved.version, "test");
  auto edited = g.store.trees().get(g.ids[7]);
  edited.crown_diameter_m.reset();
  edited.protection = {true, geo::ProtectionSource::manual, "by the council"};
  g.store.trees().update(edited, edited.version, "test");
  test::sql_exec(g.store, "DELETE FROM trees WHERE id = " + std::to_string(g.ids[90]));
  const auto added = g.store.trees().insert(Grove::tree(100, 500000, 5500000));

  // Before the refresh the index still holds what it loaded.
  CHECK(held(index, kEverywhere).count(g.ids[90]) == 1);
  // Overlapping areas (tree 0's and the new tree's place is in two of them) add each tree once.
  const auto at = [](geo::Point p) { return geo::Bounds{p.x - 1, p.y - 1, p.x + 1, p.y + 1}; };
  index.refresh(g.store,
                {at(from),
                 at(moved.location),
                 at(edited.location),
                 at({500000, 5500270}),
                 at({500000, 5500000}),
                 {499990, 5499990, 500010, 5500010}},
                42);
  CHECK(index.generation() == 42);
  const auto all = held(index, kEverywhere);
  CHECK(all.size() == 100);  // 100 - 1 deleted + 1 added
  CHECK(all.count(g.ids[90]) == 0);
  CHECK(all.count(added) == 1);
  CHECK(all.count(g.ids[0]) == 1);
  CHECK(std::get<0>(all.at(g.ids[55])) == from.x + 400);
  CHECK(held(index, at(from)).empty());
  CHECK(index.size() == 100);

  const auto r = index.reader();
  r.for_each(at(edited.location), [&](const IndexedTree& t) {
    CHECK(t.id == g.ids[7]);
    CHECK(t.crown == kNoValue);
    CHECK(t.is_protected);
  });
}

TEST_CASE("Tree index: a tree outside the refreshed areas is left as it was") {
  Grove g;
  TreeIndex index;
  index.load(g.store);
  auto t = g.store.trees().get(g.ids[5]);
  t.location = {t.location.x + 5, t.location.y};
  g.store.trees().update(t, t.version, "test");
  // The owner named the wrong place: the index cannot know, and must not lose the tree.
  index.refresh(g.store, {{0, 0, 10, 10}}, 7);
  const auto all = held(index, kEverywhere);
  CHECK(all.size() == 100);
  CHECK(std::get<0>(all.at(g.ids[5])) == 500150);
}

TEST_CASE("Tree index: values of edited trees do not pile up, and every tree keeps its own") {
  Grove g;
  TreeIndex index;
  index.load(g.store);
  // After a load the pool holds each distinct value once: 100 numbers, a circumference per
  // tree (stems 100 + n and 40), 2 species, 2 genera, 1 status, 1 crown, 1 height, 2 booleans.
  const auto loaded = index.pool_size();
  CHECK(loaded == 209);
  // 3,000 edits of tree 5's height, each a height never seen: each refresh interns one value.
  auto t = g.store.trees().get(g.ids[5]);
  const geo::Bounds at5{t.location.x - 1, t.location.y - 1, t.location.x + 1, t.location.y + 1};
  std::size_t most = 0;
  for (int i = 1; i <= 3000; ++i) {
    t.height_m = 10 + i / 1000.0;
    t = g.store.trees().update(t, t.version, "test");
    index.refresh(g.store, {at5}, i);
    most = std::max(most, index.pool_size());
  }
  // Compaction once the pool holds more than 2 x (what it held after it was last built) + 1024
  // values; after the first, the live values are the loaded ones and tree 5's height.
  CHECK(most <= 2 * (loaded + 1) + 1024);
  // Without compaction it would hold all 3,000 heights.
  CHECK(index.pool_size() < loaded + 1500);
  // Every tree still reads its own values after the pool was rebuilt.
  const auto r = index.reader();
  std::size_t seen = 0;
  r.for_each(kEverywhere, [&](const IndexedTree& x) {
    const auto n = std::find(g.ids.begin(), g.ids.end(), x.id) - g.ids.begin();
    CHECK(std::get<std::string>(r.value(x.number)) == "G-" + std::to_string(n));
    CHECK(std::get<std::string>(r.value(x.genus)) == (n % 2 ? "Acer" : "Tilia"));
    CHECK(r.number(x.height) == (n == 5 ? 13.0 : 12.0));
    ++seen;
  });
  CHECK(seen == 100);
}
