#pragma once
// A small Mainz store (EPSG:25832, near the cathedral) for the tests of writes: the use cases
// (tests/core) and the HTTP routes (tests/api) start from the same city.
//
// Tree "MZ-1" stands 3.0 m north of the centre line of trench W-1 (448000 5538000 ->
// 448020 5538000, 1.0 m wide: its edge 2.5 m from the stem). Its single stem is 79 cm: under the
// Mainz threshold of 80 cm at 1.0 m, so not protected. "MZ-2" (120 cm, protected) and "MZ-3"
// (60 cm) stand 100 m and 200 m east, far from any work. Every tree has an 8 m crown.
#include <cstdint>
#include <string>

#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

namespace rootzone::test {

struct MainzCity {
  TempDir dir;
  TestStore location{dir, "mainz.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::int64_t tree = 0, tree2 = 0, tree3 = 0, work = 0;

  MainzCity() {
    auto store = storage::Store::create(db);
    tree = add_tree(store, "MZ-1", {448010.0, 5538003.0}, 79);
    tree2 = add_tree(store, "MZ-2", {448110.0, 5538003.0}, 120);
    tree3 = add_tree(store, "MZ-3", {448210.0, 5538003.0}, 60);
    geo::Work w;
    w.reference = "W-1";
    w.title = "Fernwärme";
    w.contractor = "Tiefbau GmbH";
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538000, 448020 5538000)");
    w.width_m = 1.0;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
    w.status = geo::WorkStatus::submitted;
    work = store.works().insert(w, "test");
  }

  static std::int64_t add_tree(storage::Store& store, const std::string& source_id, geo::Point at,
                               double stem_cm) {
    geo::Tree t;
    t.source_id = source_id;
    t.location = at;
    t.species_botanical = "Tilia cordata";
    t.stem_circumferences_cm = {stem_cm};
    t.crown_diameter_m = 8;
    t.planting_year = 1975;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    return store.trees().insert(t);
  }
};

}  // namespace rootzone::test
