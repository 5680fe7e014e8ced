#include "rootzone/geo/zones.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <numbers>
#include <numeric>
#include <string_view>

#include "number_text.hpp"

namespace rootzone::geo {

namespace {

// Cultivar names of columnar ("säulenförmig") forms in the GALK street-tree list and in
// nursery catalogues; matched case-insensitively anywhere in the botanical name.
constexpr std::array<std::string_view, 9> kColumnarNames{
    "columnare", "columnaris", "fastigiata", "fastigiatum", "fastigiatus",
    "frans fontaine", "stricta", "pyramidalis", "erecta"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}


}  // namespace

double total_circumference_m(const Tree& tree) {
  const auto& s = tree.stem_circumferences_cm;
  return std::accumulate(s.begin(), s.end(), 0.0) / 100.0;
}

bool is_columnar(const Tree& tree) {
  if (tree.columnar) return *tree.columnar;
  const std::string name = lower(tree.species_botanical);
  return std::any_of(kColumnarNames.begin(), kColumnarNames.end(),
                     [&](std::string_view c) { return name.find(c) != std::string::npos; });
}

ProtectionZone protection_zone(const Tree& tree, const RuleSet& rules) {
  const double u = total_circumference_m(tree);
  const double d = u / std::numbers::pi;  // stem diameter from the circumference
  ProtectionZone z;
  z.trench_radius_m = std::max(2.5, 4 * u);
  switch (rules.zone_rule) {
    case ZoneRule::din18920:
      if (tree.crown_diameter_m && *tree.crown_diameter_m > 0) {
        const bool columnar = is_columnar(tree);
        z.basis = columnar ? RootZoneBasis::din18920_columnar : RootZoneBasis::din18920;
        z.basis_value_m = *tree.crown_diameter_m;
        z.root_radius_m = z.basis_value_m / 2 + (columnar ? 5.0 : 1.5);
      } else {
        z.basis = RootZoneBasis::bs5837_no_crown;
        z.basis_value_m = d;
        z.root_radius_m = std::min(15.0, 12 * d);
      }
      break;
    case ZoneRule::bs5837:
      z.basis = RootZoneBasis::bs5837;
      z.basis_value_m = d;
      z.root_radius_m = std::min(15.0, 12 * d);
      break;
    case ZoneRule::as4970:
      z.basis = RootZoneBasis::as4970;
      z.basis_value_m = d;
      z.root_radius_m = std::clamp(12 * d, 2.0, 15.0);
      break;
  }
  return z;
}

std::string describe_root_rule(const ProtectionZone& z) {
  const std::string v = number_text(z.basis_value_m, 3) + " m";
  switch (z.basis) {
    case RootZoneBasis::din18920:
      return "DIN 18920: crown " + v + " / 2 + 1.5 m";
    case RootZoneBasis::din18920_columnar:
      return "DIN 18920 columnar: crown " + v + " / 2 + 5 m";
    case RootZoneBasis::bs5837_no_crown:
      return "BS 5837:2012 (crown unknown): 12 x stem diameter " + v + ", at most 15 m";
    case RootZoneBasis::bs5837:
      return "BS 5837:2012: 12 x stem diameter " + v + ", at most 15 m";
    case RootZoneBasis::as4970:
      return "AS 4970: 12 x DBH " + v + ", 2 to 15 m";
  }
  return "unknown rule";
}

}  // namespace rootzone::geo
