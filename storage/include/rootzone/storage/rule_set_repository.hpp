#pragma once
// The cities' rule sets (geo::RuleSet as JSON); exactly one is active.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/rule_set.hpp"

namespace rootzone::storage {

class Database;

class RuleSetRepository {
 public:
  explicit RuleSetRepository(Database& db);

  // Inserts or replaces the rule set of that name; whether it is active does not change.
  void save(const geo::RuleSet& rules);
  std::optional<geo::RuleSet> get(std::string_view name);
  std::vector<std::string> names();

  // NotFound when no rule set is active (a store made by Store::create always has one).
  geo::RuleSet active();
  // NotFound: "rule set 'hamburg' not found".
  void set_active(std::string_view name);

 private:
  Database& db_;
};

}  // namespace rootzone::storage
