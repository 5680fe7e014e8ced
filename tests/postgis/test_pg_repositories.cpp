// The tree, work and user repositories of a PostGIS store against the SpatiaLite ones: the same
// calls on a fresh store of each kind give the same values back, field by field, and the same
// errors (type and, for NotFound, the message).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "postgis/pg_fixture.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"

namespace geo = rootzone::geo;
namespace storage = rootzone::storage;
using rootzone::test::PgTestDatabase;
using rootzone::test::TempDir;
using std::chrono::sys_days;
using storage::Store;

namespace {

geo::Timestamp at(int day, int hour) {
  return sys_days{std::chrono::year{2026} / 5 / day} + std::chrono::hours{hour};
}

// Coordinates and measures whose shortest text has 17 digits, and 0.1 + 0.2: a store that rounds
// anything on the way shows it.
geo::Tree linden(std::string source_id) {
  geo::Tree t;
  t.source_id = std::move(source_id);
  t.site = "Stadtgarten \"Süd\", Weg\\2";
  t.district = "Altstadt";
  t.location = {513456.12345678912, 5277890.9876543211};
  t.species_botanical = "Tilia cordata";
  t.species_german = "Winter-Linde";
  t.genus = "Tilia";
  t.stem_circumferences_cm = {120.5, 0.1 + 0.2, 64};
  t.crown_diameter_m = 9.300000000000001;
  t.height_m = 17.25;
  t.planting_year = 1961;
  t.vitality = 1;
  t.development_phase = "Altersphase";
  t.last_inspection = std::chrono::year{2025} / 9 / 14;
  t.next_inspection = std::chrono::year{2026} / 9 / 14;
  t.columnar = false;
  t.protection = {.is_protected = true,
                  .source = geo::ProtectionSource::ordinance,
                  .reason = "circumference 184.8 cm >= 80 cm"};
  t.updated_at = at(2, 8);
  return t;
}

geo::Work trench(std::string reference) {
  geo::Work w;
  w.reference = std::move(reference);
  w.title = "Fernwärme, 2. BA";
  w.contractor = "Tiefbau Müller";
  w.contact = "bau@example.invalid";
  w.kind = geo::WorkKind::trench;
  w.geometry = geo::Geometry::from_wkt(
      "LINESTRING (513450.1 5277880.123456789, 513470.30000000005 5277895.5, 513480 5277900)");
  w.width_m = 0.8;
  w.depth_m = 1.2000000000000002;
  w.starts_at = at(10, 6);
  w.ends_at = at(20, 16);
  w.status = geo::WorkStatus::submitted;
  w.source = "api";
  w.updated_at = at(3, 9);
  return w;
}

// The same steps on a store: what they return and what the store holds afterwards.
struct TreeRun {
  std::vector<geo::Tree> stored;
  std::vector<geo::TreeChange> history;
  std::vector<geo::Inspection> inspections;
  std::vector<std::string> errors;
};

template <class F>
void expect_error(std::vector<std::string>& errors, F f) {
  try {
    f();
    errors.emplace_back("no error");
  } catch (const storage::NotFound& e) {
    errors.emplace_back(std::string("NotFound: ") + e.what());
  } catch (const storage::VersionConflict& e) {
    errors.emplace_back("VersionConflict");
  } catch (const storage::ConstraintViolation& e) {
    errors.emplace_back("ConstraintViolation");
  }
}

TreeRun tree_steps(Store& store) {
  TreeRun run;
  auto& trees = store.trees();
  const auto a = trees.insert(linden("T-1"));
  auto plain = linden("T-2");
  plain.stem_circumferences_cm.clear();
  plain.crown_diameter_m.reset();
  plain.columnar.reset();
  plain.last_inspection.reset();
  const auto b = trees.insert(plain);

  auto changed = trees.get(a);
  changed.location.x += 0.30000000000000004;
  changed.stem_circumferences_cm = {130.25};
  changed.height_m.reset();
  changed.vitality = 2;
  changed.status = geo::TreeStatus::felled;
  changed.felled_on = std::chrono::year{2026} / 5 / 7;
  changed.protection = {
      .is_protected = true, .source = geo::ProtectionSource::manual, .reason = "Naturdenkmal"};
  const auto updated = trees.update(changed, 1, "anna", at(7, 12));
  CHECK(updated.version == 2);
  // Unchanged: nothing written, the version stays.
  CHECK(trees.update(updated, 2, "anna", at(8, 12)).version == 2);
  trees.add_history_note({.id = 0,
                          .tree_id = b,
                          .at = at(8, 13),
                          .user = "bert",
                          .field = "created",
                          .old_value = std::nullopt,
                          .new_value = "via API",
                          .rule_set = std::nullopt,
                          .rule_set_citation = std::nullopt});
  trees.add_inspection({.id = 0,
                        .tree_id = a,
                        .inspected_on = std::chrono::year{2026} / 4 / 2,
                        .kind = geo::InspectionKind::additional,
                        .inspector = "Clara",
                        .findings = "Totholz",
                        .measures = "Kronenpflege",
                        .measures_deadline = std::chrono::year{2026} / 6 / 1,
                        .next_inspection = std::nullopt,
                        .recorded_at = at(9, 10),
                        .recorded_by = "clara"});
  trees.add_inspection({.id = 0,
                        .tree_id = a,
                        .inspected_on = std::chrono::year{2025} / 4 / 2,
                        .kind = geo::InspectionKind::regular,
                        .inspector = "Clara",
                        .findings = "",
                        .measures = "",
                        .measures_deadline = std::nullopt,
                        .next_inspection = std::chrono::year{2026} / 4 / 2,
                        .recorded_at = at(9, 11),
                        .recorded_by = "clara"});

  expect_error(run.errors, [&] { trees.update(updated, 1, "anna", at(9, 12)); });
  expect_error(run.errors, [&] { trees.get(4711); });
  expect_error(run.errors, [&] { trees.insert(linden("T-1")); });
  auto impossible = linden("T-3");
  impossible.vitality = 4;
  expect_error(run.errors, [&] { trees.insert(impossible); });
  auto unfelled = linden("T-4");
  unfelled.felled_on = std::chrono::year{2026} / 1 / 1;
  expect_error(run.errors, [&] { trees.insert(unfelled); });
  // Inside a transaction a refused tree leaves the rest usable (a savepoint on both stores).
  {
    storage::StoreTransaction tx(store);
    expect_error(run.errors, [&] { trees.insert(linden("T-2")); });
    trees.insert(linden("T-5"));
    tx.commit();
  }

  run.stored = trees.all();
  CHECK(trees.find_by_source_id("T-5").has_value());
  CHECK_FALSE(trees.find_by_source_id("T-6").has_value());
  CHECK(trees.count() == 3);
  for (const auto id : {a, b}) {
    for (auto& h : trees.history(id)) run.history.push_back(std::move(h));
  }
  run.inspections = trees.inspections(a);
  return run;
}

struct WorkRun {
  std::vector<geo::Work> stored, open;
  std::vector<geo::WorkStatusChange> history;
  std::vector<std::string> errors;
};

WorkRun work_steps(Store& store) {
  WorkRun run;
  auto& works = store.works();
  const auto a = works.insert(trench("W-1"), "planner-1");
  auto crane = trench("W-2");
  crane.kind = geo::WorkKind::crane;
  crane.geometry = geo::Geometry::from_wkt(
      "MULTIPOLYGON (((513400 5277800, 513410.5 5277800, 513410.5 5277810.25, 513400 5277800)))");
  crane.width_m.reset();
  crane.radius_m = 6;
  crane.depth_m.reset();
  const auto b = works.insert(crane, "planner-2");

  auto moved = works.get(a);
  moved.title = "Fernwärme, 3. BA";
  moved.geometry = geo::Geometry::from_point({513455.5, 5277885.125});
  moved.ends_at = at(25, 16);
  CHECK(works.update(moved, 1, at(11, 7)).version == 2);
  works.set_status({.id = 0,
                    .work_id = a,
                    .from = std::nullopt,
                    .to = geo::WorkStatus::approved,
                    .at = at(12, 8),
                    .user = "amt",
                    .comment = "mit Auflagen",
                    .conditions = "Wurzelschutz"},
                   2);
  works.set_status({.id = 0,
                    .work_id = b,
                    .from = std::nullopt,
                    .to = geo::WorkStatus::completed,
                    .at = at(12, 9),
                    .user = "amt",
                    .comment = "",
                    .conditions = ""},
                   std::nullopt);

  expect_error(run.errors, [&] { works.update(moved, 1, at(13, 7)); });
  expect_error(run.errors, [&] { works.get(12); });
  expect_error(run.errors, [&] { works.insert(trench("W-1"), "x"); });
  auto backwards = trench("W-3");
  backwards.ends_at = at(1, 1);
  expect_error(run.errors, [&] { works.insert(backwards, "x"); });
  expect_error(run.errors, [&] {
    works.set_status({.id = 0,
                      .work_id = a,
                      .from = std::nullopt,
                      .to = geo::WorkStatus::in_progress,
                      .at = at(13, 8),
                      .user = "amt",
                      .comment = "",
                      .conditions = ""},
                     2);
  });

  // After the refused ones, the next work's id is the same on both stores.
  auto site = trench("W-6");
  site.kind = geo::WorkKind::site_facility;
  works.insert(site, "planner-1");

  run.stored = works.all();
  run.open = works.open();
  CHECK(works.find_by_reference("W-2").has_value());
  CHECK(works.count() == 3);
  for (const auto id : {a, b}) {
    for (auto& h : works.status_history(id)) run.history.push_back(std::move(h));
  }
  return run;
}

struct UserRun {
  std::vector<geo::User> users;
  std::vector<geo::ApiKey> keys;
  std::optional<geo::ApiKey> found;
  std::vector<std::string> errors;
};

UserRun user_steps(Store& store) {
  UserRun run;
  auto& users = store.users();
  const auto anna = users.add({.id = 0,
                               .name = "anna",
                               .role = geo::Role::planner,
                               .organisation = "Grünflächenamt",
                               .created_at = at(1, 9),
                               .disabled = false});
  const auto tief = users.add({.id = 0,
                               .name = "tiefbau",
                               .role = geo::Role::contractor,
                               .organisation = "Tiefbau Müller",
                               .created_at = at(1, 10),
                               .disabled = false});
  const auto k1 = users.add_api_key({.id = 0,
                                     .user_id = anna,
                                     .prefix = "rz_aaaa",
                                     .hash = "h1",
                                     .created_at = at(1, 11),
                                     .revoked_at = std::nullopt});
  users.add_api_key({.id = 0,
                     .user_id = anna,
                     .prefix = "rz_bbbb",
                     .hash = "h2",
                     .created_at = at(1, 12),
                     .revoked_at = std::nullopt});
  users.revoke_api_key(k1, at(2, 1));
  users.revoke_api_key(k1, at(3, 1));  // keeps the first time
  users.set_disabled(tief, true);

  expect_error(run.errors, [&] { users.get(3); });
  expect_error(run.errors, [&] { users.revoke_api_key(5, at(3, 2)); });
  expect_error(run.errors, [&] { users.set_disabled(9, true); });
  expect_error(run.errors, [&] {
    users.add({.id = 0,
               .name = "anna",
               .role = geo::Role::admin,
               .organisation = "",
               .created_at = at(1, 13),
               .disabled = false});
  });
  expect_error(run.errors, [&] {
    users.add_api_key({.id = 0,
                       .user_id = 77,
                       .prefix = "rz_cccc",
                       .hash = "h3",
                       .created_at = at(1, 14),
                       .revoked_at = std::nullopt});
  });
  expect_error(run.errors, [&] {
    users.add_api_key({.id = 0,
                       .user_id = tief,
                       .prefix = "rz_bbbb",
                       .hash = "h4",
                       .created_at = at(1, 14),
                       .revoked_at = std::nullopt});
  });

  run.users = users.all();
  CHECK(users.find_by_name("tiefbau") == users.get(tief));
  CHECK_FALSE(users.find_by_name("nobody").has_value());
  run.keys = users.api_keys(anna);
  CHECK(users.api_keys(tief).empty());
  run.found = users.find_api_key("rz_aaaa");
  return run;
}

}  // namespace

