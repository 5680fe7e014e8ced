#include "rootzone/geo/protection.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <string_view>

#include "rootzone/geo/number_text.hpp"

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

// "<what> 112 cm >= 80 cm": appended in place, as every tree of an import gets its reason.
void compare_cm(std::string& out, std::string_view what, double value, bool ok, double limit) {
  out += what;
  out += ' ';
  append_number(out, value);
  out += ok ? " cm >= " : " cm < ";
  append_number(out, limit);
  out += " cm";
}

void at_height(std::string& out, const RuleSet& rules) {
  out += " at ";
  append_number(out, rules.measuring_height_m);
  out += " m";
}

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
  auto& r = p.reason;
  r.reserve(96);
  if (stems.size() == 1) {
    const double c = stems.front();
    p.is_protected = c >= rules.threshold_cm;
    compare_cm(r, "circumference", c, p.is_protected, rules.threshold_cm);
    at_height(r, rules);
    return p;
  }
  const double largest = *std::max_element(stems.begin(), stems.end());
  const bool largest_ok = largest >= rules.multi_stem_min_cm;
  r = "multi-stem: ";
  if (!rules.multi_stem_sum) {
    p.is_protected = largest_ok;
  } else {
    const double sum = std::accumulate(stems.begin(), stems.end(), 0.0);
    const bool sum_ok = sum >= rules.threshold_cm;
    p.is_protected = sum_ok && largest_ok;
    compare_cm(r, "sum", sum, sum_ok, rules.threshold_cm);
    r += ", ";
  }
  compare_cm(r, "largest stem", largest, largest_ok, rules.multi_stem_min_cm);
  at_height(r, rules);
  return p;
}

}  // namespace rootzone::geo
