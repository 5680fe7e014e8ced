#include "tree_write.hpp"

#include <algorithm>

#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::api {

namespace {

double zone_reach(const geo::Tree& t, const geo::RuleSet& rules) {
  const auto z = geo::protection_zone(t, rules);
  return std::max(z.trench_radius_m, z.root_radius_m);
}

geo::Bounds point_bounds(geo::Point p) { return {p.x, p.y, p.x, p.y}; }

void refuse_taken_source_id(storage::Store& store, const geo::Tree& tree) {
  const auto holder = store.trees().find_by_source_id(tree.source_id);
  if (holder && holder->id != tree.id) {
    throw Problem{409,
                  "Duplicate tree number",
                  "properties.source_id: tree number '" + tree.source_id + "' is already tree " +
                      std::to_string(holder->id),
                  "about:blank",
                  {}};
  }
}

// The engine learns the tree as it is now (a felled or unprotected tree leaves it), and the
// stored conflicts of the tree become what the engine computes.
std::vector<geo::TreeWorkConflict> recompute_conflicts(LiveConflicts::Session& s,
                                                       const geo::Tree& tree) {
  auto& engine = s.engine();
  engine.upsert_tree(tree);
  return s.store.conflicts().replace_tree_work_conflicts_for_tree(
      tree.id, engine.tree_conflicts_of_tree(tree.id));
}

}  // namespace

geo::Tree stored_tree(storage::Store& store, std::int64_t id) {
  auto t = store.trees().find(id);
  if (!t) {
    throw Problem{404, "Feature not found", "no tree " + std::to_string(id), "about:blank", {}};
  }
  return std::move(*t);
}

StoredTree store_new_tree(LiveConflicts::Session& s, geo::Tree tree, const std::string& user,
                          geo::Timestamp at) {
  const auto rules = s.store.rule_sets().active();
  tree.protection = geo::evaluate_protection(tree, rules);
  refuse_taken_source_id(s.store, tree);
  tree.updated_at = at;
  const auto id = s.store.trees().insert(tree);
  s.store.trees().add_history_note({.tree_id = id,
                                    .at = at,
                                    .user = user,
                                    .field = "created",
                                    .old_value = std::nullopt,
                                    .new_value = tree.source_id});
  StoredTree out{s.store.trees().get(id), true, {}};
  out.conflicts = recompute_conflicts(s, out.tree);
  s.changed.areas.push_back(point_bounds(out.tree.location).grown(zone_reach(out.tree, rules)));
  return out;
}

StoredTree store_tree_change(LiveConflicts::Session& s, const geo::Tree& before, geo::Tree after,
                             const std::string& user, geo::Timestamp at) {
  const auto rules = s.store.rule_sets().active();
  after.protection = geo::evaluate_protection(after, rules);
  if (after.source_id != before.source_id) refuse_taken_source_id(s.store, after);
  StoredTree out;
  out.tree = s.store.trees().update(after, before.version, user, at);
  out.changed = out.tree.version != before.version;
  if (!out.changed) {
    out.conflicts = s.store.conflicts().tree_work_conflicts_for_tree(before.id);
    return out;
  }
  out.conflicts = recompute_conflicts(s, out.tree);
  // Zones grow and move with the tree: both footprints, each grown by the larger reach.
  const double reach = std::max(zone_reach(before, rules), zone_reach(out.tree, rules));
  s.changed.areas.push_back(point_bounds(before.location).grown(reach));
  if (out.tree.location != before.location) {
    s.changed.areas.push_back(point_bounds(out.tree.location).grown(reach));
  }
  return out;
}

}  // namespace rootzone::api
