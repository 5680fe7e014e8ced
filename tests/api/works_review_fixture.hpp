#pragma once
// Hand-made stores for the statement and overview tests (issue 14): trees and works written
// straight into a SpatiaLite store, their conflicts computed by the conflict engine and stored
// as `rootzone check` stores them, users with keys; then a real `rootzone serve` reads it.
#include <map>
#include <string>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"

namespace rootzone::test {

// A tree with one stem; protection from the Mainz ordinance (>= 80 cm protected).
inline std::int64_t add_tree(storage::Store& store, const std::string& number, geo::Point at,
                             double stem_cm, double crown_m) {
  geo::Tree t;
  t.source_id = number;
  t.location = at;
  t.species_botanical = "Tilia cordata";
  t.species_german = "Winter-Linde";
  t.stem_circumferences_cm = {stem_cm};
  t.crown_diameter_m = crown_m;
  t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
  return store.trees().insert(t);
}

inline geo::Work make_work(const std::string& reference, const std::string& contractor,
                           geo::WorkKind kind, const std::string& wkt, const std::string& starts,
                           const std::string& ends) {
  geo::Work w;
  w.reference = reference;
  w.title = "Arbeiten " + reference;
  w.contractor = contractor;
  w.contact = "Bauleitung, 06131 12-345";
  w.kind = kind;
  w.geometry = geo::Geometry::from_wkt(wkt);
  w.starts_at = *geo::parse_utc(starts);
  w.ends_at = *geo::parse_utc(ends);
  w.status = geo::WorkStatus::submitted;
  w.source = "test";
  return w;
}

// Every conflict and clash of the store, as `rootzone check` and `check --clashes` store them.
inline void store_conflicts(storage::Store& store) {
  const auto rules = store.rule_sets().active();
  geo::ConflictEngine engine(rules);
  engine.load(storage::load_zoned_trees(store, rules).trees, store.works().open());
  const auto all = engine.check_all(1);
  store.conflicts().replace_all_tree_work_conflicts(all.tree_work);
  store.conflicts().replace_all_work_work_conflicts(all.work_work);
}

inline std::string add_user(storage::Store& store, const std::string& name, geo::Role role,
                            const std::string& organisation) {
  geo::User u;
  u.name = name;
  u.role = role;
  u.organisation = organisation;
  return core::issue_api_key(store.users(), store.users().add(u)).token;
}

inline HttpResponse get(int port, const std::string& target, const std::string& key) {
  HttpClient c(port);
  return c.get(target, key.empty() ? "" : "Authorization: Bearer " + key + "\r\n");
}

}  // namespace rootzone::test
