#pragma once
// What contractors and planners do with works (docs/domain.md "Works"): submit, edit while
// the contractor holds the work, move it along its lifecycle (cancel included), read its
// history and conflicts, acknowledge conflicts. Every write runs through the live engine, so
// the answer carries the conflicts as they are after it, stored in the same transaction.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rootzone/core/application.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/core/policy.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::core {

struct WorkConflicts {
  std::vector<geo::TreeWorkConflict> trees;  // as stored, by id
  std::vector<geo::WorkWorkConflict> works;
  std::string geometry_note;  // GEOS's repair note when the engine had to repair the shape
  // The tree of each of `trees`, in the same order, with its location and zones as the engine
  // holds them: how far the work must move to leave each zone.
  std::vector<geo::ZonedTree> zoned;
};

// The engine's trees of `conflicts`, in their order.
std::vector<geo::ZonedTree> zoned_trees(const geo::ConflictEngine& engine,
                                        const std::vector<geo::TreeWorkConflict>& conflicts);
// 422 for a shape GEOS cannot even repair.
Error unrepairable(const geo::GeometryError& e);

// The work's footprint in the store CRS, its width or radius included.
geo::Bounds work_footprint(const geo::Work& w);

// In a live-engine write, after the work was stored: an open work is (re)indexed and its
// conflicts computed; a closed one leaves the engine and loses its conflicts. Adds the work's
// footprint to s.changed. Error unprocessable for a shape GEOS cannot even repair.
WorkConflicts refresh_work_conflicts(LiveEngine::Session& s, const geo::Work& work);

// The stored work; Error not_found.
geo::Work find_work(storage::Store& store, std::int64_t id);

// The organisation a new work is submitted for: the contractor's own (Error forbidden when it
// has none, or names another), or the one an admin names on its behalf.
std::string submitting_organisation(const Caller& caller, const std::optional<std::string>& named);
// The same without asking whether the caller may submit (the preview asks its own action).
std::string organisation_of_new_work(const Caller& caller, const std::optional<std::string>& named);
// Error forbidden for a contractor naming another organisation than its own.
void require_own_new_work(const Caller& caller, const geo::Work& work);

struct WorkAnswer {
  geo::Work work;
  WorkConflicts conflicts;
};

// Stores a new work (its contractor from submitting_organisation) with its conflicts. Error
// unprocessable without a contractor, conflict for a reference another work has.
WorkAnswer submit_work(Application& app, const Caller& caller, const geo::Work& work);

// The work as the caller wants it, made from the stored one inside the write; may throw.
using WorkRevision = std::function<void(geo::Work& stored)>;

// Edits work `id` at version `expected` while it is a draft or changes were requested (Error
// conflict otherwise); a contractor only its own organisation's.
WorkAnswer edit_work(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const WorkRevision& revise);

struct StatusRequest {
  geo::WorkStatus to = geo::WorkStatus::cancelled;
  std::string comment;
  std::string conditions;
};
struct MovedWork {
  geo::Work work;
  geo::WorkStatusChange change;
  WorkConflicts conflicts;
};
// Moves work `id` (at version `expected`) along its lifecycle: Error conflict for an edge the
// lifecycle lacks, forbidden for one the caller's role may not take (both naming the steps
// allowed), unprocessable for a step without the comment or with conditions it may not carry.
MovedWork move_work(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                    const StatusRequest& request);
// DELETE: cancellation. Works are never erased.
MovedWork cancel_work(Application& app, const Caller& caller, std::int64_t id,
                      std::int64_t expected);

std::vector<geo::WorkStatusChange> work_history(Application& app, const Caller& caller,
                                                std::int64_t id);

// A work's stored conflicts (a contractor: only its own organisation's works).
struct StoredWorkConflicts {
  geo::Work work;
  std::vector<geo::TreeWorkConflict> trees;
  std::vector<geo::WorkWorkConflict> works;
};
StoredWorkConflicts conflicts_of_work(Application& app, const Caller& caller, std::int64_t id);

// A tree's stored conflicts: for a contractor those of its own organisation's works only.
struct StoredTreeConflicts {
  geo::Point location;
  std::vector<geo::TreeWorkConflict> conflicts;
};
StoredTreeConflicts conflicts_of_tree(Application& app, const Caller& caller, std::int64_t id);

// A planner accepts a conflict, saying why (Error unprocessable without a comment).
std::pair<geo::TreeWorkConflict, geo::Point> acknowledge_tree_conflict(Application& app,
                                                                       const Caller& caller,
                                                                       std::int64_t id,
                                                                       const std::string& comment);
geo::WorkWorkConflict acknowledge_work_clash(Application& app, const Caller& caller,
                                             std::int64_t work_id, std::int64_t clash_id,
                                             const std::string& comment);

}  // namespace rootzone::core
