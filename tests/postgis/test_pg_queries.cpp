// The read queries of a PostGIS store answer exactly what the SpatiaLite store answers for the
// same data: feature pages (bbox, equality, CQL2, sortby, keyset paging to the end), tile
// reads, the works overview and the extents. The same trees, works and conflicts are written
// through each store's repositories; every query runs on both and the answers are compared
// whole.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/filter.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tile_query.hpp"
#include "rootzone/storage/work_overview_query.hpp"
#include "support/temp_dir.hpp"

namespace geo = rootzone::geo;
namespace storage = rootzone::storage;
using storage::filter::Node;
using storage::filter::Op;

namespace {

// 40 trees on a 10 m grid from (447000, 5540000): names with upper and lower case and umlauts
// (byte order differs from a German locale's), missing heights, felled and protected ones.
geo::Tree tree(int i) {
  static const std::vector<std::string> species{
      "Acer platanoides", "acer campestre", "Älteste Linde", "Tilia cordata", "Zelkova", ""};
  geo::Tree t;
  t.source_id = "T-" + std::to_string(100 + i);
  t.location = {447000.0 + 10.0 * (i % 8) + 0.25, 5540000.0 + 10.0 * (i / 8) + 0.5};
  t.species_botanical = species[static_cast<std::size_t>(i) % species.size()];
  t.genus = t.species_botanical.substr(0, t.species_botanical.find(' '));
  t.district = i % 3 == 0 ? "Altstadt" : "Neustadt";
  if (i % 4 != 0) t.height_m = 5.0 + (i % 7) * 1.5;
  t.stem_circumferences_cm = {60.0 + 7.0 * (i % 9)};
  if (i % 10 == 3) t.stem_circumferences_cm.push_back(45.5);
  if (i % 5 == 0) t.planting_year = 1950 + i;
  if (i % 13 == 7) {
    t.status = geo::TreeStatus::felled;
    t.felled_on = geo::parse_date("2026-03-0" + std::to_string(1 + i % 9));
  }
  t.protection = {i % 2 == 0, geo::ProtectionSource::ordinance, i % 2 == 0 ? "StU >= 80" : ""};
  t.updated_at = *geo::parse_utc("2026-12-01T10:00:00Z");
  return t;
}

geo::Work work(int i) {
  static const std::vector<std::string> shapes{
      "POLYGON ((447005 5540005, 447035 5540005, 447035 5540025, 447005 5540025, 447005 "
      "5540005))",
      "LINESTRING (447000 5540040, 447070 5540045)",
      "POINT (447052.5 5540012.5)",
      "POLYGON ((447500 5540500, 447510 5540500, 447510 5540510, 447500 5540500))",
  };
  geo::Work w;
  w.reference = "W-" + std::to_string(i);
  w.title = i % 2 == 0 ? "Fernwärme" : "fibre";
  w.contractor = i % 2 == 0 ? "Stadtwerke" : "Netz AG";
  w.kind = i % 2 == 0 ? geo::WorkKind::trench : geo::WorkKind::pit;
  const auto shape = static_cast<std::size_t>(i) % shapes.size();
  w.geometry = geo::Geometry::from_wkt(shapes[shape]);
  if (shape == 1) w.width_m = 1.5;
  if (shape == 2) w.radius_m = 4;
  w.starts_at = *geo::parse_utc("2027-0" + std::to_string(1 + i % 5) + "-01T06:00:00Z");
  w.ends_at = *geo::parse_utc("2027-0" + std::to_string(2 + i % 5) + "-15T18:00:00Z");
  w.status = i % 3 == 0 ? geo::WorkStatus::submitted : geo::WorkStatus::approved;
  w.source = "test";
  w.updated_at = *geo::parse_utc("2026-12-02T10:00:00Z");
  return w;
}

void fill(storage::Store& store) {
  std::vector<std::int64_t> trees;
  std::vector<std::int64_t> works;
  for (int i = 0; i < 40; ++i) trees.push_back(store.trees().insert(tree(i)));
  for (int i = 0; i < 8; ++i) works.push_back(store.works().insert(work(i), "test"));
  std::vector<geo::TreeWorkConflict> conflicts;
  const std::vector<geo::Severity> severities{geo::Severity::critical, geo::Severity::high,
                                              geo::Severity::medium};
  for (int i = 0; i < 24; ++i) {
    geo::TreeWorkConflict c;
    c.tree_id = trees[static_cast<std::size_t>(i)];
    c.work_id = works[static_cast<std::size_t>(i % 3)];
    c.severity = severities[static_cast<std::size_t>(i) % 3];
    c.rule = "DIN 18920 root zone";
    c.min_distance_m = 0.5 * i;
    c.overlap_share = i % 4 == 0 ? 0.0 : 0.1 * (i % 4);
    c.computed_at = *geo::parse_utc("2026-12-03T10:00:00Z");
    conflicts.push_back(c);
  }
  store.conflicts().replace_all_tree_work_conflicts(conflicts);
}

struct TwoStores {
  rootzone::test::TempDir dir;
  rootzone::test::PgTestDatabase db;
  storage::Store file = storage::Store::create(dir / "city.sqlite");
  storage::Store pg = storage::Store::create(db.url());
  TwoStores() {
    fill(file);
    fill(pg);
  }
};

template <class T>
std::vector<std::int64_t> ids(const storage::Page<T>& p) {
  std::vector<std::int64_t> out;
  for (const auto& x : p.items) out.push_back(x.id);
  return out;
}

// Every page of the query, following the cursor to the end, compared on both stores.
template <class Query>
void same_pages(TwoStores& s, storage::FeatureQuery q, Query query) {
  for (int n = 0; n < 50; ++n) {
    const auto a = query(s.file, q);
    const auto b = query(s.pg, q);
    CAPTURE(n);
    REQUIRE(ids(a) == ids(b));
    CHECK(a.items == b.items);
    CHECK(a.matched == b.matched);
    CHECK(a.more == b.more);
    CHECK(a.last_sort == b.last_sort);
    if (!a.more) return;
    q.after_id = a.items.back().id;
    q.after_sort = a.last_sort;
  }
  FAIL("more than 50 pages");
}

Node compare(Op op, Node a, Node b) { return Node::logical(op, {std::move(a), std::move(b)}); }
Node prop(const char* name) { return Node::property(name); }

Node geometry(const char* wkt) {
  Node n;
  n.op = Op::geometry;
  n.geometry = geo::Geometry::from_wkt(wkt);
  return n;
}

}  // namespace

