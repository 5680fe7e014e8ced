#include "rootzone/core/work_cases.hpp"

#include <algorithm>

#include "rootzone/core/errors.hpp"
#include "rootzone/core/tree_cases.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/work_lifecycle.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "versioned_write.hpp"

namespace rootzone::core {

namespace {

using geo::Role;
using geo::WorkStatus;

Error reference_taken(const std::string& reference, std::int64_t other) {
  return Error(ErrorKind::conflict,
               "reference '" + reference + "' is already used by work " + std::to_string(other));
}

std::string names(const std::vector<WorkStatus>& list) {
  if (list.empty()) return "none";
  std::string out;
  for (auto s : list) out += (out.empty() ? "" : ", ") + std::string(geo::to_string(s));
  return out;
}

std::string status_name(WorkStatus s) { return std::string(geo::to_string(s)); }

void check_move(const Caller& caller, const geo::Work& w, const StatusRequest& r) {
  const geo::Actor actor{caller.user->role, caller.sees_details_of(w)};
  const auto role = std::string(geo::to_string(actor.role));
  if (!geo::is_transition(w.status, r.to)) {
    throw Error(ErrorKind::conflict,
                "work " + std::to_string(w.id) + " cannot go from " + status_name(w.status) +
                    " to " + status_name(r.to) + "; from " + status_name(w.status) +
                    " the lifecycle allows: " + names(geo::transitions_from(w.status)) +
                    " (for role " + role + ": " + names(geo::transitions_for(actor, w.status)) +
                    ")",
                "Illegal transition");
  }
  if (!geo::may_transition(actor, w.status, r.to)) {
    throw Error(ErrorKind::forbidden, "role " + role + " may not move work " +
                                          std::to_string(w.id) + " from " + status_name(w.status) +
                                          " to " + status_name(r.to) + " (allowed for this role: " +
                                          names(geo::transitions_for(actor, w.status)) + ")");
  }
  if (const auto problem = geo::transition_record_problem(r.to, r.comment, r.conditions)) {
    throw Error(ErrorKind::unprocessable, *problem, "Unprocessable work");
  }
}

void require_comment(const std::string& comment) {
  if (comment.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorKind::unprocessable,
                "comment: missing (an acknowledgement says why the conflict is accepted)",
                "Unprocessable work");
  }
}

}  // namespace

geo::Bounds work_footprint(const geo::Work& w) {
  const double grow = std::max(w.width_m.value_or(0) / 2, w.radius_m.value_or(0));
  return w.geometry.bounds().grown(grow);
}

WorkConflicts refresh_work_conflicts(LiveEngine::Session& s, const geo::Work& work) {
  WorkConflicts out;
  std::vector<geo::TreeWorkConflict> trees;
  std::vector<geo::WorkWorkConflict> works;
  if (geo::is_open(work.status)) {
    try {
      out.geometry_note =
          s.change_engine([&](geo::ConflictEngine& engine) { return engine.upsert_work(work); });
    } catch (const geo::GeometryError& e) {
      throw unrepairable(e);
    }
    trees = s.engine().tree_conflicts_of_work(work.id);
    works = s.engine().work_conflicts_of_work(work.id);
  } else {
    s.change_engine([&](geo::ConflictEngine& engine) { engine.remove_work(work.id); });
  }
  out.trees = s.store.conflicts().replace_tree_work_conflicts_for_work(work.id, trees);
  out.works = s.store.conflicts().replace_work_work_conflicts_for_work(work.id, works);
  out.zoned = zoned_trees(s.engine(), out.trees);
  s.changed.areas.push_back(work_footprint(work));
  s.changed.works.push_back(work.id);
  return out;
}

Error unrepairable(const geo::GeometryError& e) {
  // Validation refused invalid shapes already; a shape GEOS cannot even repair is still the
  // client's geometry, not a server fault.
  return Error(ErrorKind::unprocessable, std::string("geometry: ") + e.what(),
               "Unprocessable work");
}

