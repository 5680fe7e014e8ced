// TreeRepository: round trips, field-by-field history, optimistic locking, constraints.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::test::date;
using rootzone::test::sample_tree;
using rootzone::test::StoreFixture;
using rootzone::test::utc;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

TEST_CASE("a tree with every field set comes back equal", "[storage][trees]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  auto expected = sample_tree();
  const auto id = trees.insert(expected);
  CHECK(id == 1);
  expected.id = id;
  expected.version = 1;
  CHECK(trees.get(id) == expected);
  CHECK(trees.find_by_source_id("MZ-04711") == expected);
  CHECK(trees.find_by_source_id("MZ-00000") == std::nullopt);
  CHECK(trees.all() == std::vector<geo::Tree>{expected});
  CHECK(trees.count() == 1);
  // The point is stored as a POINT in the store's CRS (SpatiaLite or PostGIS).
  CHECK(f.one("SELECT ST_AsText(location) || ' ' || ST_SRID(location) FROM trees WHERE id = 1") ==
        "POINT(447123.25 5541234.5) 25832");
}

TEST_CASE("a tree with only the required fields comes back equal", "[storage][trees]") {
  StoreFixture f;
  geo::Tree minimal;
  minimal.source_id = "B-1";
  minimal.location = {447000, 5541000};
  minimal.stem_circumferences_cm = {35};
  minimal.status = geo::TreeStatus::planned;
  minimal.protection = {false, geo::ProtectionSource::manual, ""};
  minimal.updated_at = utc(2026, 1, 1);
  const auto id = f.store.trees().insert(minimal);
  minimal.id = id;
  minimal.version = 1;
  CHECK(f.store.trees().get(id) == minimal);

  // all() keeps stems with their trees when trees without stems lie in between.
  auto stemless = minimal;
  stemless.source_id = "B-2";
  stemless.stem_circumferences_cm.clear();
  auto third = minimal;
  third.source_id = "B-3";
  third.stem_circumferences_cm = {12, 14.5};
  stemless.id = f.store.trees().insert(stemless);
  third.id = f.store.trees().insert(third);
  CHECK(f.store.trees().all() == std::vector<geo::Tree>{minimal, stemless, third});
}

TEST_CASE("an update writes one history row per changed field and bumps the version",
          "[storage][trees]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  const auto id = trees.insert(sample_tree());
  auto changed = trees.get(id);
  changed.stem_circumferences_cm = {62.5, 41, 33};
  changed.crown_diameter_m = std::nullopt;
  changed.vitality = 2;
  changed.status = geo::TreeStatus::felled;
  changed.felled_on = date(2026, 2, 20);
  changed.location = {447124, 5541234.5};

  const auto at = utc(2026, 2, 20, 14, 5);
  const auto stored = trees.update(changed, 1, "kontrolle.mueller", at);
  auto expected = changed;
  expected.version = 2;
  expected.updated_at = at;
  CHECK(stored == expected);
  CHECK(trees.get(id) == expected);
  // The stems on the tree's row (what reads use) and in tree_stems (what SQL users join)
  // both changed, in stem order.
  CHECK(f.one("SELECT stems_cm FROM trees WHERE id = " + std::to_string(id)) == "62.5,41,33");
  // tree_stems.circumference_cm is a REAL (SQLite prints 41.0) or a double precision (41).
  if (f.postgis()) {
    CHECK(f.one("SELECT string_agg(stem_no || '=' || circumference_cm, ' ' ORDER BY stem_no) "
                "FROM tree_stems WHERE tree_id = " +
                std::to_string(id)) == "1=62.5 2=41 3=33");
  } else {
    CHECK(f.one("SELECT group_concat(stem_no || '=' || circumference_cm, ' ') FROM"
                " (SELECT * FROM tree_stems WHERE tree_id = " +
                std::to_string(id) + " ORDER BY stem_no)") == "1=62.5 2=41.0 3=33.0");
  }

  using Change = geo::TreeChange;
  const auto row = [&](std::int64_t n, const char* field, std::optional<std::string> before,
                       std::optional<std::string> after) {
    return Change{.id = n,
                  .tree_id = id,
                  .at = at,
                  .user = "kontrolle.mueller",
                  .field = field,
                  .old_value = std::move(before),
                  .new_value = std::move(after),
                  .rule_set = std::nullopt,
                  .rule_set_citation = std::nullopt};
  };
  CHECK(trees.history(id) ==
        std::vector<Change>{
            row(1, "location", "POINT (447123.25 5541234.5)", "POINT (447124 5541234.5)"),
            row(2, "stem_circumferences_cm", "62.5, 41", "62.5, 41, 33"),
            row(3, "crown_diameter_m", "6.5", std::nullopt),
            row(4, "vitality", "1", "2"),
            row(5, "status", "existing", "felled"),
            row(6, "felled_on", std::nullopt, "2026-02-20"),
        });

  // Nothing changed: nothing written, version kept.
  CHECK(trees.update(expected, 2, "kontrolle.mueller", utc(2026, 3, 1)) == expected);
  CHECK(trees.history(id).size() == 6);
}

