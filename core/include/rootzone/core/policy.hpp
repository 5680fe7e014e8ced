#pragma once
// Who may do what (docs/domain.md "Who may do what"), in one table that every use case and
// every route asks. A rule about roles lives here and nowhere else.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rootzone/geo/user.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::core {

// The public (no key) or a user, as the HTTP layer authenticated it.
struct Caller {
  std::optional<geo::User> user;  // none: the public

  bool is_public() const { return !user.has_value(); }
  bool has_role(geo::Role r) const { return user && user->role == r; }
  // The name history rows record: the user's, or "public".
  std::string name() const { return user ? user->name : "public"; }
  // Planners and admins see every work in detail (contact, conflicts); a contractor only the
  // works of its own organisation (an organisation it has: a user without one sees none);
  // everyone else the public layer.
  bool sees_details_of(const geo::Work& w) const;
};

enum class Action {
  read_trees,
  read_public_works,
  add_trees,
  edit_trees,
  record_inspections,
  fell_trees,
  read_inspections,
  read_tree_history,
  submit_works,
  edit_works,
  cancel_works,
  change_work_status,
  read_work_history,
  read_conflicts,
  acknowledge_conflicts,
  read_statement,
  read_works_overview,
};

struct Permission {
  Action action;
  std::string_view text;  // completes "may not ...": "edit trees"
  bool public_may;        // without a key
  bool contractor, field_staff, planner, admin;
};

// Every action, once.
std::span<const Permission> policy_table();
const Permission& permission(Action action);

bool may(const Caller& caller, Action action);

// Error unauthorized for the public, forbidden for a role the table does not allow; the
// detail names the action and the roles that may do it.
void require(const Caller& caller, Action action);

// A contractor acts only on its own organisation's works (`what` completes "may only ...
// its own organisation's works": "edit", "read the conflicts of"). Other roles pass.
void require_own(const Caller& caller, const geo::Work& work, std::string_view what);

// A contractor without an organisation is refused (Error forbidden) what is filtered by the
// organisation (`what` completes "a contractor reads only ...": "its own works' conflicts"):
// an empty organisation would match every imported work with an empty contractor field.
// Other roles pass.
void require_organisation(const Caller& caller, std::string_view what);

}  // namespace rootzone::core
