// Protected status under the Mainz and Berlin ordinances, with the reasons that are stored.
#include <catch2/catch.hpp>

#include "protection_tree.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/zones.hpp"

using namespace rootzone::geo;

using rootzone::test::tree;

TEST_CASE("Mainz: a single stem of at least 80 cm at 1.0 m", "[geo][protection]") {
  const auto mainz = RuleSet::mainz();
  const auto yes = evaluate_protection(tree({112}), mainz);
  CHECK(yes.is_protected);
  CHECK(yes.reason == "circumference 112 cm >= 80 cm at 1 m");
  const auto edge = evaluate_protection(tree({80}), mainz);
  CHECK(edge.is_protected);
  const auto no = evaluate_protection(tree({79.5}), mainz);
  CHECK_FALSE(no.is_protected);
  CHECK(no.reason == "circumference 79.5 cm < 80 cm at 1 m");
}

TEST_CASE("Mainz: multi-stem sum with one stem of 30 cm", "[geo][protection]") {
  const auto mainz = RuleSet::mainz();
  const auto yes = evaluate_protection(tree({45, 40}), mainz);
  CHECK(yes.is_protected);
  CHECK(yes.reason == "multi-stem: sum 85 cm >= 80 cm, largest stem 45 cm >= 30 cm at 1 m");
  const auto thin = evaluate_protection(tree({29, 29, 29}), mainz);
  CHECK_FALSE(thin.is_protected);
  CHECK(thin.reason == "multi-stem: sum 87 cm >= 80 cm, largest stem 29 cm < 30 cm at 1 m");
}

TEST_CASE("Berlin: 80 cm at 1.3 m, multi-stem when one stem reaches 50 cm, conifers exempt",
          "[geo][protection]") {
  const auto berlin = RuleSet::berlin();
  CHECK(evaluate_protection(tree({50, 10}), berlin).is_protected);
  CHECK_FALSE(evaluate_protection(tree({45, 45}), berlin).is_protected);
  const auto spruce = evaluate_protection(tree({150}, "Picea abies"), berlin);
  CHECK_FALSE(spruce.is_protected);
  CHECK(spruce.reason == "Picea abies: species exempt (berlin)");
  CHECK(evaluate_protection(tree({150}, "Pinus sylvestris"), berlin).is_protected);
  CHECK(evaluate_protection(tree({150}, "Juglans regia"), berlin).is_protected);
  // Mainz exempts nothing by default.
  CHECK(evaluate_protection(tree({150}, "Picea abies"), RuleSet::mainz()).is_protected);
}

TEST_CASE("a manual protection is kept, no stem is no protection", "[geo][protection]") {
  auto t = tree({20});
  t.protection = {true, ProtectionSource::manual, "natural monument"};
  CHECK(evaluate_protection(t, RuleSet::mainz()) == t.protection);
  const auto none = evaluate_protection(tree({}), RuleSet::mainz());
  CHECK_FALSE(none.is_protected);
  CHECK(none.reason == "no stem circumference recorded");
}

TEST_CASE("zones: R_t = max(2.5, 4U), R_r by crown, columnar, BS 5837 and AS 4970",
          "[geo][zones]") {
  auto t = tree({112});
  t.crown_diameter_m = 6;
  auto z = protection_zone(t, RuleSet::mainz());
  CHECK(z.trench_radius_m == Approx(4.48));  // 4 x 1.12 m
  CHECK(z.root_radius_m == Approx(4.5));     // 6 / 2 + 1.5
  CHECK(describe_root_rule(z) == "DIN 18920: crown 6 m / 2 + 1.5 m");

  CHECK(protection_zone(tree({40}), RuleSet::mainz()).trench_radius_m == 2.5);  // 1.6 < 2.5

  t.columnar = true;
  CHECK(protection_zone(t, RuleSet::mainz()).root_radius_m == Approx(8.0));  // 3 + 5
  t.columnar.reset();
  t.species_botanical = "Acer platanoides 'Columnare'";
  CHECK(is_columnar(t));

  auto bs = RuleSet::mainz();
  bs.zone_rule = ZoneRule::bs5837;
  // d = 1.12 / pi = 0.3565 m; 12 d = 4.278 m
  CHECK(protection_zone(t, bs).root_radius_m == Approx(12 * 1.12 / 3.141592653589793));
  auto as = RuleSet::mainz();
  as.zone_rule = ZoneRule::as4970;
  CHECK(protection_zone(tree({10}), as).root_radius_m == 2.0);  // 12 x 0.032 m, at least 2 m
}
