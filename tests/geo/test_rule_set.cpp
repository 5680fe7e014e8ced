#include <catch2/catch.hpp>

#include <algorithm>

#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/rule_set.hpp"

using namespace rootzone::geo;

TEST_CASE("Mainz profile follows the 2003 ordinance, section 3", "[rule_set]") {
  // docs/domain.md "Protected trees": 80 cm at 1.0 m; multi-stem summed, one stem >= 30 cm.
  const RuleSet m = RuleSet::mainz();
  CHECK(m.name == "mainz");
  CHECK(m.ordinance ==
        "Rechtsverordnung zum Schutz des Baumbestandes innerhalb der Stadt Mainz (2003) §3");
  CHECK(m.measuring_height_m == 1.0);
  CHECK(m.threshold_cm == 80);
  CHECK(m.multi_stem_sum);
  CHECK(m.multi_stem_min_cm == 30);
  CHECK(m.species_exempt.empty());  // poplar exemption unconfirmed: off by default
  CHECK(m.species_exempt_except.empty());
  CHECK(m.zone_rule == ZoneRule::din18920);
  CHECK(m.share_threshold == 0.20);
  CHECK(m.coordination_distance_m == 20.0);
  CHECK(m.grace_days == 30);
  CHECK(RuleSet::builtin("mainz") == m);
}

TEST_CASE("Berlin profile follows BaumSchVO section 2", "[rule_set]") {
  // berlin.de/sen/uvk/natur-und-gruen/naturschutz/baumschutz/: 80 cm at 130 cm; multi-stem
  // when one stem reaches 50 cm; conifers only Pinus sylvestris; fruit trees only walnut and
  // Turkish hazel.
  const RuleSet b = RuleSet::berlin();
  CHECK(b.name == "berlin");
  CHECK(b.measuring_height_m == 1.3);
  CHECK(b.threshold_cm == 80);
  CHECK_FALSE(b.multi_stem_sum);
  CHECK(b.multi_stem_min_cm == 50);
  auto has = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (const char* conifer : {"Pinus", "Picea", "Abies", "Larix", "Taxus", "Thuja"}) {
    INFO(conifer);
    CHECK(has(b.species_exempt, conifer));
  }
  CHECK(has(b.species_exempt, "Malus domestica"));
  CHECK(has(b.species_exempt, "Prunus domestica"));
  // Ornamental and wild relatives stay protected: no whole fruit genus is exempt.
  CHECK_FALSE(has(b.species_exempt, "Malus"));
  CHECK_FALSE(has(b.species_exempt, "Prunus"));
  CHECK_FALSE(has(b.species_exempt, "Prunus avium"));
  CHECK(b.species_exempt_except ==
        std::vector<std::string>{"Pinus sylvestris", "Juglans regia", "Corylus colurna"});
  CHECK(RuleSet::builtin("berlin") == b);
  CHECK_FALSE(RuleSet::builtin("hamburg").has_value());
  CHECK_FALSE(RuleSet::builtin("Mainz").has_value());
}

TEST_CASE("München profile follows BaumschutzV of 8 December 2025, section 1", "[rule_set]") {
  // stadt.muenchen.de/rathaus/stadtrecht/vorschrift/901/version2/0.html, §1 (1): 60 cm at
  // 100 cm; (2): multi-stem by the sum at 100 cm, one stem at least 40 cm; no species exempt.
  const RuleSet m = RuleSet::muenchen();
  CHECK(m.name == "muenchen");
  CHECK(m.ordinance ==
        "Baumschutzverordnung der Landeshauptstadt München (BaumschutzV) vom 8. Dezember 2025 "
        "(MüABl. 2025 S. 828) §1 Abs. 1-3");
  CHECK(m.measuring_height_m == 1.0);
  CHECK(m.threshold_cm == 60);
  CHECK(m.multi_stem_sum);
  CHECK(m.multi_stem_min_cm == 40);
  CHECK(m.species_exempt.empty());
  CHECK(m.species_exempt_except.empty());
  // Zones and coordination are not the ordinance's: Mainz's defaults.
  CHECK(m.zone_rule == ZoneRule::din18920);
  CHECK(m.share_threshold == 0.20);
  CHECK(m.coordination_distance_m == 20.0);
  CHECK(m.grace_days == 30);
  CHECK(RuleSet::builtin("muenchen") == m);
  CHECK_FALSE(RuleSet::builtin("münchen").has_value());
  CHECK_FALSE(RuleSet::builtin("munich").has_value());
}

