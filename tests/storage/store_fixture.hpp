#pragma once
// A fresh store in its own temp directory, and sample domain objects with every field set.
#include <chrono>
#include <string>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/store.hpp"
#include "support/store_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

namespace rootzone::test {

inline geo::Timestamp utc(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hour} + minutes{minute};
}

inline geo::Date date(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return year{y} / month{m} / day{d};
}

// On SpatiaLite a file in the temp directory, on PostGIS a fresh database (support/test_store.hpp).
struct StoreFixture {
  TempDir dir;
  TestStore location{dir, "city.sqlite"};
  storage::Store store = storage::Store::create(location.location());

  bool postgis() const { return location.postgis(); }
  std::string one(const std::string& sql) { return sql_one(store, sql); }
  void exec(const std::string& sql) { sql_exec(store, sql); }
};

// A street tree of Mainz (EPSG:25832), multi-stem, every optional field set.
inline geo::Tree sample_tree(std::string source_id = "MZ-04711") {
  geo::Tree t;
  t.source_id = std::move(source_id);
  t.site = "Kaiserstraße 12";
  t.district = "Neustadt";
  t.location = {447123.25, 5541234.5};
  t.species_botanical = "Acer platanoides 'Columnare'";
  t.species_german = "Säulen-Spitzahorn";
  t.genus = "Acer";
  t.stem_circumferences_cm = {62.5, 41};
  t.crown_diameter_m = 6.5;
  t.height_m = 14;
  t.planting_year = 1987;
  t.vitality = 1;
  t.development_phase = "Reifephase";
  t.last_inspection = date(2025, 9, 3);
  t.next_inspection = date(2026, 9, 3);
  t.status = geo::TreeStatus::existing;
  t.columnar = true;
  t.protection = {true, geo::ProtectionSource::ordinance, "circumference 103.5 cm >= 80 cm"};
  t.updated_at = utc(2026, 1, 15, 9, 30);
  return t;
}

inline geo::Work sample_work(std::string reference = "TBA-2026-0815") {
  geo::Work w;
  w.reference = std::move(reference);
  w.title = "Fernwärme Hausanschluss Kaiserstraße";
  w.contractor = "Mainzer Netze GmbH";
  w.contact = "bauleitung@example.org";
  w.kind = geo::WorkKind::trench;
  w.geometry = geo::Geometry::from_wkt("LINESTRING (447100 5541230, 447140 5541236)");
  w.width_m = 0.8;
  w.depth_m = 1.5;
  w.starts_at = utc(2026, 4, 6, 6);
  w.ends_at = utc(2026, 4, 24, 16);
  w.status = geo::WorkStatus::submitted;
  w.source = "api";
  w.updated_at = utc(2026, 2, 1, 10);
  return w;
}

}  // namespace rootzone::test
