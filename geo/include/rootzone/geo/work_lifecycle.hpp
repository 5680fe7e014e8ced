#pragma once
// The lifecycle of a work (docs/domain.md "Works", modelled on the UK Street Manager) and who may
// move a work along it (docs/domain.md "Who may do what"): the one copy of this rule.
//
//   draft -> submitted -> approved | refused | changes_requested
//   changes_requested -> submitted;  approved -> in_progress -> completed
//   cancelled from any open state (draft, submitted, changes_requested, approved, in_progress)
//
// A contractor moves its own organisation's works: submit, cancel, start and complete. A
// planner decides on submitted works: approve (with conditions), refuse, request changes.
// An admin may make every transition (acting for either side).
#include <optional>
#include <string>
#include <vector>

#include "rootzone/geo/user.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::geo {

// The statuses a new work may be stored with: a draft, or submitted at once.
bool is_initial_status(WorkStatus s);

// Whether the lifecycle has the edge from -> to at all (for anyone).
bool is_transition(WorkStatus from, WorkStatus to);
// The lifecycle's edges out of `from`, in the order of the enum.
std::vector<WorkStatus> transitions_from(WorkStatus from);

// Who acts on a work: their role, and for a contractor whether the work is its organisation's.
struct Actor {
  Role role = Role::contractor;
  bool owns_work = false;
};

// Whether `actor` may move a work from -> to (false for an edge the lifecycle lacks).
bool may_transition(const Actor& actor, WorkStatus from, WorkStatus to);
// The edges out of `from` that `actor` may take.
std::vector<WorkStatus> transitions_for(const Actor& actor, WorkStatus from);

// The work's details (geometry, time window, ...) may be edited only while the contractor
// holds it: a draft, or after a planner asked for changes.
bool is_editable(WorkStatus s);

// What a transition must carry: conditions only on an approval; a refusal or a request for
// changes says why in its comment. The reason when the request lacks it, none when fine.
std::optional<std::string> transition_record_problem(WorkStatus to, const std::string& comment,
                                                     const std::string& conditions);

}  // namespace rootzone::geo
