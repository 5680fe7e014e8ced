#pragma once
// What a switch of the active rule set reads and writes in bulk: every standing tree's inputs to
// the ordinance, and the trees whose protection the new ordinance changes (docs/rules.md
// "Choosing and changing the rule set"). Everything runs inside the caller's transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::storage {

class Database;
class Store;

// Trees that are not felled (a felled tree keeps the protection it had when it fell), with id,
// source_id, species_botanical, stems, status and protection filled; ordered by id.
std::vector<geo::Tree> trees_for_protection(Database& db);

struct ProtectionChange {
  std::int64_t tree_id = 0;
  geo::Protection before;
  geo::Protection after;
};

// Who switched to which rule set, and when: stamped on every history row the switch writes.
struct RuleSetSwitchStamp {
  std::string user;
  geo::Timestamp at{};
  std::string from_name;
  geo::RuleSet to;
};

// Stores each change's protection (flag and reason) with the tree's version bumped; a change of
// the flag appends one tree_history row (field is_protected, old and new value, the rule set's
// name and citation). Appends one rule_set_changes row for the switch itself.
void write_protection_changes(Database& db, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
std::vector<geo::Tree> trees_for_protection(Store& store);
void write_protection_changes(Store& store, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp);

// The rule set and its citation a history row was written under, for each row of a tree that a
// rule set switch changed, oldest first (tests, tools).
struct RuleSetHistoryRow {
  std::int64_t tree_id = 0;
  std::string user;
  std::string old_value;
  std::string new_value;
  std::string rule_set;
  std::string citation;
};
std::vector<RuleSetHistoryRow> rule_set_history(Database& db);

}  // namespace rootzone::storage
