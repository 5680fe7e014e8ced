#pragma once
// The hand-computed conflict cases of tests/cases/conflicts/*.json as domain objects, so the
// engine tests and the end-to-end `rootzone check` tests read them the same way.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::test {

struct ConflictCase {
  nlohmann::json raw;  // "expect", "expect_work_work", "arithmetic", ...
  geo::RuleSet rules;
  std::vector<geo::Tree> trees;  // protection evaluated under `rules`
  std::vector<geo::Work> works;
};

// `offset` moves every coordinate, e.g. from the cases' local origin into a real CRS's area.
ConflictCase load_conflict_case(const std::string& name, geo::Point offset = {});
std::vector<std::string> conflict_case_names();

}  // namespace rootzone::test
