// The works lifecycle and who may move a work along it (docs/domain.md "Works" and "Who may do
// what"): every pair of statuses for every actor, against the table written out here.
#include <catch2/catch.hpp>
#include <set>
#include <utility>

#include "rootzone/geo/work_lifecycle.hpp"
#include "rootzone/geo/work_validation.hpp"

using namespace rootzone::geo;

namespace {

using S = WorkStatus;
using Pairs = std::set<std::pair<S, S>>;

constexpr S kAll[] = {S::draft,       S::submitted, S::approved, S::refused, S::changes_requested,
                      S::in_progress, S::completed, S::cancelled};

// docs/domain.md: draft -> submitted -> (approved | refused | changes requested) -> in progress ->
// completed; changes requested -> submitted; cancelled from any open state.
const Pairs kContractorEdges{
    {S::draft, S::submitted},
    {S::changes_requested, S::submitted},
    {S::approved, S::in_progress},
    {S::in_progress, S::completed},
    {S::draft, S::cancelled},
    {S::submitted, S::cancelled},
    {S::changes_requested, S::cancelled},
    {S::approved, S::cancelled},
    {S::in_progress, S::cancelled},
};
const Pairs kPlannerEdges{
    {S::submitted, S::approved},
    {S::submitted, S::refused},
    {S::submitted, S::changes_requested},
};

Pairs allowed(const Actor& a) {
  Pairs out;
  for (S from : kAll) {
    for (S to : kAll) {
      if (may_transition(a, from, to)) out.insert({from, to});
    }
  }
  return out;
}

Pairs both(const Pairs& a, const Pairs& b) {
  Pairs out = a;
  out.insert(b.begin(), b.end());
  return out;
}

}  // namespace

TEST_CASE("the lifecycle has exactly the twelve edges of docs/domain.md", "[geo][lifecycle]") {
  Pairs edges;
  for (S from : kAll) {
    for (S to : kAll) {
      if (is_transition(from, to)) edges.insert({from, to});
    }
  }
  CHECK(edges == both(kContractorEdges, kPlannerEdges));
  CHECK(edges.size() == 12);
  // Closed states lead nowhere: what is refused, completed or cancelled stays so.
  CHECK(transitions_from(S::refused).empty());
  CHECK(transitions_from(S::completed).empty());
  CHECK(transitions_from(S::cancelled).empty());
  CHECK(transitions_from(S::submitted) ==
        std::vector<S>{S::approved, S::refused, S::changes_requested, S::cancelled});
  // Cancelled is reachable from exactly the open states.
  for (S from : kAll) CHECK(is_transition(from, S::cancelled) == is_open(from));
}

TEST_CASE("who may make which transition: the full table per role", "[geo][lifecycle]") {
  CHECK(allowed({Role::contractor, true}) == kContractorEdges);
  CHECK(allowed({Role::contractor, false}).empty());  // another organisation's work
  CHECK(allowed({Role::planner, false}) == kPlannerEdges);
  CHECK(allowed({Role::planner, true}) == kPlannerEdges);  // ownership means nothing to a planner
  CHECK(allowed({Role::admin, false}) == both(kContractorEdges, kPlannerEdges));
  CHECK(allowed({Role::field_staff, true}).empty());
  CHECK(allowed({Role::field_staff, false}).empty());

  CHECK(transitions_for({Role::contractor, true}, S::submitted) == std::vector<S>{S::cancelled});
  CHECK(transitions_for({Role::planner, false}, S::submitted) ==
        std::vector<S>{S::approved, S::refused, S::changes_requested});
  CHECK(transitions_for({Role::planner, false}, S::draft).empty());
}

TEST_CASE("initial and editable statuses", "[geo][lifecycle]") {
  std::set<S> initial, editable;
  for (S s : kAll) {
    if (is_initial_status(s)) initial.insert(s);
    if (is_editable(s)) editable.insert(s);
  }
  CHECK(initial == std::set<S>{S::draft, S::submitted});
  CHECK(editable == std::set<S>{S::draft, S::changes_requested});
}

TEST_CASE("conditions only on approvals, reasons on refusals", "[geo][lifecycle]") {
  CHECK_FALSE(transition_record_problem(S::approved, "", "hand digging within 5 m of tree 4711"));
  CHECK(transition_record_problem(S::refused, "", "root bridge") ==
        "conditions belong to an approval, not to refused");
  CHECK(transition_record_problem(S::refused, "  ", "") ==
        "a comment saying why is required for refused");
  CHECK(transition_record_problem(S::changes_requested, "", "") ==
        "a comment saying why is required for changes_requested");
  CHECK_FALSE(transition_record_problem(S::changes_requested, "move 3 m east", ""));
  CHECK_FALSE(transition_record_problem(S::cancelled, "", ""));
}

namespace {

Work valid_trench() {
  Work w;
  w.reference = "W-1";
  w.title = "Fernwärme";
  w.kind = WorkKind::trench;
  w.geometry = Geometry::from_wkt("LINESTRING(0 0, 10 0)");
  w.width_m = 0.8;
  w.starts_at = parse_utc("2027-03-01T00:00:00Z").value();
  w.ends_at = parse_utc("2027-03-02T00:00:00Z").value();
  return w;
}

std::vector<std::string> fields(const std::vector<WorkProblem>& p) {
  std::vector<std::string> out;
  for (const auto& x : p) out.push_back(x.field);
  return out;
}

}  // namespace

TEST_CASE("work validation names each problem's field", "[geo][lifecycle]") {
  CHECK(work_problems(valid_trench()).empty());

  auto w = valid_trench();
  w.width_m.reset();
  CHECK(work_problems(w) ==
        std::vector<WorkProblem>{{"width_m", "width_m: a line work needs its width in metres"}});

  w = valid_trench();
  w.reference = " ";
  w.title = "";
  w.width_m = -1;
  w.depth_m = 250;
  w.ends_at = parse_utc("2027-02-01T00:00:00Z").value();
  CHECK(fields(work_problems(w)) ==
        std::vector<std::string>{"reference", "title", "width_m", "depth_m", "ends_at"});
  CHECK(work_problems(w).back().message ==
        "ends_at 2027-02-01T00:00:00Z is before starts_at 2027-03-01T00:00:00Z");

  // A bow tie: GEOS names the self-intersection and where it is.
  w = valid_trench();
  w.geometry = Geometry::from_wkt("POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))");
  w.width_m.reset();
  const auto p = work_problems(w);
  REQUIRE(p.size() == 1);
  CHECK(p[0].field == "geometry");
  CHECK_THAT(p[0].message, Catch::StartsWith("geometry is not valid (OGC simple features): "
                                             "Self-intersection[5 5]"));

  w = valid_trench();
  w.geometry = Geometry::from_wkt("POINT(1 1)");
  CHECK(fields(work_problems(w)) == std::vector<std::string>{"radius_m", "width_m"});
  w.width_m.reset();
  w.radius_m = 3;
  CHECK(work_problems(w).empty());
}
