#pragma once
// Protection zones of a tree (docs/domain.md "Conflicts: works against protected trees").
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::geo {

// Which rule produced the root zone R_r.
enum class RootZoneBasis {
  din18920,           // crown / 2 + 1.5 m
  din18920_columnar,  // crown / 2 + 5.0 m
  bs5837_no_crown,    // DIN 18920 rule set, crown unknown: BS 5837 fallback
  bs5837,             // BS 5837:2012 rule set
  as4970,             // AS 4970 rule set
};

struct ProtectionZone {
  double trench_radius_m = 0;  // R_t: no excavation closer to the stem (RAS-LP 4, DIN 18920)
  double root_radius_m = 0;    // R_r: the root zone
  RootZoneBasis basis = RootZoneBasis::din18920;
  double basis_value_m = 0;  // the crown diameter or stem diameter the rule started from
  friend bool operator==(const ProtectionZone&, const ProtectionZone&) = default;
};

// "DIN 18920: crown 8 m / 2 + 1.5 m"; made on demand, not per tree, because a city has a
// million trees and only the conflicting ones are ever described.
std::string describe_root_rule(const ProtectionZone& zone);

// Sum of all stems in metres: the U of DIN 18920 / RAS-LP 4 for multi-stem trees.
double total_circumference_m(const Tree& tree);
// Columnar cultivars keep their roots close: recognised by name unless set by hand.
bool is_columnar(const Tree& tree);
ProtectionZone protection_zone(const Tree& tree, const RuleSet& rules);
// The same from the three numbers the rules read, for bulk loads that never build a Tree:
// U in cm (all stems summed), the crown (unknown: nullopt) and whether the tree is columnar.
ProtectionZone protection_zone(double total_circumference_cm, std::optional<double> crown_m,
                               bool columnar, const RuleSet& rules);
// Columnar by name (see is_columnar); for loaders that hold the name but no Tree.
bool is_columnar_name(std::string_view botanical);
// The short code stored with a zone: "din18920", "din18920_columnar", "bs5837_no_crown" ...
std::string_view to_string(RootZoneBasis b);
std::optional<RootZoneBasis> root_zone_basis_from_string(std::string_view s);

}  // namespace rootzone::geo
