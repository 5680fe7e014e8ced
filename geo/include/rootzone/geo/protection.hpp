#pragma once
// Which trees the city's ordinance protects (docs/domain.md "Protected trees: the ordinance").
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::geo {

// The ordinance's verdict with its reason ("circumference 112 cm >= 80 cm"). A protection set
// by hand (natural monument, replacement planting ...) is returned unchanged: the ordinance
// adds protection, it never removes a manual one.
Protection evaluate_protection(const Tree& tree, const RuleSet& rules);

}  // namespace rootzone::geo