TEST_CASE("a PostGIS store pages trees as the SpatiaLite store does", "[postgis]") {
  TwoStores s;
  const auto trees = [](storage::Store& st, const storage::FeatureQuery& q) {
    return storage::query_trees(st, q);
  };
  storage::FeatureQuery q;
  q.limit = 7;
  SECTION("all, by id") { same_pages(s, q, trees); }
  SECTION("a bbox whose edges pass near trees") {
    q.bbox = geo::Bounds{447010.25, 5540000.0, 447040.25, 5540030.5};
    same_pages(s, q, trees);
  }
  SECTION("equality on text, number and boolean") {
    q.equals = {{"district", "Altstadt"}, {"protected", "true"}};
    same_pages(s, q, trees);
  }
  SECTION("sorted by text with ties and empty names, both directions") {
    q.sort = {{"species_botanical", false}};
    same_pages(s, q, trees);
    q.sort = {{"species_botanical", true}, {"height_m", false}};
    same_pages(s, q, trees);
  }
  SECTION("sorted by a number with missing values") {
    q.sort = {{"height_m", true}};
    same_pages(s, q, trees);
    q.sort = {{"planting_year", false}};
    same_pages(s, q, trees);
  }
  SECTION("CQL2: text order, LIKE (case-sensitive), IN, BETWEEN, IS NULL, NOT") {
    q.filter = compare(Op::lt, prop("species_botanical"), Node::string_value("acer"));
    same_pages(s, q, trees);
    q.filter = compare(Op::like, prop("species_botanical"), Node::string_value("A%"));
    same_pages(s, q, trees);
    q.filter = Node::logical(
        Op::in, {prop("genus"), Node::string_value("Tilia"), Node::string_value("Zelkova")});
    same_pages(s, q, trees);
    q.filter = Node::logical(Op::between,
                             {prop("height_m"), Node::number_value(6), Node::number_value(9.5)});
    same_pages(s, q, trees);
    q.filter = Node::unary(Op::not_, Node::unary(Op::is_null, prop("planting_year")));
    same_pages(s, q, trees);
    q.filter = compare(Op::eq, prop("protected"), Node::boolean_value(false));
    same_pages(s, q, trees);
  }
  SECTION("CQL2: spatial predicates") {
    q.filter = compare(
        Op::s_intersects, prop("geometry"),
        geometry("POLYGON ((447000 5540000, 447025 5540000, 447025 5540025, 447000 5540000))"));
    same_pages(s, q, trees);
    auto near = compare(Op::s_dwithin, prop("geometry"), geometry("POINT (447030 5540030)"));
    near.number = 15;
    q.filter = near;
    same_pages(s, q, trees);
  }
}

