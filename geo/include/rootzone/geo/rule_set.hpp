#pragma once
// A city's configuration: which trees its ordinance protects, how zones are drawn and how
// works are coordinated (docs/domain.md). Mainz is the default; Berlin and München are shipped
// too. docs/rules.md: the file format, and what each shipped set follows and could not confirm.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::geo {

// Root-zone rule: DIN 18920 (crown/2 + 1.5 m, BS 5837 fallback without a crown),
// BS 5837:2012 (12 x stem diameter, cap 15 m), AS 4970 (12 x DBH, 2..15 m).
enum class ZoneRule { din18920, bs5837, as4970 };
std::string_view to_string(ZoneRule r);
std::optional<ZoneRule> zone_rule_from_string(std::string_view s);

struct RuleSet {
  std::string name = "mainz";
  std::string ordinance;  // citation shown in protection reasons
  // Where the ordinance measures the stem. Printed in every protection reason; the recorded
  // circumference is compared as it is, never converted to another height (docs/rules.md).
  double measuring_height_m = 1.0;
  double threshold_cm = 80;
  // Multi-stem trees: Mainz sums the stems and needs one stem >= 30 cm;
  // Berlin protects a multi-stem tree when one stem reaches 50 cm.
  bool multi_stem_sum = true;
  double multi_stem_min_cm = 30;
  // Species exemptions, matched as a prefix of the botanical name ("Populus" or
  // "Pinus nigra"); an entry of species_exempt_except wins over species_exempt.
  std::vector<std::string> species_exempt;
  std::vector<std::string> species_exempt_except;
  ZoneRule zone_rule = ZoneRule::din18920;
  double share_threshold = 0.20;          // BS 5837: > 20 % of the root zone is significant
  double coordination_distance_m = 20.0;  // work-work clashes
  int grace_days = 30;                    // after the earlier work ends

  static RuleSet mainz();
  static RuleSet berlin();
  static RuleSet muenchen();  // BaumschutzV of 8 December 2025
  static std::optional<RuleSet> builtin(std::string_view name);
  // The names builtin() knows, in the order `rootzone rules list` shows them.
  static std::vector<std::string_view> builtin_names();

  // JSON text, the form the store and rule set files keep (docs/rules.md "The rule set file").
  // from_json throws GeoError naming the offending member: an unknown or repeated member, an
  // impossible value, a missing name or ordinance; other missing members take Mainz's values.
  std::string to_json() const;
  static RuleSet from_json(std::string_view text);

  friend bool operator==(const RuleSet&, const RuleSet&) = default;
};

}  // namespace rootzone::geo
