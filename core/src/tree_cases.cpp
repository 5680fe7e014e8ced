#include "rootzone/core/tree_cases.hpp"

#include <algorithm>

#include "rootzone/core/errors.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "versioned_write.hpp"

namespace rootzone::core {

namespace {

double zone_reach(const geo::Tree& t, const geo::RuleSet& rules) {
  const auto z = geo::protection_zone(t, rules);
  return std::max(z.trench_radius_m, z.root_radius_m);
}

geo::Bounds point_bounds(geo::Point p) { return {p.x, p.y, p.x, p.y}; }

void refuse_taken_source_id(storage::Store& store, const geo::Tree& tree) {
  const auto holder = store.trees().find_by_source_id(tree.source_id);
  if (holder && holder->id != tree.id) {
    throw Error(ErrorKind::conflict,
                "properties.source_id: tree number '" + tree.source_id + "' is already tree " +
                    std::to_string(holder->id),
                "Duplicate tree number");
  }
}

// The engine learns the tree as it is now (a felled or unprotected tree leaves it), and the
// stored conflicts of the tree become what the engine computes.
std::vector<geo::TreeWorkConflict> recompute_conflicts(LiveEngine::Session& s,
                                                       const geo::Tree& tree) {
  s.change_engine([&](geo::ConflictEngine& engine) { engine.upsert_tree(tree); });
  s.changed.trees.push_back(tree.id);
  return s.store.conflicts().replace_tree_work_conflicts_for_tree(
      tree.id, s.engine().tree_conflicts_of_tree(tree.id));
}

StoredTree store_change(LiveEngine::Session& s, const geo::Tree& before, geo::Tree after,
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

}  // namespace

geo::Tree find_tree(storage::Store& store, std::int64_t id) {
  auto t = store.trees().find(id);
  if (!t) throw Error(ErrorKind::not_found, "no tree " + std::to_string(id), "Feature not found");
  return std::move(*t);
}

StoredTree add_tree(Application& app, const Caller& caller, geo::Tree tree, geo::Timestamp at) {
  require(caller, Action::add_trees);
  return write_versioned(app, "tree", 0, [&](LiveEngine::Session& s) {
    const auto rules = s.store.rule_sets().active();
    tree.protection = geo::evaluate_protection(tree, rules);
    refuse_taken_source_id(s.store, tree);
    tree.updated_at = at;
    const auto id = s.store.trees().insert(tree);
    s.store.trees().add_history_note({.tree_id = id,
                                      .at = at,
                                      .user = caller.name(),
                                      .field = "created",
                                      .old_value = std::nullopt,
                                      .new_value = tree.source_id,
                                      .rule_set = std::nullopt,
                                      .rule_set_citation = std::nullopt});
    StoredTree out{s.store.trees().get(id), true, {}};
    out.conflicts = recompute_conflicts(s, out.tree);
    s.changed.areas.push_back(point_bounds(out.tree.location).grown(zone_reach(out.tree, rules)));
    return out;
  });
}

StoredTree edit_tree(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const TreeRevision& revise, geo::Timestamp at) {
  require(caller, Action::edit_trees);
  return write_versioned(app, "tree", id, [&](LiveEngine::Session& s) {
    const auto before = find_tree(s.store, id);
    if (before.version != expected) throw stale("tree", id, before.version);
    return store_change(s, before, revise(before), caller.name(), at);
  });
}

RecordedInspection record_inspection(Application& app, const Caller& caller, std::int64_t id,
                                     std::optional<std::int64_t> expected,
                                     geo::Inspection inspection, geo::Timestamp at) {
  require(caller, Action::record_inspections);
  inspection.tree_id = id;
  inspection.recorded_by = caller.name();
  inspection.recorded_at = at;
  auto tree = write_versioned(app, "tree", id, [&](LiveEngine::Session& s) {
    const auto before = find_tree(s.store, id);
    if (before.status == geo::TreeStatus::felled) {
      throw Error(ErrorKind::conflict,
                  "tree " + std::to_string(id) + " was felled on " +
                      geo::format_date(before.felled_on.value_or(geo::Date{})) +
                      ": there is nothing left to inspect",
                  "Tree is felled");
    }
    if (expected && *expected != before.version) throw stale("tree", id, before.version);
    inspection.id = s.store.trees().add_inspection(inspection);
    // The tree's dates follow its latest inspection: one queued offline that is older than
    // the last recorded one is kept, but does not move them back.
    geo::Tree after = before;
    if (!before.last_inspection || inspection.inspected_on >= *before.last_inspection) {
      after.last_inspection = inspection.inspected_on;
      if (inspection.next_inspection) {
        after.next_inspection = inspection.next_inspection;
      } else if (after.next_inspection && *after.next_inspection <= inspection.inspected_on) {
        after.next_inspection.reset();  // the scheduled one took place
      }
    }
    return store_change(s, before, std::move(after), caller.name(), at);
  });
  return {std::move(inspection), std::move(tree)};
}

StoredTree fell_tree(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const Felling& felling, geo::Timestamp at) {
  require(caller, Action::fell_trees);
  return write_versioned(app, "tree", id, [&](LiveEngine::Session& s) {
    const auto before = find_tree(s.store, id);
    // Before the version: a second felling is told what happened, not only that it is stale.
    if (before.status == geo::TreeStatus::felled) {
      throw Error(ErrorKind::conflict,
                  "tree " + std::to_string(id) + " was already felled on " +
                      geo::format_date(before.felled_on.value_or(geo::Date{})),
                  "Tree is felled");
    }
    if (before.status != geo::TreeStatus::existing) {
      throw Error(
          ErrorKind::conflict,
          "tree " + std::to_string(id) + " is planned, not standing: change its status instead",
          "Tree is only planned");
    }
    if (before.version != expected) throw stale("tree", id, before.version);
    if (before.planting_year &&
        static_cast<int>(felling.felled_on.year()) < *before.planting_year) {
      throw Error(ErrorKind::unprocessable,
                  "felled_on: " + geo::format_date(felling.felled_on) +
                      " lies before the planting year " + std::to_string(*before.planting_year),
                  "Invalid value");
    }
    geo::Tree after = before;
    after.status = geo::TreeStatus::felled;
    after.felled_on = felling.felled_on;
    auto out = store_change(s, before, std::move(after), caller.name(), at);
    s.store.trees().add_history_note({.tree_id = id,
                                      .at = at,
                                      .user = caller.name(),
                                      .field = "felling_reason",
                                      .old_value = std::nullopt,
                                      .new_value = felling.reason,
                                      .rule_set = std::nullopt,
                                      .rule_set_citation = std::nullopt});
    return out;
  });
}

std::vector<geo::Inspection> tree_inspections(Application& app, const Caller& caller,
                                              std::int64_t id) {
  require(caller, Action::read_inspections);
  auto& store = app.store();
  find_tree(store, id);
  return store.trees().inspections(id);
}

std::vector<geo::TreeChange> tree_history(Application& app, const Caller& caller, std::int64_t id) {
  require(caller, Action::read_tree_history);
  auto& store = app.store();
  find_tree(store, id);
  return store.trees().history(id);
}

}  // namespace rootzone::core