TEST_CASE("every listed builtin rule set is found by its name", "[rule_set]") {
  const auto names = RuleSet::builtin_names();
  REQUIRE(names == std::vector<std::string_view>{"mainz", "berlin", "muenchen"});
  CHECK(names.front() == "mainz");  // the default comes first
  for (const auto name : names) {
    const auto r = RuleSet::builtin(name);
    REQUIRE(r.has_value());
    CHECK(r->name == name);
  }
}

TEST_CASE("rule set JSON round trip", "[rule_set]") {
  for (const RuleSet& r : {RuleSet::mainz(), RuleSet::berlin(), RuleSet::muenchen()}) {
    INFO(r.name);
    CHECK(RuleSet::from_json(r.to_json()) == r);
  }
  RuleSet custom = RuleSet::mainz();
  custom.name = "konstanz";
  custom.ordinance = "Baumschutzsatzung Konstanz";
  custom.threshold_cm = 100;
  custom.species_exempt = {"Populus"};
  custom.species_exempt_except = {"Populus nigra"};
  custom.zone_rule = ZoneRule::as4970;
  custom.share_threshold = 0.1;
  custom.coordination_distance_m = 35.5;
  custom.grace_days = 0;
  CHECK(RuleSet::from_json(custom.to_json()) == custom);
}

TEST_CASE("rule set JSON has the documented members", "[rule_set]") {
  const std::string expected = R"({
  "name": "mainz",
  "ordinance": "Rechtsverordnung zum Schutz des Baumbestandes innerhalb der Stadt Mainz (2003) §3",
  "measuring_height_m": 1.0,
  "threshold_cm": 80.0,
  "multi_stem_sum": true,
  "multi_stem_min_cm": 30.0,
  "species_exempt": [],
  "species_exempt_except": [],
  "zone_rule": "din18920",
  "share_threshold": 0.2,
  "coordination_distance_m": 20.0,
  "grace_days": 30
})";
  CHECK(RuleSet::mainz().to_json() == expected);
}

TEST_CASE("missing members take Mainz's values, but for the name and the citation", "[rule_set]") {
  const char* mainz_citation =
      R"({"name": "mainz", "ordinance": "Rechtsverordnung zum Schutz des Baumbestandes )"
      R"(innerhalb der Stadt Mainz (2003) §3"})";
  CHECK(RuleSet::from_json(mainz_citation) == RuleSet::mainz());
  const RuleSet r = RuleSet::from_json(
      R"({"name": "konstanz", "ordinance": "Baumschutzsatzung Konstanz §2", "threshold_cm": 100,)"
      R"( "zone_rule": "bs5837"})");
  RuleSet expected = RuleSet::mainz();
  expected.name = "konstanz";
  expected.ordinance = "Baumschutzsatzung Konstanz §2";
  expected.threshold_cm = 100;
  expected.zone_rule = ZoneRule::bs5837;
  CHECK(r == expected);
  // An empty citation is allowed when a city has no ordinance to cite; it must be said.
  CHECK(RuleSet::from_json(R"({"name": "ohne", "ordinance": ""})").ordinance.empty());
}

TEST_CASE("the bounds of each member are accepted", "[rule_set]") {
  const RuleSet r = RuleSet::from_json(R"({
    "name": "a", "ordinance": "x", "measuring_height_m": 3, "threshold_cm": 500,
    "multi_stem_min_cm": 0, "share_threshold": 1, "coordination_distance_m": 1000,
    "grace_days": 3650})");
  CHECK(r.name == "a");
  CHECK(r.measuring_height_m == 3);
  CHECK(r.threshold_cm == 500);
  CHECK(r.multi_stem_min_cm == 0);
  CHECK(r.share_threshold == 1);
  CHECK(r.coordination_distance_m == 1000);
  CHECK(r.grace_days == 3650);
  const RuleSet low = RuleSet::from_json(
      R"({"name": "z9_-", "ordinance": "x", "coordination_distance_m": 0, "grace_days": 0,)"
      R"( "threshold_cm": 0.5, "multi_stem_min_cm": 0.5})");
  CHECK(low.name == "z9_-");
  CHECK(low.coordination_distance_m == 0);
  CHECK(low.grace_days == 0);
  CHECK(low.multi_stem_min_cm == low.threshold_cm);
  const std::string longest(64, 'n');
  CHECK(RuleSet::from_json(R"({"name": ")" + longest + R"(", "ordinance": ""})").name == longest);
}