TEST_CASE("PostGIS trees: inserted, updated, noted and inspected as on SpatiaLite",
          "[postgis][repositories]") {
  PgTestDatabase db;
  TempDir dir;
  auto file = Store::create(dir / "city.sqlite");
  auto pg = Store::create(db.url());
  const auto expected = tree_steps(file);
  const auto got = tree_steps(pg);

  REQUIRE(expected.stored.size() == 3);
  REQUIRE(got.stored.size() == expected.stored.size());
  for (std::size_t i = 0; i < got.stored.size(); ++i) {
    INFO("tree " << expected.stored[i].source_id);
    CHECK(got.stored[i] == expected.stored[i]);
  }
  // 8 changed fields of T-1 (location, stems, height, vitality, status, felled_on,
  // protection_source, protection_reason; is_protected stays) and the note on T-2.
  CHECK(expected.history.size() == 9);
  CHECK(got.history == expected.history);
  CHECK(got.inspections == expected.inspections);
  CHECK(got.inspections.front().inspected_on == std::chrono::year{2025} / 4 / 2);
  CHECK(got.errors == expected.errors);
  CHECK(got.errors == std::vector<std::string>{"VersionConflict", "NotFound: tree 4711 not found",
                                               "ConstraintViolation", "ConstraintViolation",
                                               "ConstraintViolation", "ConstraintViolation"});
  // The stems' own table holds what the row says, on both.
  CHECK(db.query("SELECT string_agg(circumference_cm::text, ',' ORDER BY tree_id, stem_no)"
                 " FROM tree_stems") == "130.25,120.5,0.30000000000000004,64");
}

