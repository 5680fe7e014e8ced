// Each shipped rule set against trees at the edges of its ordinance, evaluated by the function
// the engine, the importer and the tree edits use (geo::evaluate_protection). Every number is
// the ordinance's own, from the paragraph named in the case; the trees are made up to sit just
// below, at or just above those numbers. docs/rules.md "Shipped ordinances" lists the sources.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protection_tree.hpp"
#include "rootzone/geo/protection.hpp"

using namespace rootzone::geo;

using rootzone::test::tree;

namespace {

struct Case {
  const char* where;  // the ordinance's paragraph the numbers come from
  std::vector<double> stems;
  const char* species;
  bool is_protected;
  const char* reason;
};

void check_cases(const RuleSet& rules, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO(rules.name << ", " << c.where << ": " << c.species << " " << c.stems.size()
                    << " stem(s), first " << c.stems.front() << " cm");
    const auto p = evaluate_protection(tree(c.stems, c.species), rules);
    CHECK(p.is_protected == c.is_protected);
    CHECK(p.source == ProtectionSource::ordinance);
    CHECK(p.reason == c.reason);
  }
}

}  // namespace

TEST_CASE("Mainz 2003 section 3 at its boundaries", "[rule_set][protection]") {
  // §3 as the city publishes it (docs/domain.md): at least 80 cm at 1.0 m; multi-stem trees
  // by the sum of their stems, one of which must reach 30 cm. No species is exempt (the poplar
  // exemption of secondary sources is not confirmed).
  check_cases(RuleSet::mainz(),
              {
                  {"§3 threshold, just below",
                   {79.9},
                   "Tilia cordata",
                   false,
                   "circumference 79.9 cm < 80 cm at 1 m"},
                  {"§3 threshold, at it",
                   {80},
                   "Tilia cordata",
                   true,
                   "circumference 80 cm >= 80 cm at 1 m"},
                  {"§3 multi-stem, sum at 80, a stem of 50",
                   {50, 30},
                   "Acer campestre",
                   true,
                   "multi-stem: sum 80 cm >= 80 cm, largest stem 50 cm >= 30 cm at 1 m"},
                  {"§3 multi-stem, sum just below 80",
                   {40, 39.9},
                   "Acer campestre",
                   false,
                   "multi-stem: sum 79.9 cm < 80 cm, largest stem 40 cm >= 30 cm at 1 m"},
                  // The sum alone is not enough: 3 x 29 = 87 cm, but no stem reaches 30 cm.
                  {"§3 multi-stem, no stem reaches 30",
                   {29, 29, 29},
                   "Carpinus betulus",
                   false,
                   "multi-stem: sum 87 cm >= 80 cm, largest stem 29 cm < 30 cm at 1 m"},
                  {"§3 multi-stem, one stem exactly 30",
                   {30, 25, 25},
                   "Carpinus betulus",
                   true,
                   "multi-stem: sum 80 cm >= 80 cm, largest stem 30 cm >= 30 cm at 1 m"},
                  // A stem above the threshold on its own: the sum rule still holds it protected.
                  {"§3 multi-stem, one stem alone above 80",
                   {85, 5},
                   "Salix alba",
                   true,
                   "multi-stem: sum 90 cm >= 80 cm, largest stem 85 cm >= 30 cm at 1 m"},
                  {"poplar: no exemption until the city confirms one",
                   {80},
                   "Populus x canadensis",
                   true,
                   "circumference 80 cm >= 80 cm at 1 m"},
                  {"conifers are not exempt in Mainz",
                   {80},
                   "Picea abies",
                   true,
                   "circumference 80 cm >= 80 cm at 1 m"},
              });
}