TEST_CASE("rule set JSON errors name the offending member", "[rule_set]") {
  struct Case {
    std::string json;  // members after a valid name and ordinance
    std::string message;
  };
  const auto spaced = [](const char* member, const std::string& name) {
    return std::string("rule set: ") + member + " \"" + name +
           "\" has a space at an end, two in a row or a tab or line break: it would match no tree";
  };
  for (const Case& c : {
           Case{R"({"threshold_cm": 0})", "rule set: threshold_cm must be a positive number"},
           Case{R"({"threshold_cm": -80})", "rule set: threshold_cm must be a positive number"},
           Case{R"({"threshold_cm": "80"})", "rule set: threshold_cm must be a positive number"},
           Case{R"({"measuring_height_m": 130})",
                "rule set: measuring_height_m must be a number of metres above 0 and at most 3"},
           Case{R"({"multi_stem_sum": "yes"})", "rule set: multi_stem_sum must be true or false"},
           Case{R"({"multi_stem_min_cm": -1})",
                "rule set: multi_stem_min_cm must be a number >= 0"},
           Case{R"({"multi_stem_min_cm": 90})",
                "rule set: multi_stem_min_cm must not exceed threshold_cm"},
           Case{R"({"species_exempt": "Populus"})",
                "rule set: species_exempt must be an array of botanical names"},
           Case{R"({"species_exempt_except": ["Populus nigra", ""]})",
                "rule set: species_exempt_except[1] must be a non-empty string"},
           Case{R"({"zone_rule": "din-18920"})",
                "rule set: zone_rule must be one of \"din18920\", \"bs5837\", \"as4970\""},
           Case{R"({"share_threshold": 20})",
                "rule set: share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)"},
           Case{R"({"share_threshold": 0})",
                "rule set: share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)"},
           Case{R"({"coordination_distance_m": -5})",
                "rule set: coordination_distance_m must be a number >= 0"},
           Case{R"({"grace_days": 1.5})",
                "rule set: grace_days must be a whole number of days from 0 to 3650"},
           Case{R"({"grace_days": -1})",
                "rule set: grace_days must be a whole number of days from 0 to 3650"},
           Case{R"({"grace_days": 18446744073709551615})",
                "rule set: grace_days must be a whole number of days from 0 to 3650"},
           Case{R"({"treshold_cm": 80})", "rule set: unknown member \"treshold_cm\""},
           Case{R"({"threshold_cm": 501})",
                "rule set: threshold_cm must be at most 500 cm (a larger value is a unit "
                "mistake)"},
           Case{R"({"threshold_cm": 800, "multi_stem_min_cm": 300})",
                "rule set: threshold_cm must be at most 500 cm (a larger value is a unit "
                "mistake)"},
           Case{R"({"coordination_distance_m": 2000})",
                "rule set: coordination_distance_m must be at most 1000 m (a larger value is a "
                "unit mistake)"},
           Case{R"({"measuring_height_m": 0})",
                "rule set: measuring_height_m must be a number of metres above 0 and at most 3"},
           Case{R"({"measuring_height_m": -1.3})",
                "rule set: measuring_height_m must be a number of metres above 0 and at most 3"},
           Case{R"({"share_threshold": -0.2})",
                "rule set: share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)"},
           Case{R"({"share_threshold": 1.01})",
                "rule set: share_threshold must be a fraction above 0 and at most 1 (0.20 = 20 %)"},
           Case{R"({"grace_days": 3651})",
                "rule set: grace_days must be a whole number of days from 0 to 3650"},
           Case{R"({"grace_days": "30"})",
                "rule set: grace_days must be a whole number of days from 0 to 3650"},
           Case{R"({"zone_rule": null})",
                "rule set: zone_rule must be one of \"din18920\", \"bs5837\", \"as4970\""},
           Case{R"({"species_exempt": ["Pinus "]})", spaced("species_exempt[0]", "Pinus ")},
           Case{R"({"species_exempt": ["Abies", " Pinus"]})",
                spaced("species_exempt[1]", " Pinus")},
           Case{R"({"species_exempt_except": ["Pinus  sylvestris"]})",
                spaced("species_exempt_except[0]", "Pinus  sylvestris")},
           Case{R"({"species_exempt": ["Pinus\tnigra"]})",
                spaced("species_exempt[0]", "Pinus\tnigra")},
           Case{R"({"species_exempt": [7]})",
                "rule set: species_exempt[0] must be a non-empty string"},
           Case{R"({"threshold_cm": 60, "threshold_cm": 80})",
                "rule set: member \"threshold_cm\" appears twice"},
       }) {
    const std::string json = R"({"name": "stadt", "ordinance": "Satzung §1", )" + c.json.substr(1);
    INFO(json);
    REQUIRE_THROWS_AS(RuleSet::from_json(json), GeoError);
    REQUIRE_THROWS_WITH(RuleSet::from_json(json), c.message);
  }
}