std::vector<geo::ZonedTree> zoned_trees(const geo::ConflictEngine& engine,
                                        const std::vector<geo::TreeWorkConflict>& conflicts) {
  std::vector<geo::ZonedTree> out;
  out.reserve(conflicts.size());
  for (const auto& c : conflicts) {
    auto t = engine.zoned_tree(c.tree_id);
    // A conflict names a tree the engine holds: it was computed from it a moment ago.
    if (!t)
      throw std::logic_error("conflict with tree " + std::to_string(c.tree_id) +
                             " that the conflict engine does not hold");
    out.push_back(*t);
  }
  return out;
}

geo::Work find_work(storage::Store& store, std::int64_t id) {
  auto w = store.works().find(id);
  if (!w) throw Error(ErrorKind::not_found, "no work " + std::to_string(id));
  return std::move(*w);
}

std::string submitting_organisation(const Caller& caller, const std::optional<std::string>& named) {
  require(caller, Action::submit_works);
  return organisation_of_new_work(caller, named);
}

std::string organisation_of_new_work(const Caller& caller,
                                     const std::optional<std::string>& named) {
  const auto& own = caller.user->organisation;
  if (!caller.has_role(Role::contractor)) return named.value_or(own);
  if (own.empty()) {
    throw Error(ErrorKind::forbidden,
                "user " + caller.user->name +
                    " has no organisation: a contractor submits works for its organisation "
                    "(rootzone users add ... --organisation)");
  }
  if (named && *named != own) {
    throw Error(ErrorKind::forbidden, "contractor '" + *named + "': user " + caller.user->name +
                                          " submits works only for its own organisation '" + own +
                                          "'");
  }
  return own;
}

void require_own_new_work(const Caller& caller, const geo::Work& work) {
  if (caller.has_role(Role::contractor) && work.contractor != caller.user->organisation) {
    throw Error(ErrorKind::forbidden, "a contractor submits works only for its own organisation");
  }
}

WorkAnswer submit_work(Application& app, const Caller& caller, const geo::Work& work) {
  require(caller, Action::submit_works);
  if (work.contractor.empty()) {
    throw Error(ErrorKind::unprocessable,
                "contractor: missing (an admin without an organisation names the organisation "
                "it submits for)",
                "Unprocessable work");
  }
  require_own_new_work(caller, work);
  return app.live().write([&](LiveEngine::Session& s) {
    if (const auto other = s.store.works().find_by_reference(work.reference)) {
      throw reference_taken(work.reference, other->id);
    }
    const auto id = s.store.works().insert(work, caller.name());
    auto stored = s.store.works().get(id);
    auto c = refresh_work_conflicts(s, stored);
    return WorkAnswer{std::move(stored), std::move(c)};
  });
}

WorkAnswer edit_work(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const WorkRevision& revise) {
  require(caller, Action::edit_works);
  return write_versioned(app, "work", id, [&](LiveEngine::Session& s) {
    auto w = s.store.works().get(id);
    require_own(caller, w, "edit");
    if (w.version != expected) throw stale("work", id, w.version);
    if (!geo::is_editable(w.status)) {
      throw Error(ErrorKind::conflict,
                  "work " + std::to_string(id) + " is " + status_name(w.status) +
                      ": a work can be edited only while draft or changes_requested");
    }
    const auto before = work_footprint(w);
    revise(w);
    if (const auto other = s.store.works().find_by_reference(w.reference);
        other && other->id != id) {
      throw reference_taken(w.reference, other->id);
    }
    auto stored = s.store.works().update(w, expected);
    s.changed.areas.push_back(before);
    auto c = refresh_work_conflicts(s, stored);
    return WorkAnswer{std::move(stored), std::move(c)};
  });
}

MovedWork move_work(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                    const StatusRequest& r) {
  require(caller, Action::change_work_status);
  return write_versioned(app, "work", id, [&](LiveEngine::Session& s) {
    const auto w = s.store.works().get(id);
    require_own(caller, w, "change the status of");
    if (w.version != expected) throw stale("work", id, w.version);
    check_move(caller, w, r);
    geo::WorkStatusChange change{.id = 0,
                                 .work_id = id,
                                 .from = std::nullopt,
                                 .to = r.to,
                                 .at = {},
                                 .user = caller.name(),
                                 .comment = r.comment,
                                 .conditions = r.conditions};
    change = s.store.works().set_status(change, expected);
    auto work = s.store.works().get(id);
    auto c = refresh_work_conflicts(s, work);
    return MovedWork{std::move(work), std::move(change), std::move(c)};
  });
}

