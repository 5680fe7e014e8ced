#pragma once
// The statement a planner attaches to a permit (issue 14): everything about one work that the
// printed document shows, gathered from the store in one place. The HTTP layer renders it
// (api/src/works/statement_html.cpp); nothing here knows HTML.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rootzone/core/application.hpp"
#include "rootzone/core/policy.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/geo/work_outline.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::core {

// A standing tree of the sketch's extent; zones for the protected ones.
struct SketchTree {
  std::int64_t id = 0;
  std::string number;  // the city's tree number
  geo::Point location;
  std::optional<geo::ProtectionZone> zone;
};

struct StatementConflict {
  geo::TreeWorkConflict conflict;
  std::string tree_number;
  std::string species_botanical;
  std::string species_german;
  double circumference_cm = 0;  // all stems summed, as the rules read it
  geo::Point location;
  geo::ProtectionZone zone;  // under the active rule set, by geo's zone rule
};

struct StatementClash {
  geo::WorkWorkConflict clash;
  std::int64_t other_id = 0;
  std::string other_reference;
  std::string other_title;
  std::string other_contractor;
};

struct WorkStatement {
  geo::Work work;
  std::optional<geo::WorkOutline> outline;   // none when the stored shape cannot be drawn
  std::string outline_problem;               // why not
  geo::Bounds extent;                        // the sketch's, store CRS (metres)
  std::vector<SketchTree> trees;             // in the extent, by id
  std::size_t trees_left_out = 0;            // beyond kMaxSketchTrees
  std::vector<StatementConflict> conflicts;  // worst first, then by tree number
  std::vector<StatementClash> clashes;
  std::vector<geo::WorkStatusChange> history;  // oldest first
  // The last approval, refusal or request for changes; none before the first decision.
  std::optional<geo::WorkStatusChange> decision;
  // The work was submitted again after that decision: a new one is pending.
  bool decision_superseded = false;
  geo::RuleSet rules;  // the store's active rule set
  int srid = 0;
  geo::Timestamp generated_at{};
};

// A sketch of a long work in a dense street must still print: at most this many dots.
inline constexpr std::size_t kMaxSketchTrees = 5000;

// Planners and admins any work; a contractor its own organisation's (Error forbidden); the
// public unauthorized, field staff forbidden; Error not_found for no such work.
WorkStatement work_statement(Application& app, const Caller& caller, std::int64_t id);

}  // namespace rootzone::core