TEST_CASE("Berlin BaumSchVO section 2 at its boundaries", "[rule_set][protection]") {
  // BaumSchVO §2 (1) as the Senate publishes it: broadleaved trees, Scots pine, walnut and
  // Turkish hazel, at least 80 cm at 1.30 m; a multi-stem tree when one stem reaches 50 cm
  // (whatever the sum); other conifers and the other fruit trees are not protected.
  check_cases(RuleSet::berlin(),
              {
                  {"§2 (1) threshold, just below",
                   {79.9},
                   "Tilia cordata",
                   false,
                   "circumference 79.9 cm < 80 cm at 1.3 m"},
                  {"§2 (1) threshold, at it",
                   {80},
                   "Tilia cordata",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  {"§2 (1) multi-stem, one stem at 50",
                   {50, 10},
                   "Acer campestre",
                   true,
                   "multi-stem: largest stem 50 cm >= 50 cm at 1.3 m"},
                  // No sum in Berlin: three stems of 49.9 cm (149.7 cm together) are not protected,
                  // where Mainz would protect them (sum >= 80, a stem >= 30).
                  {"§2 (1) multi-stem, no stem reaches 50",
                   {49.9, 49.9, 49.9},
                   "Acer campestre",
                   false,
                   "multi-stem: largest stem 49.9 cm < 50 cm at 1.3 m"},
                  {"§2 (1) conifers: spruce exempt at any size",
                   {300},
                   "Picea abies",
                   false,
                   "Picea abies: species exempt (berlin)"},
                  {"§2 (1) conifers: black pine is a pine but not Scots pine",
                   {120},
                   "Pinus nigra",
                   false,
                   "Pinus nigra: species exempt (berlin)"},
                  {"§2 (1) Scots pine is the conifer protected",
                   {80},
                   "Pinus sylvestris",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  // The exception is a prefix too: a cultivar of Scots pine is Scots pine.
                  {"§2 (1) Scots pine cultivar",
                   {80},
                   "Pinus sylvestris 'Watereri'",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  {"§2 (1) Scots pine below the threshold",
                   {79.9},
                   "Pinus sylvestris",
                   false,
                   "circumference 79.9 cm < 80 cm at 1.3 m"},
                  {"§2 (1) fruit trees: the cultivated apple is exempt",
                   {150},
                   "Malus domestica",
                   false,
                   "Malus domestica: species exempt (berlin)"},
                  {"§2 (1) fruit trees: walnut is protected",
                   {80},
                   "Juglans regia",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  {"§2 (1) fruit trees: Turkish hazel is protected",
                   {80},
                   "Corylus colurna",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  // Ornamental crab apples and the wild cherry are street trees, not fruit trees: a
                  // doubtful exemption would let a protected tree go unchecked (rule_set.cpp).
                  {"ornamental crab apple stays protected",
                   {80},
                   "Malus 'Evereste'",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  {"wild cherry stays protected",
                   {80},
                   "Prunus avium",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
                  {"Ginkgo is no conifer",
                   {80},
                   "Ginkgo biloba",
                   true,
                   "circumference 80 cm >= 80 cm at 1.3 m"},
              });
}

TEST_CASE("München BaumschutzV 2025 section 1 at its boundaries", "[rule_set][protection]") {
  // BaumschutzV of 8 December 2025, §1 (1): 60 cm and more at 100 cm above the ground;
  // §1 (2): multi-stem when the sum at 100 cm is 60 cm and more and one stem reaches 40 cm.
  check_cases(RuleSet::muenchen(),
              {
                  {"§1 (1) threshold, just below",
                   {59.9},
                   "Tilia cordata",
                   false,
                   "circumference 59.9 cm < 60 cm at 1 m"},
                  {"§1 (1) threshold, at it",
                   {60},
                   "Tilia cordata",
                   true,
                   "circumference 60 cm >= 60 cm at 1 m"},
                  {"§1 (2) multi-stem, sum 60, a stem of 40",
                   {40, 20},
                   "Acer campestre",
                   true,
                   "multi-stem: sum 60 cm >= 60 cm, largest stem 40 cm >= 40 cm at 1 m"},
                  {"§1 (2) multi-stem, sum just below 60",
                   {40, 19.9},
                   "Acer campestre",
                   false,
                   "multi-stem: sum 59.9 cm < 60 cm, largest stem 40 cm >= 40 cm at 1 m"},
                  // 2 x 39.9 = 79.8 cm would pass the sum, but no stem reaches 40 cm.
                  {"§1 (2) multi-stem, no stem reaches 40",
                   {39.9, 39.9},
                   "Carpinus betulus",
                   false,
                   "multi-stem: sum 79.8 cm >= 60 cm, largest stem 39.9 cm < 40 cm at 1 m"},
                  // A Mainz tree would need 80 cm: 70 cm is protected in München only.
                  {"§1 (1) 70 cm: protected here, not in Mainz",
                   {70},
                   "Fraxinus excelsior",
                   true,
                   "circumference 70 cm >= 60 cm at 1 m"},
                  // §1 (1) protects all living trees: no species exemption, fruit trees included.
                  {"§1 (1) all trees: a cultivated apple",
                   {60},
                   "Malus domestica",
                   true,
                   "circumference 60 cm >= 60 cm at 1 m"},
                  {"§1 (1) all trees: a spruce",
                   {60},
                   "Picea abies",
                   true,
                   "circumference 60 cm >= 60 cm at 1 m"},
              });
  CHECK_FALSE(evaluate_protection(tree({70}), RuleSet::mainz()).is_protected);
}

TEST_CASE("München section 1 (3): a replacement planting is protected by hand and stays so",
          "[rule_set][protection]") {
  // §1 (3) protects the replacement plantings the ordinance required, whatever their size.
  // The cadastre does not say which trees those are: a planner sets the protection by hand,
  // and the ordinance never takes a manual protection away.
  auto young = tree({18}, "Quercus robur");
  CHECK_FALSE(evaluate_protection(young, RuleSet::muenchen()).is_protected);
  young.protection = {true, ProtectionSource::manual, "Ersatzpflanzung, BaumschutzV §1 (3)"};
  const auto kept = evaluate_protection(young, RuleSet::muenchen());
  CHECK(kept == young.protection);
}

TEST_CASE("measuring height: the recorded circumference is compared as it is",
          "[rule_set][protection]") {
  // Berlin measures at 1.30 m, Mainz and München at 1.0 m; a cadastre records one number per
  // stem. evaluate_protection does not convert it (no ordinance gives a taper to convert
  // with): the same 79.9 cm is below 80 cm at either height, and only the reason names the
  // height the rule set says the number was taken at.
  RuleSet at_1_3 = RuleSet::mainz();
  at_1_3.measuring_height_m = 1.3;
  const auto low = evaluate_protection(tree({79.9}), RuleSet::mainz());
  const auto high = evaluate_protection(tree({79.9}), at_1_3);
  CHECK(low.is_protected == high.is_protected);
  CHECK(low.reason == "circumference 79.9 cm < 80 cm at 1 m");
  CHECK(high.reason == "circumference 79.9 cm < 80 cm at 1.3 m");
  RuleSet us = RuleSet::mainz();
  us.measuring_height_m = 1.37;  // the US "breast height" of 4.5 ft
  CHECK(evaluate_protection(tree({80}), us).reason == "circumference 80 cm >= 80 cm at 1.37 m");
}

TEST_CASE("the shipped rule sets disagree where their ordinances do", "[rule_set][protection]") {
  // One tree each, evaluated by all three: the differences are the ordinances' numbers.
  struct Row {
    std::vector<double> stems;
    const char* species;
    bool mainz, berlin, muenchen;
  };
  for (const auto& r : {
           Row{{65}, "Tilia cordata", false, false, true},        // 60 <= 65 < 80
           Row{{80}, "Picea abies", true, false, true},           // Berlin exempts spruce
           Row{{35, 35}, "Acer campestre", false, false, false},  // sum 70; stems < 40, < 50
           Row{{45, 40}, "Acer campestre", true, false, true},    // sum 85; largest 45 < 50
           Row{{50, 5}, "Acer campestre", false, true, false},    // sum 55: only Berlin
           Row{{100}, "Malus domestica", true, false, true},      // Berlin exempts it
       }) {
    INFO(r.species << " " << r.stems.front() << " cm, " << r.stems.size() << " stem(s)");
    CHECK(evaluate_protection(tree(r.stems, r.species), RuleSet::mainz()).is_protected == r.mainz);
    CHECK(evaluate_protection(tree(r.stems, r.species), RuleSet::berlin()).is_protected ==
          r.berlin);
    CHECK(evaluate_protection(tree(r.stems, r.species), RuleSet::muenchen()).is_protected ==
          r.muenchen);
  }
}
