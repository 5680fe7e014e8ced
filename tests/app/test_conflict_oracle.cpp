// The independent oracle of issue 4: on the real Konstanz cadastre plus generated works, the
// (tree, work, severity) triples of `rootzone check` equal those of a plain SpatiaLite SQL
// query (SpatialIndex + ST_Distance against the radii the store holds in tree_zones).
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using rootzone::test::run_rootzone;

namespace {

const std::string kSource = ROOTZONE_SOURCE_DIR;

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Works scattered around protected trees: boxes, trenches (line + width) and points with a
// radius, every kind, 0-25 m from a tree so that all severities and misses occur.
void generate_works(storage::Store& store, int count) {
  const auto trees = storage::load_engine_trees(store.database());
  std::mt19937_64 rng(4711);
  std::uniform_real_distribution<double> unit(0, 1);
  const auto pick = [&](double a, double b) { return a + (b - a) * unit(rng); };
  for (int i = 0; i < count; ++i) {
    const auto& t = trees[static_cast<std::size_t>(rng() % trees.size())];
    const double angle = pick(0, 2 * std::numbers::pi);
    const double off = pick(0, 25);
    const double cx = t.location.x + off * std::cos(angle);
    const double cy = t.location.y + off * std::sin(angle);
    geo::Work w;
    w.reference = "GEN-" + std::to_string(i);
    w.kind = static_cast<geo::WorkKind>(rng() % 9);
    w.status = geo::WorkStatus::submitted;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-05-01T00:00:00Z").value();
    switch (i % 3) {
      case 0: {
        const double hw = pick(1, 15), hh = pick(1, 15);
        w.geometry = geo::Geometry::from_wkt(
            "POLYGON((" + fmt(cx - hw) + " " + fmt(cy - hh) + "," + fmt(cx + hw) + " " +
            fmt(cy - hh) + "," + fmt(cx + hw) + " " + fmt(cy + hh) + "," + fmt(cx - hw) + " " +
            fmt(cy + hh) + "," + fmt(cx - hw) + " " + fmt(cy - hh) + "))");
        break;
      }
      case 1: {
        const double len = pick(10, 80), dir = pick(0, std::numbers::pi);
        const double dx = len / 2 * std::cos(dir), dy = len / 2 * std::sin(dir);
        w.geometry = geo::Geometry::from_wkt("LINESTRING(" + fmt(cx - dx) + " " + fmt(cy - dy) +
                                             "," + fmt(cx + dx) + " " + fmt(cy + dy) + ")");
        w.width_m = pick(0.5, 1.5);
        break;
      }
      default:
        w.geometry = geo::Geometry::from_point({cx, cy});
        w.radius_m = pick(1, 8);
    }
    store.works().insert(w, "oracle");
  }
}

using Triple = std::tuple<std::int64_t, std::int64_t, std::string>;

}  // namespace