TEST_CASE("a PostGIS store pages works and conflicts as the SpatiaLite store does", "[postgis]") {
  TwoStores s;
  const auto works = [](storage::Store& st, const storage::FeatureQuery& q) {
    return storage::query_works(st, q);
  };
  const auto conflicts = [](storage::Store& st, const storage::FeatureQuery& q) {
    return storage::query_tree_work_conflicts(st, q);
  };
  storage::FeatureQuery q;
  q.limit = 3;
  same_pages(s, q, works);
  q.bbox = geo::Bounds{447000, 5540000, 447040, 5540030};
  same_pages(s, q, works);
  q.bbox.reset();
  q.from = *geo::parse_utc("2027-03-01T00:00:00Z");
  q.to = *geo::parse_utc("2027-04-01T00:00:00Z");
  q.sort = {{"title", false}, {"starts_at", true}};
  same_pages(s, q, works);
  q = {};
  q.limit = 5;
  q.filter =
      Node::logical(Op::t_intersects,
                    {prop("starts_at"),
                     Node::logical(Op::interval, {Node{Op::date, "2027-02-01", 0, false, {}, {}},
                                                  Node{Op::open_end, {}, 0, false, {}, {}}})});
  same_pages(s, q, works);

  storage::FeatureQuery c;
  c.limit = 4;
  same_pages(s, c, conflicts);
  c.bbox = geo::Bounds{447000, 5540000, 447040.25, 5540010.5};
  same_pages(s, c, conflicts);
  c.bbox.reset();
  c.work_contractor = "Stadtwerke";
  c.sort = {{"severity", false}, {"min_distance_m", true}};
  same_pages(s, c, conflicts);
  c.work_contractor.reset();
  c.sort = {{"acknowledged", false}};
  same_pages(s, c, conflicts);
}

