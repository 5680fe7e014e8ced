#include "rootzone/core/work_statement.hpp"

#include <algorithm>
#include <numeric>

#include "rootzone/core/errors.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tile_query.hpp"

namespace rootzone::core {

namespace {

using geo::WorkStatus;

bool is_decision(WorkStatus s) {
  return s == WorkStatus::approved || s == WorkStatus::refused ||
         s == WorkStatus::changes_requested;
}

// The work with every conflicting tree's zones whole, and room around them: a reader must see
// where the trees stand. At least 40 m across, so a pit does not fill the page.
geo::Bounds sketch_extent(const WorkStatement& s) {
  auto b = geo::Bounds::none();
  if (s.outline) b.expand(s.outline->envelope);
  for (const auto& c : s.conflicts) {
    const double r = std::max(c.zone.root_radius_m, c.zone.trench_radius_m);
    b.expand(geo::Bounds{c.location.x - r, c.location.y - r, c.location.x + r, c.location.y + r});
  }
  if (b.empty()) b = work_footprint(s.work);
  b = b.grown(5);
  constexpr double kMinSide = 40;
  const double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
  const double hw = std::max(b.maxx - b.minx, kMinSide) / 2;
  const double hh = std::max(b.maxy - b.miny, kMinSide) / 2;
  return {cx - hw, cy - hh, cx + hw, cy + hh};
}

}  // namespace

WorkStatement work_statement(Application& app, const Caller& caller, std::int64_t id) {
  require(caller, Action::read_statement);
  auto& store = app.store();
  storage::StoreSnapshot snapshot(store);
  WorkStatement s;
  s.work = find_work(store, id);
  require_own(caller, s.work, "read the statement of");
  s.rules = store.rule_sets().active();
  s.srid = store.srid();
  s.generated_at = geo::now_utc();
  try {
    s.outline = geo::work_outline(s.work);
  } catch (const geo::GeometryError& e) {
    s.outline_problem = e.what();
  }

  for (auto& c : store.conflicts().tree_work_conflicts_for_work(id)) {
    const auto tree = store.trees().get(c.tree_id);
    StatementConflict row;
    row.tree_number = tree.source_id;
    row.species_botanical = tree.species_botanical;
    row.species_german = tree.species_german;
    row.circumference_cm = std::accumulate(tree.stem_circumferences_cm.begin(),
                                           tree.stem_circumferences_cm.end(), 0.0);
    row.location = tree.location;
    row.zone = geo::protection_zone(tree, s.rules);
    row.conflict = std::move(c);
    s.conflicts.push_back(std::move(row));
  }
  std::sort(s.conflicts.begin(), s.conflicts.end(), [](const auto& a, const auto& b) {
    if (a.conflict.severity != b.conflict.severity)
      return a.conflict.severity > b.conflict.severity;
    return a.tree_number < b.tree_number;
  });

  for (auto& k : store.conflicts().work_work_conflicts_for_work(id)) {
    StatementClash row;
    row.other_id = k.work_a == id ? k.work_b : k.work_a;
    const auto other = store.works().get(row.other_id);
    row.other_reference = other.reference;
    row.other_title = other.title;
    row.other_contractor = other.contractor;
    row.clash = std::move(k);
    s.clashes.push_back(std::move(row));
  }

  s.history = store.works().status_history(id);
  for (const auto& change : s.history) {
    if (is_decision(change.to)) {
      s.decision = change;
      s.decision_superseded = false;
    } else if (s.decision && change.to == WorkStatus::submitted) {
      s.decision_superseded = true;
    }
  }

  s.extent = sketch_extent(s);
  storage::for_each_tile_tree(store, s.extent, [&](const storage::TileTree& t) {
    if (!s.extent.contains(t.location)) return;  // the index's float box is a little larger
    if (t.status != "existing") return;          // felled and planned trees do not stand there
    if (s.trees.size() >= kMaxSketchTrees) {
      ++s.trees_left_out;
      return;
    }
    SketchTree tree{t.id, std::string(t.source_id), t.location, std::nullopt};
    if (t.is_protected) {
      tree.zone = geo::protection_zone(t.circumference_cm.value_or(0), t.crown_diameter_m,
                                       t.columnar, s.rules);
    }
    s.trees.push_back(std::move(tree));
  });
  std::sort(s.trees.begin(), s.trees.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return s;
}

}  // namespace rootzone::core
