#include "rootzone/geo/protection.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "number_text.hpp"

namespace rootzone::geo {

namespace {

bool starts_with_name(const std::string& botanical, const std::string& prefix) {
  // "Pinus" must match "Pinus nigra" but not "Pinusia": a prefix ends at a word boundary.
  if (prefix.empty() || botanical.size() < prefix.size()) return false;
  if (botanical.compare(0, prefix.size(), prefix) != 0) return false;
  return botanical.size() == prefix.size() || botanical[prefix.size()] == ' ';
}

bool any_prefix(const std::string& botanical, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return starts_with_name(botanical, p); });
}

std::string cm(double v) { return number_text(v) + " cm"; }

}  // namespace

Protection evaluate_protection(const Tree& tree, const RuleSet& rules) {
  if (tree.protection.source == ProtectionSource::manual) return tree.protection;

  Protection p;
  p.source = ProtectionSource::ordinance;
  const auto& stems = tree.stem_circumferences_cm;
  if (stems.empty()) {
    p.reason = "no stem circumference recorded";
    return p;
  }
  if (any_prefix(tree.species_botanical, rules.species_exempt) &&
      !any_prefix(tree.species_botanical, rules.species_exempt_except)) {
    p.reason = tree.species_botanical + ": species exempt (" + rules.name + ")";
    return p;
  }
  const std::string height = " at " + number_text(rules.measuring_height_m) + " m";
  if (stems.size() == 1) {
    const double c = stems.front();
    p.is_protected = c >= rules.threshold_cm;
    p.reason = "circumference " + cm(c) + (p.is_protected ? " >= " : " < ") +
               cm(rules.threshold_cm) + height;
    return p;
  }
  const double largest = *std::max_element(stems.begin(), stems.end());
  const bool largest_ok = largest >= rules.multi_stem_min_cm;
  const std::string largest_text = "largest stem " + cm(largest) + (largest_ok ? " >= " : " < ") +
                                   cm(rules.multi_stem_min_cm);
  if (!rules.multi_stem_sum) {
    p.is_protected = largest_ok;
    p.reason = "multi-stem: " + largest_text + height;
    return p;
  }
  const double sum = std::accumulate(stems.begin(), stems.end(), 0.0);
  const bool sum_ok = sum >= rules.threshold_cm;
  p.is_protected = sum_ok && largest_ok;
  p.reason = "multi-stem: sum " + cm(sum) + (sum_ok ? " >= " : " < ") + cm(rules.threshold_cm) +
             ", " + largest_text + height;
  return p;
}

}  // namespace rootzone::geo
