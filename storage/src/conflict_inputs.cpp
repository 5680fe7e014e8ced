#include "rootzone/storage/conflict_inputs.hpp"

#include <unordered_map>

#include "rootzone/storage/database.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

std::vector<geo::Tree> load_engine_trees(Database& db) {
  // Two ordered scans merged in C++: a join or a correlated stems subquery per tree costs a
  // B-tree probe per row, the merge costs nothing.
  auto trees = db.prepare(
      "SELECT id, source_id, ST_X(location), ST_Y(location), crown_diameter_m, columnar,"
      " species_botanical, status, protection_source, protection_reason"
      " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
  std::vector<geo::Tree> out;
  while (trees.step()) {
    geo::Tree t;
    t.id = trees.int64(0);
    t.source_id = trees.text(1);
    t.location = {trees.real(2), trees.real(3)};
    t.crown_diameter_m = trees.optional_real(4);
    if (const auto c = trees.optional_int32(5)) t.columnar = *c == 1;
    t.species_botanical = trees.text(6);
    t.status = geo::TreeStatus::existing;
    t.protection.is_protected = true;
    t.protection.source =
        detail::enum_column(trees, 8, "trees.protection_source", geo::protection_source_from_string);
    t.protection.reason = trees.text(9);
    out.push_back(std::move(t));
  }

  auto stems = db.prepare(
      "SELECT s.tree_id, s.circumference_cm FROM tree_stems s JOIN trees t ON t.id = s.tree_id"
      " WHERE t.is_protected = 1 AND t.status = 'existing' ORDER BY s.tree_id, s.stem_no");
  std::size_t i = 0;
  while (stems.step()) {
    const auto tree_id = stems.int64(0);
    while (i < out.size() && out[i].id < tree_id) ++i;
    if (i < out.size() && out[i].id == tree_id) out[i].stem_circumferences_cm.push_back(stems.real(1));
  }
  return out;
}

std::size_t save_tree_zones(Database& db, const std::string& rule_set,
                            const std::vector<ZoneRow>& zones) {
  Transaction tx(db);
  struct Stored {
    std::string rule_set;
    double root = 0;
    double trench = 0;
    std::string rule;
  };
  std::unordered_map<std::int64_t, Stored> stored;
  {
    auto s = db.prepare(
        "SELECT tree_id, rule_set, root_radius_m, trench_radius_m, root_zone_rule FROM tree_zones");
    while (s.step()) stored[s.int64(0)] = {s.text(1), s.real(2), s.real(3), s.text(4)};
  }
  const auto now = geo::format_utc(geo::now_utc());
  auto upsert = db.prepare(
      "INSERT OR REPLACE INTO tree_zones (tree_id, rule_set, root_zone_rule, root_radius_m,"
      " trench_radius_m, computed_at) VALUES (?, ?, ?, ?, ?, ?)");
  std::size_t written = 0;
  for (const auto& z : zones) {
    const auto it = stored.find(z.tree_id);
    const std::string rule = geo::describe_root_rule(z.zone);
    const bool same = it != stored.end() && it->second.rule_set == rule_set &&
                      it->second.root == z.zone.root_radius_m &&
                      it->second.trench == z.zone.trench_radius_m && it->second.rule == rule;
    if (it != stored.end()) stored.erase(it);
    if (same) continue;
    upsert.bind(1, z.tree_id)
        .bind(2, rule_set)
        .bind(3, rule)
        .bind(4, z.zone.root_radius_m)
        .bind(5, z.zone.trench_radius_m)
        .bind(6, now);
    upsert.run();
    upsert.reset();
    ++written;
  }
  // What is left belongs to trees that are no longer protected or no longer stand.
  auto drop = db.prepare("DELETE FROM tree_zones WHERE tree_id = ?");
  for (const auto& [tree_id, unused] : stored) {
    drop.bind(1, tree_id);
    drop.run();
    drop.reset();
    ++written;
  }
  tx.commit();
  return written;
}

}  // namespace rootzone::storage
