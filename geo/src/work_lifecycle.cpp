#include "rootzone/geo/work_lifecycle.hpp"

#include <array>

namespace rootzone::geo {

namespace {

enum class Side { contractor, planner };

struct Edge {
  WorkStatus from;
  WorkStatus to;
  Side side;  // who makes it besides an admin
};

// docs/domain.md "Works": the whole table; nothing else knows the lifecycle.
constexpr std::array kEdges{
    Edge{WorkStatus::draft, WorkStatus::submitted, Side::contractor},
    Edge{WorkStatus::draft, WorkStatus::cancelled, Side::contractor},
    Edge{WorkStatus::submitted, WorkStatus::approved, Side::planner},
    Edge{WorkStatus::submitted, WorkStatus::refused, Side::planner},
    Edge{WorkStatus::submitted, WorkStatus::changes_requested, Side::planner},
    Edge{WorkStatus::submitted, WorkStatus::cancelled, Side::contractor},
    Edge{WorkStatus::changes_requested, WorkStatus::submitted, Side::contractor},
    Edge{WorkStatus::changes_requested, WorkStatus::cancelled, Side::contractor},
    Edge{WorkStatus::approved, WorkStatus::in_progress, Side::contractor},
    Edge{WorkStatus::approved, WorkStatus::cancelled, Side::contractor},
    Edge{WorkStatus::in_progress, WorkStatus::completed, Side::contractor},
    Edge{WorkStatus::in_progress, WorkStatus::cancelled, Side::contractor},
};

constexpr std::array kAllStatuses{
    WorkStatus::draft,     WorkStatus::submitted,         WorkStatus::approved,
    WorkStatus::refused,   WorkStatus::changes_requested, WorkStatus::in_progress,
    WorkStatus::completed, WorkStatus::cancelled};

const Edge* find_edge(WorkStatus from, WorkStatus to) {
  for (const auto& e : kEdges) {
    if (e.from == from && e.to == to) return &e;
  }
  return nullptr;
}

}  // namespace

bool is_initial_status(WorkStatus s) {
  return s == WorkStatus::draft || s == WorkStatus::submitted;
}

bool is_transition(WorkStatus from, WorkStatus to) { return find_edge(from, to) != nullptr; }

std::vector<WorkStatus> transitions_from(WorkStatus from) {
  std::vector<WorkStatus> out;
  for (const auto to : kAllStatuses) {
    if (is_transition(from, to)) out.push_back(to);
  }
  return out;
}

bool may_transition(const Actor& actor, WorkStatus from, WorkStatus to) {
  const Edge* e = find_edge(from, to);
  if (e == nullptr) return false;
  switch (actor.role) {
    case Role::admin:
      return true;
    case Role::planner:
      return e->side == Side::planner;
    case Role::contractor:
      return e->side == Side::contractor && actor.owns_work;
    case Role::field_staff:
      break;
  }
  return false;
}

std::vector<WorkStatus> transitions_for(const Actor& actor, WorkStatus from) {
  std::vector<WorkStatus> out;
  for (const auto to : kAllStatuses) {
    if (may_transition(actor, from, to)) out.push_back(to);
  }
  return out;
}

bool is_editable(WorkStatus s) {
  return s == WorkStatus::draft || s == WorkStatus::changes_requested;
}

std::optional<std::string> transition_record_problem(WorkStatus to, const std::string& comment,
                                                     const std::string& conditions) {
  if (!conditions.empty() && to != WorkStatus::approved) {
    return "conditions belong to an approval, not to " + std::string(to_string(to));
  }
  if ((to == WorkStatus::refused || to == WorkStatus::changes_requested) &&
      comment.find_first_not_of(" \t\r\n") == std::string::npos) {
    return "a comment saying why is required for " + std::string(to_string(to));
  }
  return std::nullopt;
}

}  // namespace rootzone::geo