TEST_CASE("rule set JSON errors of the name, the citation and the whole text", "[rule_set]") {
  const auto bad_name = [](const std::string& name) {
    return "rule set: name \"" + name +
           "\" must be a simple identifier: a lower-case letter, then lower-case letters, "
           "digits, '-' or '_', at most 64 in all";
  };
  struct Case {
    std::string json;
    std::string message;
  };
  for (const Case& c : {
           Case{R"({"ordinance": "x"})",
                "rule set: name is missing (the rule set's name, e.g. \"leipzig\")"},
           Case{"{}", "rule set: name is missing (the rule set's name, e.g. \"leipzig\")"},
           Case{R"({"name": "leipzig", "threshold_cm": 30})",
                "rule set: ordinance is missing (the citation of the ordinance, its date and "
                "paragraph)"},
           Case{R"({"name": "", "ordinance": "x"})", "rule set: name must be a non-empty string"},
           Case{R"({"name": 7, "ordinance": "x"})", "rule set: name must be a non-empty string"},
           Case{R"({"name": "Berlin", "ordinance": "x"})", bad_name("Berlin")},
           Case{R"({"name": "münchen", "ordinance": "x"})", bad_name("münchen")},
           Case{R"({"name": "bad name", "ordinance": "x"})", bad_name("bad name")},
           Case{R"({"name": "../etc", "ordinance": "x"})", bad_name("../etc")},
           Case{R"({"name": "9lives", "ordinance": "x"})", bad_name("9lives")},
           Case{R"({"name": "-x", "ordinance": "x"})", bad_name("-x")},
           Case{R"({"name": ")" + std::string(65, 'n') + R"(", "ordinance": "x"})",
                bad_name(std::string(65, 'n'))},
           Case{R"({"name": "a", "ordinance": null})", "rule set: ordinance must be a string"},
           Case{R"({"name": "a", "name": "b", "ordinance": "x"})",
                "rule set: member \"name\" appears twice"},
           Case{R"([1, 2])", "rule set: expected a JSON object"},
           Case{R"("mainz")", "rule set: expected a JSON object"},
       }) {
    INFO(c.json);
    REQUIRE_THROWS_AS(RuleSet::from_json(c.json), GeoError);
    REQUIRE_THROWS_WITH(RuleSet::from_json(c.json), c.message);
  }
}

TEST_CASE("members of nested objects may repeat names of the top level", "[rule_set]") {
  // The duplicate check is per object: an unknown nested object is refused as unknown, not
  // as a repeated "name".
  REQUIRE_THROWS_WITH(
      RuleSet::from_json(R"({"name": "a", "ordinance": "x", "extra": {"name": "b"}})"),
      "rule set: unknown member \"extra\"");
}

TEST_CASE("rule set text that is not JSON", "[rule_set]") {
  REQUIRE_THROWS_WITH(RuleSet::from_json("{\"threshold_cm\": }"),
                      Catch::Matchers::StartsWith("rule set: not valid JSON: [json.exception"));
  REQUIRE_THROWS_AS(RuleSet::from_json(""), GeoError);
}