// [sqlite-only]: the oracle is SpatiaLite SQL (SpatialIndex, BufferOptions); check on PostGIS
// stores the conflicts SpatiaLite stores, tested in tests/postgis/test_pg_conflicts.cpp.
TEST_CASE("engine equals a plain SpatiaLite query on Konstanz plus generated works",
          "[app][check][oracle][sqlite-only]") {
  test::TempDir dir;
  const auto db = (dir / "konstanz.sqlite").string();
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  REQUIRE(
      run_rootzone({"import", "trees", kSource + "/data/trees/konstanz_baumkataster_2020.csv",
                    "--db", db, "--mapping", kSource + "/mappings/konstanz-baumkataster-2020.json"})
          .exit_code == 0);
  {
    auto store = storage::Store::open(db);
    generate_works(store, 600);
  }
  const auto check = run_rootzone({"check", "--db", db, "--format", "csv"});
  INFO(check.err);
  REQUIRE(check.exit_code == 0);

  auto store = storage::Store::open(db);
  std::set<Triple> engine;
  std::set<std::string> severities;
  for (const auto& c : store.conflicts().all_tree_work_conflicts()) {
    engine.emplace(c.tree_id, c.work_id, std::string(geo::to_string(c.severity)));
    severities.insert(std::string(geo::to_string(c.severity)));
  }

  // The oracle. Work shapes as docs/domain.md gives them: polygons as they are, lines buffered by
  // half their width (flat caps, round joins, 8 segments a quadrant, as the engine), points
  // with a radius by distance minus radius (exact). The 20 % share uses a 256-segment circle
  // (area within 0.001 % of the true disc); pairs within 1e-4 of 20 % or 1e-6 m of a radius
  // are too close for this approximation to call and are counted apart.
  auto& sql = store.database();
  // Trench buffers need flat caps, the circles round ones: the shapes are made first, into a
  // temporary table, then the options go back to round caps for the discs.
  sql.execute(R"SQL(
    SELECT BufferOptions_SetEndCapStyle('FLAT');
    SELECT BufferOptions_SetJoinStyle('ROUND');
    SELECT BufferOptions_SetQuadrantSegments(8);
    CREATE TEMP TABLE shapes AS
      SELECT id, kind, radius_m, geometry AS g,
             CASE WHEN width_m IS NOT NULL THEN ST_Buffer(geometry, width_m / 2.0)
                  ELSE geometry END AS shape
      FROM works
      WHERE status IN ('draft', 'submitted', 'approved', 'changes_requested', 'in_progress');
    SELECT BufferOptions_SetEndCapStyle('ROUND');
  )SQL");
  auto q = sql.prepare(R"SQL(
    WITH pairs AS (
      SELECT t.id AS tree_id, s.id AS work_id, s.kind, z.root_radius_m AS rr, z.trench_radius_m AS rt,
             CASE WHEN s.radius_m IS NOT NULL THEN max(0, ST_Distance(t.location, s.g) - s.radius_m)
                  ELSE ST_Distance(t.location, s.shape) END AS d,
             s.radius_m, s.g, s.shape, t.location
      FROM temp.shapes s
      JOIN trees t ON t.ROWID IN (
        SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'trees' AND f_geometry_column = 'location'
          AND search_frame = BuildMbr(MbrMinX(s.shape) - ?1 - coalesce(s.radius_m, 0),
                                      MbrMinY(s.shape) - ?1 - coalesce(s.radius_m, 0),
                                      MbrMaxX(s.shape) + ?1 + coalesce(s.radius_m, 0),
                                      MbrMaxY(s.shape) + ?1 + coalesce(s.radius_m, 0)))
      JOIN tree_zones z ON z.tree_id = t.id
    )
    SELECT tree_id, work_id, kind IN ('trench', 'pit', 'drilling') AS excavation, d, rt, rr,
           CASE WHEN d < rr THEN
             coalesce(ST_Area(ST_Intersection(
                 CASE WHEN radius_m IS NOT NULL THEN ST_Buffer(g, radius_m, 256) ELSE shape END,
                 ST_Buffer(location, rr, 256))), 0) / (pi() * rr * rr)
           ELSE 0 END AS share
    FROM pairs WHERE d < max(rt, rr)
  )SQL");
  // The search frame grows by the largest reach any stored zone has (36 m: the 900 cm stem).
  auto reach = sql.prepare("SELECT max(max(trench_radius_m, root_radius_m)) FROM tree_zones");
  REQUIRE(reach.step());
  q.bind(1, reach.real(0));
  std::set<Triple> oracle;
  std::set<std::pair<std::int64_t, std::int64_t>> too_close;
  while (q.step()) {
    const auto tree = q.int64(0), work = q.int64(1);
    const bool excavation = q.int64(2) == 1;
    const double d = q.real(3), rt = q.real(4), rr = q.real(5), share = q.real(6);
    if (std::abs(share - 0.2) < 1e-4 || std::abs(d - rt) < 1e-6 || std::abs(d - rr) < 1e-6) {
      too_close.emplace(tree, work);
      continue;
    }
    std::string severity;
    if (excavation && d < rt) {
      severity = "critical";
    } else if ((excavation && d < rr) || share > 0.2) {
      severity = "high";
    } else if (d < rr) {
      severity = "medium";
    } else {
      continue;  // within R_t but not an excavation, outside R_r: no rule fires
    }
    oracle.emplace(tree, work, severity);
  }
  std::erase_if(engine, [&](const Triple& t) {
    return too_close.count({std::get<0>(t), std::get<1>(t)}) > 0;
  });

  INFO("engine " << engine.size() << ", oracle " << oracle.size() << ", too close to call "
                 << too_close.size());
  CHECK(too_close.size() < 5);
  CHECK(engine.size() > 300);  // enough conflicts to mean something
  CHECK(severities == std::set<std::string>{"critical", "high", "medium"});
  std::vector<Triple> only_engine, only_oracle;
  std::set_difference(engine.begin(), engine.end(), oracle.begin(), oracle.end(),
                      std::back_inserter(only_engine));
  std::set_difference(oracle.begin(), oracle.end(), engine.begin(), engine.end(),
                      std::back_inserter(only_oracle));
  for (const auto& [t, w, s] : only_engine)
    UNSCOPED_INFO("engine only: tree " << t << " work " << w << " " << s);
  for (const auto& [t, w, s] : only_oracle)
    UNSCOPED_INFO("oracle only: tree " << t << " work " << w << " " << s);
  CHECK(only_engine.empty());
  CHECK(only_oracle.empty());
}
