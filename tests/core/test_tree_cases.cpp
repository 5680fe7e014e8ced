// Field staff's use cases (core/tree_cases.hpp) on a real store, without HTTP. The figures
// come from docs/domain.md's formulas on support/mainz_city.hpp's city: MZ-1 (79 cm, crown 8 m)
// stands 2.5 m from the edge of trench W-1.
#include <catch2/catch.hpp>
#include <vector>

#include "core_fixture.hpp"
#include "error_kind.hpp"
#include "rootzone/core/tree_cases.hpp"
#include "rootzone/storage/store.hpp"

using namespace rootzone;
using core::ErrorKind;
using geo::Role;
using test::error_of;

namespace {

const auto kAt = geo::parse_utc("2026-12-01T09:00:00Z").value();

core::TreeRevision stems(double cm) {
  return [cm](const geo::Tree& t) {
    auto after = t;
    after.stem_circumferences_cm = {cm};
    return after;
  };
}

}  // namespace

TEST_CASE("tree cases: a stem grown to the threshold protects the tree, and its conflict follows") {
  test::CoreCity city;
  core::Application app(city.db);
  std::vector<core::DataChange> published;
  app.on_change([&](const core::DataChange& c) { published.push_back(c); });
  const auto field = test::as(Role::field_staff);

  // 80 cm at 1.0 m: protected under Mainz §3. R_t = max(2.5, 4 x 0.80) = 3.2 m, R_r = 8/2 + 1.5
  // = 5.5 m; the trench (excavation) reaches 2.5 m from the stem: inside R_t, critical.
  const auto stored = core::edit_tree(app, field, city.tree, 1, stems(80), kAt);
  CHECK(stored.changed);
  CHECK(stored.tree.version == 2);
  CHECK(stored.tree.protection.is_protected);
  REQUIRE(stored.conflicts.size() == 1);
  CHECK(stored.conflicts[0].work_id == city.work);
  CHECK(stored.conflicts[0].severity == geo::Severity::critical);
  CHECK(stored.conflicts[0].min_distance_m == Approx(2.5));
  // The conflict is stored in the same transaction.
  CHECK(app.store().conflicts().tree_work_conflicts_for_tree(city.tree) == stored.conflicts);
  // One change published, the tree's place grown by its larger reach (5.5 m).
  REQUIRE(published.size() == 1);
  REQUIRE(published[0].areas.size() == 1);
  CHECK(published[0].areas[0] == geo::Bounds{448004.5, 5537997.5, 448015.5, 5538008.5});

  // Back to 79 cm: unprotected again, the conflict gone.
  const auto back = core::edit_tree(app, field, city.tree, 2, stems(79), kAt);
  CHECK_FALSE(back.tree.protection.is_protected);
  CHECK(back.conflicts.empty());
  CHECK(app.store().conflicts().tree_work_conflicts_for_tree(city.tree).empty());

  // The same value again writes nothing and keeps the version.
  const auto same = core::edit_tree(app, field, city.tree, 3, stems(79), kAt);
  CHECK_FALSE(same.changed);
  CHECK(same.tree.version == 3);
  CHECK(published.size() == 3);  // the unchanged write still committed (its generation moved)
}

