#pragma once
// A tree that only the ordinance's inputs describe: its stems (cm at the measuring height) and
// its species. Shared by the protection tests of every shipped rule set.
#include <string>
#include <utility>
#include <vector>

#include "rootzone/geo/tree.hpp"

namespace rootzone::test {

inline geo::Tree tree(std::vector<double> stems, std::string species = "Tilia cordata") {
  geo::Tree t;
  t.stem_circumferences_cm = std::move(stems);
  t.species_botanical = std::move(species);
  return t;
}

}  // namespace rootzone::test