TEST_CASE("a PostGIS store reads tiles, the works overview and extents as SpatiaLite does",
          "[postgis]") {
  TwoStores s;
  const geo::Bounds box{447000, 5540000, 447045, 5540035};
  const auto tile_trees = [&](storage::Store& st) {
    std::vector<std::string> out;
    storage::for_each_tile_tree(st, box, [&](const storage::TileTree& t) {
      out.push_back(std::to_string(t.id) + " " + std::string(t.source_id) + " " +
                    std::string(t.species_botanical) + " " + std::to_string(t.location.x) + " " +
                    std::to_string(t.location.y) + " " +
                    std::to_string(t.circumference_cm.value_or(-1)) + " " +
                    std::to_string(t.height_m.value_or(-1)) + " " + (t.is_protected ? "p" : "-") +
                    (t.columnar ? "c" : "-"));
    });
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(tile_trees(s.file).size() == 20);  // the grid's columns 0-4 in rows 0-3
  CHECK(tile_trees(s.file) == tile_trees(s.pg));
  std::size_t all_file = 0;
  std::size_t all_pg = 0;
  storage::for_each_tile_tree(s.file, [&](const storage::TileTree&) { ++all_file; });
  storage::for_each_tile_tree(s.pg, [&](const storage::TileTree&) { ++all_pg; });
  CHECK(all_file == 40);
  CHECK(all_pg == 40);

  const auto works_file = storage::tile_works(s.file, box);
  const auto works_pg = storage::tile_works(s.pg, box);
  REQUIRE(works_file.size() == works_pg.size());
  for (std::size_t i = 0; i < works_file.size(); ++i) {
    CHECK(works_file[i].id == works_pg[i].id);
    CHECK(works_file[i].reference == works_pg[i].reference);
    CHECK(works_file[i].starts_at == works_pg[i].starts_at);
    CHECK(works_file[i].width_m == works_pg[i].width_m);
    CHECK(works_file[i].geometry.wkb() == works_pg[i].geometry.wkb());
  }
  const auto conflicts_file = storage::tile_conflicts(s.file, box);
  const auto conflicts_pg = storage::tile_conflicts(s.pg, box);
  REQUIRE(conflicts_file.size() == conflicts_pg.size());
  for (std::size_t i = 0; i < conflicts_file.size(); ++i) {
    CHECK(conflicts_file[i].id == conflicts_pg[i].id);
    CHECK(conflicts_file[i].severity == conflicts_pg[i].severity);
    CHECK(conflicts_file[i].location.x == conflicts_pg[i].location.x);
    CHECK(conflicts_file[i].min_distance_m == conflicts_pg[i].min_distance_m);
    CHECK(conflicts_file[i].contractor == conflicts_pg[i].contractor);
  }

  storage::WorkOverviewFilter f;
  f.limit = 3;
  for (std::int64_t offset : {0, 3, 6, 9}) {
    f.offset = offset;
    const auto a = storage::work_overview(s.file, f);
    const auto b = storage::work_overview(s.pg, f);
    CAPTURE(offset);
    CHECK(a.matched == b.matched);
    REQUIRE(a.rows.size() == b.rows.size());
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
      CHECK(a.rows[i].id == b.rows[i].id);
      CHECK(a.rows[i].critical == b.rows[i].critical);
      CHECK(a.rows[i].unacknowledged == b.rows[i].unacknowledged);
      CHECK(a.rows[i].footprint.minx == b.rows[i].footprint.minx);
      CHECK(a.rows[i].footprint.maxy == b.rows[i].footprint.maxy);
    }
  }
  f = {};
  f.statuses = {geo::WorkStatus::approved};
  f.contractor = "Netz AG";
  f.areas = {geo::Geometry::from_wkt(
      "POLYGON ((447040 5540030, 447060 5540030, 447060 5540050, 447040 5540030))")};
  const auto a = storage::work_overview(s.file, f);
  const auto b = storage::work_overview(s.pg, f);
  CHECK(a.matched == b.matched);
  CHECK(a.matched == 2);  // W-1 and W-5, the approved lines of Netz AG that cross the triangle

  for (const auto c : {storage::Collection::trees, storage::Collection::works}) {
    const auto x = storage::extent(s.file, c);
    const auto y = storage::extent(s.pg, c);
    REQUIRE(x);
    REQUIRE(y);
    CHECK(x->minx == y->minx);
    CHECK(x->miny == y->miny);
    CHECK(x->maxx == y->maxx);
    CHECK(x->maxy == y->maxy);
  }
  CHECK(storage::works_time_extent(s.file) == storage::works_time_extent(s.pg));
}
