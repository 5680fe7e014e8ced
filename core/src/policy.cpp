#include "rootzone/core/policy.hpp"

#include <array>

#include "rootzone/core/errors.hpp"

namespace rootzone::core {

namespace {

using A = Action;

// clang-format off
// action                    "may not ..."                    public contractor field  planner admin
constexpr std::array kTable = {
    Permission{A::read_trees,            "read trees",                    true,  true,  true,  true,  true},
    Permission{A::read_public_works,     "read works",                    true,  true,  true,  true,  true},
    Permission{A::add_trees,             "add trees",                     false, false, true,  false, true},
    Permission{A::edit_trees,            "edit trees",                    false, false, true,  false, true},
    Permission{A::record_inspections,    "record inspections",            false, false, true,  false, true},
    Permission{A::fell_trees,            "mark trees felled",             false, false, true,  false, true},
    // Inspections and history are the city's evidence of its duty of care: staff read them.
    Permission{A::read_inspections,      "read inspections",              false, false, true,  true,  true},
    Permission{A::read_tree_history,     "read tree history",             false, false, true,  true,  true},
    Permission{A::submit_works,          "submit works",                  false, true,  false, false, true},
    Permission{A::edit_works,            "edit works",                    false, true,  false, false, true},
    Permission{A::cancel_works,          "cancel works",                  false, true,  false, false, true},
    // A contractor may take the steps of its own works (submit a draft, start, complete);
    // which steps is geo::may_transition's lifecycle rule.
    Permission{A::change_work_status,    "change the status of works",    false, true,  false, true,  true},
    Permission{A::read_work_history,     "read the history of works",     false, true,  false, true,  true},
    // Conflicts name works and severities: planners' and contractors' business, not public.
    Permission{A::read_conflicts,        "read conflicts",                false, true,  false, true,  true},
    Permission{A::acknowledge_conflicts, "acknowledge conflicts",         false, false, false, true,  true},
    // The printable statement and the overview name works' conflicts and contacts: a
    // contractor reads its own organisation's only (require_own, require_organisation).
    Permission{A::read_statement,        "read work statements",          false, true,  false, true,  true},
    Permission{A::read_works_overview,   "read the works overview",       false, true,  false, true,  true},
};
// clang-format on

bool role_may(const Permission& p, geo::Role role) {
  switch (role) {
    case geo::Role::contractor:
      return p.contractor;
    case geo::Role::field_staff:
      return p.field_staff;
    case geo::Role::planner:
      return p.planner;
    case geo::Role::admin:
      return p.admin;
  }
  return false;
}

std::string allowed_roles(const Permission& p) {
  std::string out;
  for (const auto r :
       {geo::Role::contractor, geo::Role::field_staff, geo::Role::planner, geo::Role::admin}) {
    if (!role_may(p, r)) continue;
    if (!out.empty()) out += ", ";
    out += geo::to_string(r);
  }
  return out;
}

}  // namespace

bool Caller::sees_details_of(const geo::Work& w) const {
  if (!user) return false;
  switch (user->role) {
    case geo::Role::planner:
    case geo::Role::admin:
      return true;
    case geo::Role::contractor:
      return !user->organisation.empty() && user->organisation == w.contractor;
    case geo::Role::field_staff:
      break;
  }
  return false;
}

std::span<const Permission> policy_table() { return kTable; }

const Permission& permission(Action action) {
  for (const auto& p : kTable) {
    if (p.action == action) return p;
  }
  throw std::logic_error("policy: an action without a row in the table");
}

bool may(const Caller& caller, Action action) {
  const auto& p = permission(action);
  return caller.is_public() ? p.public_may : role_may(p, caller.user->role);
}

void require(const Caller& caller, Action action) {
  if (may(caller, action)) return;
  const auto& p = permission(action);
  if (caller.is_public()) {
    throw Error(ErrorKind::unauthorized, "an API key is needed to " + std::string(p.text));
  }
  throw Error(ErrorKind::forbidden, "role " + std::string(geo::to_string(caller.user->role)) +
                                        " may not " + std::string(p.text) +
                                        " (allowed: " + allowed_roles(p) + ")");
}

void require_own(const Caller& caller, const geo::Work& work, std::string_view what) {
  if (!caller.has_role(geo::Role::contractor) || caller.sees_details_of(work)) return;
  throw Error(ErrorKind::forbidden, "work " + std::to_string(work.id) +
                                        " belongs to another organisation than " +
                                        caller.user->organisation + ": a contractor may only " +
                                        std::string(what) + " its own organisation's works");
}

void require_organisation(const Caller& caller, std::string_view what) {
  if (!caller.has_role(geo::Role::contractor) || !caller.user->organisation.empty()) return;
  throw Error(ErrorKind::forbidden,
              "user " + caller.user->name + " has no organisation: a contractor reads only " +
                  std::string(what) + " (rootzone users add ... --organisation)");
}

}  // namespace rootzone::core
