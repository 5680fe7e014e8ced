#include "rootzone/geo/zones.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <numbers>
#include <numeric>
#include <string_view>

#include "rootzone/geo/number_text.hpp"

namespace rootzone::geo {

namespace {

// Cultivar names of columnar ("säulenförmig") forms in the GALK street-tree list and in
// nursery catalogues; matched case-insensitively anywhere in the botanical name.
constexpr std::array<std::string_view, 9> kColumnarNames{
    "columnare",      "columnaris", "fastigiata",  "fastigiatum", "fastigiatus",
    "frans fontaine", "stricta",    "pyramidalis", "erecta"};

}  // namespace

double total_circumference_m(const Tree& tree) {
  const auto& s = tree.stem_circumferences_cm;
  return std::accumulate(s.begin(), s.end(), 0.0) / 100.0;
}

bool is_columnar_name(std::string_view botanical) {
  // Lowered once into a stack buffer, then plain searches: a million-tree load calls this per
  // tree, and a per-character case-insensitive search cost more than the zones themselves.
  char buf[256];
  std::string heap;
  char* lowered = buf;
  if (botanical.size() > sizeof buf) {
    heap.resize(botanical.size());
    lowered = heap.data();
  }
  for (std::size_t i = 0; i < botanical.size(); ++i) {
    const char c = botanical[i];
    lowered[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view name(lowered, botanical.size());
  return std::any_of(kColumnarNames.begin(), kColumnarNames.end(),
                     [&](std::string_view c) { return name.find(c) != std::string_view::npos; });
}

bool is_columnar(const Tree& tree) {
  if (tree.columnar) return *tree.columnar;
  return is_columnar_name(tree.species_botanical);
}

std::string_view to_string(RootZoneBasis b) {
  switch (b) {
    case RootZoneBasis::din18920:
      return "din18920";
    case RootZoneBasis::din18920_columnar:
      return "din18920_columnar";
    case RootZoneBasis::bs5837_no_crown:
      return "bs5837_no_crown";
    case RootZoneBasis::bs5837:
      return "bs5837";
    case RootZoneBasis::as4970:
      return "as4970";
  }
  return "din18920";
}

std::optional<RootZoneBasis> root_zone_basis_from_string(std::string_view s) {
  for (const auto b :
       {RootZoneBasis::din18920, RootZoneBasis::din18920_columnar, RootZoneBasis::bs5837_no_crown,
        RootZoneBasis::bs5837, RootZoneBasis::as4970}) {
    if (to_string(b) == s) return b;
  }
  return std::nullopt;
}

ProtectionZone protection_zone(const Tree& tree, const RuleSet& rules) {
  const auto& stems = tree.stem_circumferences_cm;
  return protection_zone(std::accumulate(stems.begin(), stems.end(), 0.0), tree.crown_diameter_m,
                         is_columnar(tree), rules);
}

ProtectionZone protection_zone(double total_circumference_cm, std::optional<double> crown_m,
                               bool columnar, const RuleSet& rules) {
  const double u = total_circumference_cm / 100;
  const double d = u / std::numbers::pi;  // stem diameter from the circumference
  ProtectionZone z;
  z.trench_radius_m = std::max(2.5, 4 * u);
  switch (rules.zone_rule) {
    case ZoneRule::din18920:
      if (crown_m && *crown_m > 0) {
        z.basis = columnar ? RootZoneBasis::din18920_columnar : RootZoneBasis::din18920;
        z.basis_value_m = *crown_m;
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
  const std::string v = number_text(z.basis_value_m, {.max_decimals = 3}) + " m";
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
