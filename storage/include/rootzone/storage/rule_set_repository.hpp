#pragma once
// The cities' rule sets (geo::RuleSet as JSON); exactly one is active.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/rule_set.hpp"

namespace rootzone::storage {

class RuleSetRepository {
 public:
  virtual ~RuleSetRepository() = default;

  // Inserts or replaces the rule set of that name; whether it is active does not change.
  virtual void save(const geo::RuleSet& rules) = 0;
  virtual std::optional<geo::RuleSet> get(std::string_view name) = 0;
  virtual std::vector<std::string> names() = 0;

  // NotFound when no rule set is active (a store made by Store::create always has one).
  virtual geo::RuleSet active() = 0;
  // NotFound: "rule set 'hamburg' not found".
  virtual void set_active(std::string_view name) = 0;
};

}  // namespace rootzone::storage
