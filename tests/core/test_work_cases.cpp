// Contractors' and planners' use cases (core/work_cases.hpp) on a real store, without HTTP.
// MZ-2 (120 cm, crown 8 m) of support/mainz_city.hpp is protected: R_t = max(2.5, 4 x 1.20) = 4.8
// m, R_r = 8/2 + 1.5 = 5.5 m (docs/domain.md).
#include <catch2/catch.hpp>

#include "core_fixture.hpp"
#include "error_kind.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/storage/store.hpp"

using namespace rootzone;
using core::ErrorKind;
using geo::Role;
using geo::WorkStatus;
using test::error_of;

namespace {

// A pit of radius 1 m whose centre lies 2 m east of MZ-2: its edge 1.0 m from the stem.
geo::Work pit(std::string reference, std::string contractor) {
  geo::Work w;
  w.reference = std::move(reference);
  w.title = "Hausanschluss";
  w.contractor = std::move(contractor);
  w.kind = geo::WorkKind::pit;
  w.geometry = geo::Geometry::from_wkt("POINT (448112 5538003)");
  w.radius_m = 1.0;
  w.starts_at = geo::parse_utc("2027-05-01T06:00:00Z").value();
  w.ends_at = geo::parse_utc("2027-05-20T16:00:00Z").value();
  w.status = WorkStatus::submitted;
  w.source = "api";
  return w;
}

}  // namespace

TEST_CASE("work cases: a submission is stored with its conflicts, in the contractor's name") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto contractor = test::as(Role::contractor, "Tiefbau GmbH");
  CHECK(core::submitting_organisation(contractor, std::nullopt) == "Tiefbau GmbH");
  CHECK(error_of([&] { core::submitting_organisation(contractor, "Netze AG"); }).kind() ==
        ErrorKind::forbidden);
  CHECK(error_of([&] { core::submitting_organisation(test::as(Role::contractor), {}); }).kind() ==
        ErrorKind::forbidden);
  CHECK(core::submitting_organisation(test::as(Role::admin), "Netze AG") == "Netze AG");

  const auto answer = core::submit_work(app, contractor, pit("P-1", "Tiefbau GmbH"));
  CHECK(answer.work.id > 0);
  CHECK(answer.work.status == WorkStatus::submitted);
  REQUIRE(answer.conflicts.trees.size() == 1);
  const auto& c = answer.conflicts.trees[0];
  CHECK(c.tree_id == city.tree2);
  CHECK(c.severity == geo::Severity::critical);
  CHECK(c.min_distance_m == Approx(1.0));
  CHECK(app.store().conflicts().tree_work_conflicts_for_work(answer.work.id) ==
        answer.conflicts.trees);

  const auto taken =
      error_of([&] { core::submit_work(app, contractor, pit("P-1", "Tiefbau GmbH")); });
  CHECK(taken.kind() == ErrorKind::conflict);
  CHECK(std::string(taken.what()) ==
        "reference 'P-1' is already used by work " + std::to_string(answer.work.id));
  CHECK(error_of([&] {
          core::submit_work(app, test::as(Role::planner), pit("P-2", "X"));
        }).kind() == ErrorKind::forbidden);
}

