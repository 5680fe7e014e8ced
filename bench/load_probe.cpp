// load_probe: where the load and persist phases of `rootzone check` spend their time, and
// what cheaper reads of the same data would cost. Read-only on STORE except for the zone
// rewrite experiments, which run in a transaction that is rolled back.
//
//   load_probe --db STORE
//
// Each line: a variant, its wall time (best of 3) and rows. For the lead of geo/ and
// storage/: the numbers behind the suggestions in RESULTS.md.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "common.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"

namespace {

using rootzone::bench::Clock;
using rootzone::bench::seconds_since;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

void probe(const std::string& name, const std::function<std::size_t()>& body) {
  double best = 1e30;
  std::size_t rows = 0;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    rows = body();
    best = std::min(best, seconds_since(t0));
  }
  std::printf("%-72s %8.0f ms %9zu rows\n", name.c_str(), best * 1000, rows);
  std::fflush(stdout);
}

std::size_t scan(storage::Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  std::size_t n = 0;
  double sink = 0;
  while (s.step()) {
    ++n;
    for (int c = 0; c < s.column_count(); ++c) {
      if (!s.is_null(c)) sink += static_cast<double>(s.text(c).size());
    }
  }
  return sink < 0 ? n + 1 : n;
}

// x and y of a SpatiaLite point blob: 0x00, endianness, SRID (4), MBR (32), 0x7C, class (4),
// then x, y as doubles (offsets 43 and 51), little-endian here.
bool blob_xy(const std::vector<std::uint8_t>& b, double& x, double& y) {
  if (b.size() < 60 || b[0] != 0x00 || b[1] != 0x01 || b[38] != 0x7C) return false;
  std::memcpy(&x, b.data() + 43, sizeof x);
  std::memcpy(&y, b.data() + 51, sizeof y);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--db") {
    std::cerr << "usage: load_probe --db STORE\n";
    return 64;
  }
  try {
    auto store = storage::Store::open(argv[2]);
    auto& db = store.database();

    probe("storage::load_engine_trees (as rootzone check)", [&] {
      return storage::load_engine_trees(db).size();
    });
    probe("store.works().open()", [&] { return store.works().open().size(); });
    probe("trees query of load_engine_trees alone (all 10 columns, as text)", [&] {
      return scan(db,
                  "SELECT id, source_id, ST_X(location), ST_Y(location), crown_diameter_m, columnar,"
                  " species_botanical, status, protection_source, protection_reason"
                  " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
    });
    probe("stems joined to trees (as load_engine_trees)", [&] {
      auto s = db.prepare(
          "SELECT s.tree_id, s.circumference_cm FROM tree_stems s JOIN trees t ON t.id = s.tree_id"
          " WHERE t.is_protected = 1 AND t.status = 'existing' ORDER BY s.tree_id, s.stem_no");
      std::size_t n = 0;
      while (s.step()) if (s.int64(0) > 0) ++n;
      return n;
    });
    probe("stems alone, primary-key order, no join (merge in C++)", [&] {
      auto s = db.prepare("SELECT tree_id, circumference_cm FROM tree_stems ORDER BY tree_id, stem_no");
      std::size_t n = 0;
      while (s.step()) if (s.int64(0) > 0) ++n;
      return n;
    });
    probe("engine columns only: id, ST_X, ST_Y, crown, columnar, species", [&] {
      auto s = db.prepare(
          "SELECT id, ST_X(location), ST_Y(location), crown_diameter_m, columnar, species_botanical"
          " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
      std::size_t n = 0;
      double sink = 0;
      while (s.step()) {
        sink += s.real(1) + s.real(2);
        if (!s.text(5).empty()) ++n;
      }
      return sink < 0 ? n + 1 : n;
    });
    probe("engine columns, x/y decoded from the blob in C++ (no ST_X/ST_Y)", [&] {
      auto s = db.prepare(
          "SELECT id, location, crown_diameter_m, columnar, species_botanical"
          " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
      std::size_t n = 0;
      double sink = 0;
      while (s.step()) {
        double x = 0, y = 0;
        if (blob_xy(s.blob(1), x, y)) sink += x + y;
        if (!s.text(4).empty()) ++n;
      }
      return sink < 0 ? n + 1 : n;
    });
    db.execute("PRAGMA mmap_size = 2000000000");
    probe("same, with PRAGMA mmap_size = 2 GB", [&] {
      auto s = db.prepare(
          "SELECT id, location, crown_diameter_m, columnar, species_botanical"
          " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
      std::size_t n = 0;
      double sink = 0;
      while (s.step()) {
        double x = 0, y = 0;
        if (blob_xy(s.blob(1), x, y)) sink += x + y;
        if (!s.text(4).empty()) ++n;
      }
      return sink < 0 ? n + 1 : n;
    });
    probe("load_engine_trees with mmap_size = 2 GB", [&] {
      return storage::load_engine_trees(db).size();
    });
    db.execute("PRAGMA mmap_size = 0");

    // A narrow cache of what the engine needs (tree_id, x, y, R_t, R_r): how fast a reload
    // could be when nothing changed since the zones were stored.
    {
      storage::Transaction tx(db);
      db.execute(
          "CREATE TEMP TABLE zone_cache AS SELECT z.tree_id, ST_X(t.location) AS x,"
          " ST_Y(t.location) AS y, z.trench_radius_m, z.root_radius_m"
          " FROM tree_zones z JOIN trees t ON t.id = z.tree_id ORDER BY z.tree_id");
      probe("narrow zone cache (tree_id, x, y, R_t, R_r) read back", [&] {
        auto s = db.prepare("SELECT tree_id, x, y, trench_radius_m, root_radius_m FROM zone_cache");
        std::size_t n = 0;
        double sink = 0;
        while (s.step()) {
          sink += s.real(1) + s.real(2) + s.real(3) + s.real(4);
          ++n;
        }
        return sink < 0 ? n + 1 : n;
      });
      probe("stored tree_zones read back (as save_tree_zones does)", [&] {
        return scan(db,
                    "SELECT tree_id, rule_set, root_radius_m, trench_radius_m, root_zone_rule"
                    " FROM tree_zones");
      });
      // Rewriting every zone, as the first run does (rolled back below).
      const auto trees = storage::load_engine_trees(db);
      const auto rules = store.rule_sets().active();
      std::vector<storage::ZoneRow> zones;
      for (const auto& t : trees) zones.push_back({t.id, geo::protection_zone(t, rules)});
      probe("describe_root_rule for every zone (string building only)", [&] {
        std::size_t n = 0;
        for (const auto& z : zones) if (geo::describe_root_rule(z.zone).size() > 0) ++n;
        return n;
      });
      probe("save_tree_zones, nothing changed (second run)", [&] {
        return storage::save_tree_zones(db, rules.name, zones) + zones.size();
      });
      {
        double best = 1e30;
        std::size_t n = 0;
        for (int i = 0; i < 3; ++i) {
          db.execute("DELETE FROM tree_zones");
          const auto t0 = Clock::now();
          n = storage::save_tree_zones(db, rules.name, zones);
          best = std::min(best, seconds_since(t0));
        }
        std::printf("%-72s %8.0f ms %9zu rows\n", "save_tree_zones into an empty table (first run)",
                    best * 1000, n);
      }
      // tx is not committed: the store keeps its zones.
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "load_probe: " << e.what() << '\n';
    return 2;
  }
}