TEST_CASE("PostGIS works: inserted, updated and moved through their statuses as on SpatiaLite",
          "[postgis][repositories]") {
  PgTestDatabase db;
  TempDir dir;
  auto file = Store::create(dir / "city.sqlite");
  auto pg = Store::create(db.url());
  const auto expected = work_steps(file);
  const auto got = work_steps(pg);

  CHECK(got.errors == expected.errors);
  REQUIRE(expected.stored.size() == 3);
  CHECK(got.stored == expected.stored);
  CHECK(got.stored.back().id == 3);
  CHECK(got.open == expected.open);
  CHECK(got.open.size() == 2);
  CHECK(got.history == expected.history);
  CHECK(got.history.size() == 4);
  CHECK(got.errors == expected.errors);
  CHECK(got.errors == std::vector<std::string>{"VersionConflict", "NotFound: work 12 not found",
                                               "ConstraintViolation", "ConstraintViolation",
                                               "VersionConflict"});
}

// WorkRepository's promise: 2D WKB only, refused before the write on both stores
// (storage/src/flat_wkb.hpp; tests/storage/test_works.cpp holds the words on both).
TEST_CASE("PostGIS works: a geometry with Z is refused as a constraint",
          "[postgis][repositories]") {
  PgTestDatabase db;
  auto pg = Store::create(db.url());
  auto three_d = trench("W-4");
  // ISO WKB of POINT Z (513400 5277800 3), little-endian: GEOS would write it 2D.
  std::vector<std::uint8_t> wkb{1, 0xE9, 0x03, 0, 0};
  for (const double v : {513400.0, 5277800.0, 3.0}) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&v);
    wkb.insert(wkb.end(), bytes, bytes + sizeof v);
  }
  three_d.geometry = geo::Geometry(wkb);
  storage::StoreTransaction tx(pg);
  CHECK_THROWS_AS(pg.works().insert(three_d, "x"), storage::ConstraintViolation);
  // The transaction goes on (a savepoint took the refusal).
  CHECK(pg.works().insert(trench("W-5"), "x") >= 1);
  tx.commit();
  CHECK(pg.works().count() == 1);
}

TEST_CASE("PostGIS users and API keys as on SpatiaLite", "[postgis][repositories]") {
  PgTestDatabase db;
  TempDir dir;
  auto file = Store::create(dir / "city.sqlite");
  auto pg = Store::create(db.url());
  const auto expected = user_steps(file);
  const auto got = user_steps(pg);

  CHECK(got.users == expected.users);
  CHECK(got.users.size() == 2);
  CHECK(got.users.back().disabled);
  CHECK(got.keys == expected.keys);
  CHECK(got.keys.size() == 2);
  CHECK(got.found == expected.found);
  REQUIRE(got.found.has_value());
  CHECK(got.found->revoked_at == at(2, 1));
  CHECK(got.errors == expected.errors);
  CHECK(got.errors == std::vector<std::string>{"NotFound: user 3 not found",
                                               "NotFound: API key 5 not found",
                                               "NotFound: user 9 not found", "ConstraintViolation",
                                               "ConstraintViolation", "ConstraintViolation"});
}