TEST_CASE("tree cases: refusals are domain errors naming what was wrong") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto field = test::as(Role::field_staff);

  const auto stale = error_of([&] { core::edit_tree(app, field, city.tree, 7, stems(90), kAt); });
  CHECK(stale.kind() == ErrorKind::precondition_failed);
  REQUIRE(stale.current());
  CHECK(stale.current()->collection == "tree");
  CHECK(stale.current()->version == 1);

  CHECK(error_of([&] { core::edit_tree(app, field, 999, 1, stems(90), kAt); }).kind() ==
        ErrorKind::not_found);
  CHECK(error_of([&] {
          core::edit_tree(app, test::as(Role::planner), city.tree, 1, stems(90), kAt);
        }).kind() == ErrorKind::forbidden);
  CHECK(error_of([&] {
          core::edit_tree(app, test::kPublic, city.tree, 1, stems(90), kAt);
        }).kind() == ErrorKind::unauthorized);

  // A tree number another tree has.
  const auto dup = error_of([&] {
    core::edit_tree(
        app, field, city.tree, 1,
        [](const geo::Tree& t) {
          auto after = t;
          after.source_id = "MZ-2";
          return after;
        },
        kAt);
  });
  CHECK(dup.kind() == ErrorKind::conflict);
  CHECK(std::string(dup.what()) ==
        "properties.source_id: tree number 'MZ-2' is already tree " + std::to_string(city.tree2));
  // Nothing of the refused writes was stored.
  CHECK(app.store().trees().get(city.tree).version == 1);
}

TEST_CASE(
    "tree cases: a felled tree leaves its conflicts, keeps its record and takes no inspection") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto field = test::as(Role::field_staff);
  core::edit_tree(app, field, city.tree, 1, stems(80), kAt);  // protected, one conflict

  const geo::Date felled_on = std::chrono::year{2026} / 11 / 30;
  const auto early = error_of([&] {
    core::fell_tree(app, field, city.tree, 2, {std::chrono::year{1970} / 1 / 1, "storm"}, kAt);
  });
  CHECK(early.kind() == ErrorKind::unprocessable);
  CHECK(std::string(early.what()) == "felled_on: 1970-01-01 lies before the planting year 1975");

  const auto felled = core::fell_tree(app, field, city.tree, 2, {felled_on, "storm damage"}, kAt);
  CHECK(felled.tree.status == geo::TreeStatus::felled);
  CHECK(felled.conflicts.empty());
  CHECK(app.store().conflicts().tree_work_conflicts_for_tree(city.tree).empty());
  const auto history = core::tree_history(app, field, city.tree);
  REQUIRE_FALSE(history.empty());
  CHECK(history.back().field == "felling_reason");
  CHECK(history.back().new_value == "storm damage");
  CHECK(history.back().user == "field_staff user");

  CHECK(error_of([&] {
          core::fell_tree(app, field, city.tree, 3, {felled_on, "again"}, kAt);
        }).kind() == ErrorKind::conflict);
  geo::Inspection i;
  i.inspected_on = felled_on;
  i.kind = geo::InspectionKind::regular;
  const auto late = error_of([&] { core::record_inspection(app, field, city.tree, {}, i, kAt); });
  CHECK(late.kind() == ErrorKind::conflict);
  CHECK(late.title() == "Tree is felled");
}

TEST_CASE(
    "tree cases: an inspection moves the tree's dates, an older one queued offline does not") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto field = test::as(Role::field_staff);
  geo::Inspection i;
  i.inspected_on = std::chrono::year{2026} / 11 / 2;
  i.kind = geo::InspectionKind::regular;
  i.next_inspection = std::chrono::year{2027} / 11 / 2;
  const auto first = core::record_inspection(app, field, city.tree, 1, i, kAt);
  CHECK(first.inspection.id > 0);
  CHECK(first.inspection.recorded_by == "field_staff user");
  CHECK(first.tree.tree.last_inspection == i.inspected_on);
  CHECK(first.tree.tree.next_inspection == i.next_inspection);

  geo::Inspection older = i;
  older.inspected_on = std::chrono::year{2026} / 6 / 1;
  older.next_inspection = std::chrono::year{2026} / 12 / 1;
  const auto second = core::record_inspection(app, field, city.tree, std::nullopt, older, kAt);
  CHECK(second.tree.tree.last_inspection == i.inspected_on);
  CHECK(second.tree.tree.next_inspection == i.next_inspection);
  CHECK(core::tree_inspections(app, field, city.tree).size() == 2);
  CHECK(error_of([&] {
          core::tree_inspections(app, test::as(Role::contractor, "X"), city.tree);
        }).kind() == ErrorKind::forbidden);
}
