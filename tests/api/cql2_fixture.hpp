#pragma once
// A small hand-made store for the CQL2 tests (docs/filtering.md), every value chosen so that
// each filter's expected ids can be read off this file:
//
//   tree  x (m)    height  vitality  last        next        species             stems
//   A-1   448000   12      1         2024-06-01  2025-06-01  Tilia cordata       50
//   A-2   448010   25      2         2025-03-15  2026-03-15  Acer platanoides    50
//   A-3   448020   -       -         -           -           Acer campestre      50
//   A-4   448100   31.5    0         2025-12-31  2027-01-01  Quercus robur       200 (protected)
//   A-5   448200   8       -         -           2026-01-01  Tilia platyphyllos  50
//
// all at y = 5538000 (EPSG:25832, near Mainz cathedral); A-5's site is an SQL injection attempt.
//   W-1 Stadtwerke Mainz, trench, LINESTRING(448000 5538050, 448100 5538050),
//       2027-03-01T00:00:00Z .. 2027-04-30T00:00:00Z
//   W-2 Telekom, surface, the square 448190..448210 x 5537990..5538010,
//       2027-05-01T00:00:00Z .. 2027-05-10T00:00:00Z
//   conflicts: A-1 x W-1 (high), A-5 x W-2 (medium)
//   users: anna (contractor, Stadtwerke Mainz), tom (contractor, Telekom), paula (planner)
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

namespace rootzone::test {

inline const std::string kInjection = "x'; DROP TABLE trees; --";
inline const std::string kStoreCrs = "http://www.opengis.net/def/crs/EPSG/0/25832";

struct Street {
  TempDir dir;
  test::TestStore location{dir, "street.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::map<std::string, std::string> keys;
  std::int64_t w1 = 0, w2 = 0;
  std::int64_t c1 = 0, c2 = 0;

  Street() {
    auto store = storage::Store::create(db);
    const auto date = [](const char* d) { return geo::parse_date(d); };
    const auto tree = [&](const char* id, double x, std::optional<double> h,
                          std::optional<int> vitality, const char* last, const char* next,
                          const char* species, double stem) {
      geo::Tree t;
      t.source_id = id;
      t.location = {x, 5538000.0};
      t.height_m = h;
      t.vitality = vitality;
      if (last != nullptr) t.last_inspection = date(last);
      if (next != nullptr) t.next_inspection = date(next);
      t.species_botanical = species;
      t.stem_circumferences_cm = {stem};
      t.crown_diameter_m = 6;
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      return store.trees().insert(t);
    };
    const auto a1 = tree("A-1", 448000, 12, 1, "2024-06-01", "2025-06-01", "Tilia cordata", 50);
    tree("A-2", 448010, 25, 2, "2025-03-15", "2026-03-15", "Acer platanoides", 50);
    tree("A-3", 448020, std::nullopt, std::nullopt, nullptr, nullptr, "Acer campestre", 50);
    tree("A-4", 448100, 31.5, 0, "2025-12-31", "2027-01-01", "Quercus robur", 200);
    geo::Tree a5;
    a5.source_id = "A-5";
    a5.location = {448200, 5538000};
    a5.height_m = 8;
    a5.next_inspection = date("2026-01-01");
    a5.species_botanical = "Tilia platyphyllos";
    a5.site = kInjection;
    a5.stem_circumferences_cm = {50};
    a5.protection = geo::evaluate_protection(a5, geo::RuleSet::mainz());
    const auto a5_id = store.trees().insert(a5);

    const auto work = [&](const char* ref, const char* contractor, geo::WorkKind kind,
                          const char* wkt, const char* from, const char* to) {
      geo::Work w;
      w.reference = ref;
      w.title = ref;
      w.contractor = contractor;
      w.contact = "secret";
      w.kind = kind;
      w.geometry = geo::Geometry::from_wkt(wkt);
      if (kind == geo::WorkKind::trench) w.width_m = 1.0;
      w.starts_at = geo::parse_utc(from).value();
      w.ends_at = geo::parse_utc(to).value();
      w.status = geo::WorkStatus::submitted;
      return store.works().insert(w, "test");
    };
    w1 = work("W-1", "Stadtwerke Mainz", geo::WorkKind::trench,
              "LINESTRING(448000 5538050, 448100 5538050)", "2027-03-01T00:00:00Z",
              "2027-04-30T00:00:00Z");
    w2 = work("W-2", "Telekom", geo::WorkKind::surface,
              "POLYGON((448190 5537990, 448210 5537990, 448210 5538010, 448190 5538010, "
              "448190 5537990))",
              "2027-05-01T00:00:00Z", "2027-05-10T00:00:00Z");
    const auto conflict = [&](std::int64_t tree_id, std::int64_t work_id, geo::Severity s) {
      geo::TreeWorkConflict c;
      c.tree_id = tree_id;
      c.work_id = work_id;
      c.severity = s;
      c.rule = "test";
      c.min_distance_m = 1;
      c.computed_at = geo::parse_utc("2026-12-01T00:00:00Z").value();
      return store.conflicts().replace_tree_work_conflicts_for_work(work_id, {c}).at(0).id;
    };
    c1 = conflict(a1, w1, geo::Severity::high);
    c2 = conflict(a5_id, w2, geo::Severity::medium);
    const auto user = [&](const char* name, geo::Role role, const char* org) {
      geo::User u;
      u.name = name;
      u.role = role;
      u.organisation = org;
      keys[name] = core::issue_api_key(store.users(), store.users().add(u)).token;
    };
    user("anna", geo::Role::contractor, "Stadtwerke Mainz");
    user("tom", geo::Role::contractor, "Telekom");
    user("paula", geo::Role::planner, "");
  }
};

struct Got {
  int status = 0;
  nlohmann::json body;
};

inline Got get_items(api::Service& service, const std::string& path,
                     std::vector<std::pair<std::string, std::string>> query,
                     const std::string& key = "") {
  api::Request req;
  req.method = api::Method::get;
  req.path = path;
  req.query = std::move(query);
  req.headers["host"] = "127.0.0.1:9999";
  if (!key.empty()) req.headers["authorization"] = "Bearer " + key;
  const auto r = service.router()->dispatch(req);
  return {r.status, nlohmann::json::parse(r.body)};
}

// The given property of every feature, in order.
inline std::vector<std::string> property_of(const nlohmann::json& body, const char* name) {
  std::vector<std::string> out;
  for (const auto& f : body.at("features")) {
    const auto& v = f.at("properties").at(name);
    out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

}  // namespace rootzone::test