TEST_CASE("work cases: the lifecycle by role, and edits only while the contractor holds the work") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto contractor = test::as(Role::contractor, "Tiefbau GmbH");
  const auto other = test::as(Role::contractor, "Netze AG");
  const auto planner = test::as(Role::planner);
  const auto id = core::submit_work(app, contractor, pit("P-1", "Tiefbau GmbH")).work.id;

  // Submitted: not editable.
  const auto held = error_of(
      [&] { core::edit_work(app, contractor, id, 1, [](geo::Work& w) { w.title = "x"; }); });
  CHECK(held.kind() == ErrorKind::conflict);
  // Another organisation's work.
  CHECK(error_of([&] {
          core::move_work(app, other, id, 1, {WorkStatus::cancelled, "", ""});
        }).kind() == ErrorKind::forbidden);
  // A contractor may not approve its own work; the detail names what it may do.
  const auto approve = error_of([&] {
    core::move_work(app, contractor, id, 1, {WorkStatus::approved, "", ""});
  });
  CHECK(approve.kind() == ErrorKind::forbidden);
  CHECK(std::string(approve.what()) ==
        "role contractor may not move work " + std::to_string(id) +
            " from submitted to approved (allowed for this role: cancelled)");

  // The planner asks for changes: a comment is needed.
  CHECK(error_of([&] {
          core::move_work(app, planner, id, 1, {WorkStatus::changes_requested, "", ""});
        }).kind() == ErrorKind::unprocessable);
  const auto asked =
      core::move_work(app, planner, id, 1, {WorkStatus::changes_requested, "move it 5 m", ""});
  CHECK(asked.work.status == WorkStatus::changes_requested);
  CHECK(asked.change.from == WorkStatus::submitted);
  CHECK(asked.change.user == "planner user");

  // Now the contractor may move the pit 10 m east: out of MZ-2's zones, no conflict left.
  const auto moved = core::edit_work(app, contractor, id, asked.work.version, [](geo::Work& w) {
    w.geometry = geo::Geometry::from_wkt("POINT (448122 5538003)");
  });
  CHECK(moved.conflicts.trees.empty());
  CHECK(app.store().conflicts().tree_work_conflicts_for_work(id).empty());

  // A stale version names the current one.
  const auto stale = error_of([&] { core::cancel_work(app, contractor, id, 1); });
  CHECK(stale.kind() == ErrorKind::precondition_failed);
  REQUIRE(stale.current());
  CHECK(stale.current()->version == moved.work.version);

  const auto cancelled = core::cancel_work(app, contractor, id, moved.work.version);
  CHECK(cancelled.work.status == WorkStatus::cancelled);
  CHECK(cancelled.change.comment == "cancelled (DELETE)");
  // Cancelled is final: no edge out of it.
  CHECK(
      error_of([&] {
        core::move_work(app, planner, id, cancelled.work.version, {WorkStatus::submitted, "", ""});
      }).kind() == ErrorKind::conflict);
  const auto history = core::work_history(app, contractor, id);
  REQUIRE(history.size() == 3);
  CHECK(history.back().to == WorkStatus::cancelled);
  CHECK(error_of([&] { core::work_history(app, other, id); }).kind() == ErrorKind::forbidden);
  CHECK(error_of([&] { core::work_history(app, test::as(Role::field_staff), id); }).kind() ==
        ErrorKind::forbidden);
}

TEST_CASE("work cases: acknowledging needs a planner and a reason, and contractors see their own") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto contractor = test::as(Role::contractor, "Tiefbau GmbH");
  const auto planner = test::as(Role::planner);
  const auto answer = core::submit_work(app, contractor, pit("P-1", "Tiefbau GmbH"));
  REQUIRE(answer.conflicts.trees.size() == 1);
  const auto conflict = answer.conflicts.trees[0].id;

  CHECK(error_of([&] {
          core::acknowledge_tree_conflict(app, contractor, conflict, "ok");
        }).kind() == ErrorKind::forbidden);
  CHECK(error_of([&] { core::acknowledge_tree_conflict(app, planner, conflict, "  "); }).kind() ==
        ErrorKind::unprocessable);
  CHECK(error_of([&] {
          core::acknowledge_tree_conflict(app, planner, 999, "root bridge");
        }).kind() == ErrorKind::not_found);
  const auto [acked, at] =
      core::acknowledge_tree_conflict(app, planner, conflict, "root bridge, hand digging");
  CHECK(acked.acknowledged);
  CHECK(acked.acknowledged->user == "planner user");
  CHECK(at == geo::Point{448110.0, 5538003.0});

  CHECK(core::conflicts_of_tree(app, contractor, city.tree2).conflicts.size() == 1);
  CHECK(core::conflicts_of_tree(app, test::as(Role::contractor, "Netze AG"), city.tree2)
            .conflicts.empty());
  CHECK(error_of([&] {
          core::conflicts_of_work(app, test::as(Role::contractor, "Netze AG"), answer.work.id);
        }).kind() == ErrorKind::forbidden);
  CHECK(error_of([&] {
          core::conflicts_of_tree(app, test::as(Role::field_staff), city.tree2);
        }).kind() == ErrorKind::forbidden);
}
