#pragma once
// A small store for the targets that run what they parsed (queries, tiles, imports): made once
// per process in a fresh temporary folder, removed at exit. Three trees and a trench in Mainz
// (EPSG:25832), so queries and tiles have rows to order, page and draw.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/work_repository.hpp"

namespace rootzone::fuzz {

inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rootzone-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

inline storage::Store& sample_store() {
  static storage::Store store = [] {
    auto s = storage::Store::create(scratch_dir() / "fuzz.sqlite");
    for (int i = 0; i < 3; ++i) {
      geo::Tree t;
      t.source_id = "MZ-" + std::to_string(i);
      t.location = {448000.0 + i * 20.0, 5538000.0};
      t.species_botanical = "Tilia cordata";
      t.stem_circumferences_cm = {120.0 - i * 30.0};
      t.crown_diameter_m = 8;
      t.height_m = 12.5 + i;
      t.protection = {i % 2 == 0, geo::ProtectionSource::ordinance, ""};
      s.trees().insert(t);
    }
    geo::Work w;
    w.reference = "W-1";
    w.contractor = "Stadtwerke";
    w.contact = "0612 123456";
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538005, 448060 5538005)");
    w.width_m = 1.0;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
    w.status = geo::WorkStatus::submitted;
    s.works().insert(w, "fuzz");
    return s;
  }();
  return store;
}

}  // namespace rootzone::fuzz
