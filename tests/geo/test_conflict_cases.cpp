// The hand-computed cases of tests/cases/conflicts/*.json through the real engine. Each file
// names its origin (docs/domain.md rule, issue) and the arithmetic behind every expected number.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"
#include "support/conflict_case.hpp"

using namespace rootzone::geo;
using nlohmann::json;

namespace {

// Distances and areas are computed exactly (polygon edges, analytic circle segments), so the
// tolerance only absorbs floating-point rounding: 1e-6 m and 1e-6 m^2.
constexpr double kTolerance = 1e-6;

void run_case(const std::string& name) {
  const auto loaded = rootzone::test::load_conflict_case(name);
  const json& c = loaded.raw;
  INFO("case " << name << ": " << c.at("arithmetic").get<std::string>());

  ConflictEngine engine(loaded.rules);
  const auto notes = engine.load(loaded.trees, loaded.works);
  CHECK(notes.empty());
  const auto result = engine.check_all();

  const auto& expected = c.at("expect");
  REQUIRE(result.tree_work.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& e = expected[i];
    const auto& got = result.tree_work[i];
    INFO("expected conflict " << i << ", rule: " << got.rule);
    CHECK(got.tree_id == e.at("tree").get<std::int64_t>());
    CHECK(got.work_id == e.at("work").get<std::int64_t>());
    CHECK(to_string(got.severity) == e.at("severity").get<std::string>());
    CHECK_THAT(got.rule, Catch::Contains(e.at("rule_contains").get<std::string>()));
    CHECK(got.min_distance_m == Approx(e.at("min_distance_m").get<double>()).margin(kTolerance));
    CHECK(got.overlap_m2 == Approx(e.at("overlap_m2").get<double>()).margin(kTolerance));
    CHECK(got.overlap_share == Approx(e.at("overlap_share").get<double>()).margin(kTolerance));
  }

  const auto& expected_ww = c.at("expect_work_work");
  REQUIRE(result.work_work.size() == expected_ww.size());
  for (std::size_t i = 0; i < expected_ww.size(); ++i) {
    const auto& e = expected_ww[i];
    const auto& got = result.work_work[i];
    CHECK(got.work_a == e.at("work_a").get<std::int64_t>());
    CHECK(got.work_b == e.at("work_b").get<std::int64_t>());
    CHECK(got.distance_m == Approx(e.at("distance_m").get<double>()).margin(kTolerance));
    CHECK(format_utc(got.overlap_start) == e.at("overlap_start").get<std::string>());
    CHECK(format_utc(got.overlap_end) == e.at("overlap_end").get<std::string>());
  }
}

const std::set<std::string> kListed{
    "trench_distance_boundary", "root_zone_boundary",      "columnar_vs_normal",
    "multi_stem_sum",           "crown_unknown_bs5837",    "share_twenty_percent",
    "trench_line_with_width",   "work_touching_two_trees", "felled_completed_unprotected",
    "point_with_radius",        "work_work_coordination"};

}  // namespace

TEST_CASE("every case file has a test case below", "[geo][conflicts]") {
  const auto names = rootzone::test::conflict_case_names();
  CHECK(std::set<std::string>(names.begin(), names.end()) == kListed);
}

TEST_CASE("case: trench distance boundary (R_t 4.48 m: 4.47 critical, 4.49 high, 4.51 none)",
          "[geo][conflicts]") {
  run_case("trench_distance_boundary");
}
TEST_CASE("case: root zone boundary (R_r 5.5 m: 5.49 conflicts, 5.51 does not)",
          "[geo][conflicts]") {
  run_case("root_zone_boundary");
}
TEST_CASE("case: columnar tree gets crown/2 + 5 m", "[geo][conflicts]") {
  run_case("columnar_vs_normal");
}
TEST_CASE("case: multi-stem trees are summed, one stem must reach 30 cm", "[geo][conflicts]") {
  run_case("multi_stem_sum");
}
TEST_CASE("case: crown unknown falls back to BS 5837, capped at 15 m", "[geo][conflicts]") {
  run_case("crown_unknown_bs5837");
}
TEST_CASE("case: more than 20 % of the root zone is high", "[geo][conflicts]") {
  run_case("share_twenty_percent");
}
TEST_CASE("case: trench given as line plus width", "[geo][conflicts]") {
  run_case("trench_line_with_width");
}
TEST_CASE("case: one work touching two trees", "[geo][conflicts]") {
  run_case("work_touching_two_trees");
}
TEST_CASE("case: felled trees, closed works, unprotected trees raise nothing", "[geo][conflicts]") {
  run_case("felled_completed_unprotected");
}
TEST_CASE("case: point work with a radius, exact lens overlap", "[geo][conflicts]") {
  run_case("point_with_radius");
}
TEST_CASE("case: works clash within 20 m and 30 days of grace", "[geo][conflicts]") {
  run_case("work_work_coordination");
}