TEST_CASE("an update against a stale version is refused", "[storage][trees]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  const auto id = trees.insert(sample_tree());
  auto mine = trees.get(id);
  auto theirs = mine;
  theirs.height_m = 15;
  trees.update(theirs, 1, "app.field1", utc(2026, 2, 1));

  mine.height_m = 13;
  REQUIRE_THROWS_AS(trees.update(mine, 1, "app.field2"), storage::VersionConflict);
  REQUIRE_THROWS_WITH(trees.update(mine, 1, "app.field2"),
                      "tree 1: version 1 expected, store has 2");
  CHECK(trees.get(id).height_m == 15);
  CHECK(trees.history(id).size() == 1);

  mine.id = 4711;
  REQUIRE_THROWS_AS(trees.update(mine, 1, "app.field2"), storage::NotFound);
  REQUIRE_THROWS_WITH(trees.get(4711), "tree 4711 not found");
}

TEST_CASE("impossible or duplicate trees are refused by the schema", "[storage][trees]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  trees.insert(sample_tree("MZ-1"));

  REQUIRE_THROWS_AS(trees.insert(sample_tree("MZ-1")), storage::ConstraintViolation);
  REQUIRE_THROWS_WITH(trees.insert(sample_tree("MZ-1")),
                      Catch::EndsWith("UNIQUE constraint failed: trees.source_id") &&
                          Catch::StartsWith("tree MZ-1: "));

  auto vitality = sample_tree("MZ-2");
  vitality.vitality = 4;
  CHECK_THROWS_WITH(trees.insert(vitality),
                    Catch::EndsWith("CHECK constraint failed: vitality BETWEEN 0 AND 3"));
  auto stem = sample_tree("MZ-3");
  stem.stem_circumferences_cm = {80, 0};
  CHECK_THROWS_WITH(trees.insert(stem),
                    Catch::EndsWith("CHECK constraint failed: circumference_cm > 0"));
  auto crown = sample_tree("MZ-4");
  crown.crown_diameter_m = 0;
  CHECK_THROWS_WITH(trees.insert(crown),
                    Catch::EndsWith("CHECK constraint failed: crown_diameter_m > 0"));
  // A failed insert leaves no half tree (no stems without their tree).
  CHECK(trees.count() == 1);
  CHECK(trees.all().front().stem_circumferences_cm == std::vector<double>{62.5, 41});
}

TEST_CASE("inspections round trip oldest first", "[storage][trees]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  const auto id = trees.insert(sample_tree());
  geo::Inspection later{.id = 0,
                        .tree_id = id,
                        .inspected_on = date(2026, 3, 2),
                        .kind = geo::InspectionKind::additional,
                        .inspector = "B. Müller",
                        .findings = "Pilzbefall am Stammfuß (Brandkrustenpilz)",
                        .measures = "Zugversuch beauftragen",
                        .measures_deadline = date(2026, 4, 1),
                        .next_inspection = date(2026, 9, 1),
                        .recorded_at = utc(2026, 3, 2, 12),
                        .recorded_by = "kontrolle.mueller"};
  geo::Inspection earlier{.id = 0,
                          .tree_id = id,
                          .inspected_on = date(2025, 9, 3),
                          .kind = geo::InspectionKind::regular,
                          .inspector = "A. Schmitt",
                          .findings = "",
                          .measures = "",
                          .measures_deadline = std::nullopt,
                          .next_inspection = std::nullopt,
                          .recorded_at = utc(2025, 9, 3, 15),
                          .recorded_by = "kontrolle.schmitt"};
  later.id = trees.add_inspection(later);
  earlier.id = trees.add_inspection(earlier);
  CHECK(later.id == 1);
  CHECK(earlier.id == 2);
  CHECK(trees.inspections(id) == std::vector<geo::Inspection>{earlier, later});
  CHECK(trees.inspections(99).empty());

  auto orphan = earlier;
  orphan.tree_id = 99;
  CHECK_THROWS_WITH(trees.add_inspection(orphan),
                    Catch::StartsWith("inspection of tree 99: ") &&
                        Catch::EndsWith("FOREIGN KEY constraint failed"));
}