MovedWork cancel_work(Application& app, const Caller& caller, std::int64_t id,
                      std::int64_t expected) {
  require(caller, Action::cancel_works);
  return move_work(app, caller, id, expected, {WorkStatus::cancelled, "cancelled (DELETE)", ""});
}

std::vector<geo::WorkStatusChange> work_history(Application& app, const Caller& caller,
                                                std::int64_t id) {
  auto& store = app.store();
  const auto w = find_work(store, id);
  if (!caller.sees_details_of(w)) {
    require_own(caller, w, "read the history of");
    require(caller, Action::read_work_history);
  }
  return store.works().status_history(id);
}

StoredWorkConflicts conflicts_of_work(Application& app, const Caller& caller, std::int64_t id) {
  require(caller, Action::read_conflicts);
  auto& store = app.store();
  auto w = find_work(store, id);
  require_own(caller, w, "read the conflicts of");
  auto trees = store.conflicts().tree_work_conflicts_for_work(id);
  auto works = store.conflicts().work_work_conflicts_for_work(id);
  return {std::move(w), std::move(trees), std::move(works)};
}

StoredTreeConflicts conflicts_of_tree(Application& app, const Caller& caller, std::int64_t id) {
  require(caller, Action::read_conflicts);
  auto& store = app.store();
  const auto tree = store.trees().find(id);
  if (!tree) throw Error(ErrorKind::not_found, "no tree " + std::to_string(id));
  require_organisation(caller, "its own organisation's works' conflicts");
  auto conflicts = store.conflicts().tree_work_conflicts_for_tree(id);
  if (caller.has_role(Role::contractor)) {
    std::erase_if(conflicts, [&](const geo::TreeWorkConflict& c) {
      return !caller.sees_details_of(store.works().get(c.work_id));
    });
  }
  return {tree->location, std::move(conflicts)};
}

std::pair<geo::TreeWorkConflict, geo::Point> acknowledge_tree_conflict(Application& app,
                                                                       const Caller& caller,
                                                                       std::int64_t id,
                                                                       const std::string& comment) {
  require(caller, Action::acknowledge_conflicts);
  require_comment(comment);
  return app.live().write([&](LiveEngine::Session& s) {
    try {
      auto c = s.store.conflicts().acknowledge_tree_work_conflict(
          id, {.user = caller.name(), .at = {}, .comment = comment});
      const auto at = s.store.trees().get(c.tree_id).location;
      s.changed.areas.push_back({at.x, at.y, at.x, at.y});
      return std::pair(c, at);
    } catch (const storage::NotFound&) {
      throw Error(ErrorKind::not_found, "no conflict " + std::to_string(id));
    }
  });
}

geo::WorkWorkConflict acknowledge_work_clash(Application& app, const Caller& caller,
                                             std::int64_t work_id, std::int64_t clash_id,
                                             const std::string& comment) {
  require(caller, Action::acknowledge_conflicts);
  require_comment(comment);
  return app.live().write([&](LiveEngine::Session& s) {
    std::optional<geo::WorkWorkConflict> found;
    for (const auto& k : s.store.conflicts().work_work_conflicts_for_work(work_id)) {
      if (k.id == clash_id) found = k;
    }
    if (!found) {
      throw Error(ErrorKind::not_found,
                  "no clash " + std::to_string(clash_id) + " of work " + std::to_string(work_id));
    }
    auto acked = s.store.conflicts().acknowledge_work_work_conflict(
        clash_id, {.user = caller.name(), .at = {}, .comment = comment});
    for (const auto w : {acked.work_a, acked.work_b}) {
      s.changed.areas.push_back(work_footprint(s.store.works().get(w)));
    }
    return acked;
  });
}

}  // namespace rootzone::core
