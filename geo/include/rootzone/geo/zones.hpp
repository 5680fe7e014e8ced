#pragma once
// Protection zones of a tree (DOMAIN.md "Conflicts: works against protected trees").
#include <string>

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

}  // namespace rootzone::geo
