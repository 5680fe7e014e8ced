#pragma once
// Choosing and changing a store's rule set (docs/rules.md "Choosing and changing the rule set"):
// the rule sets a store can use, and the switch that recomputes every tree's protection, the
// zones and the conflicts in one transaction.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::core {

// A rule set the store may use: stored in it, built into rootzone, or both.
struct RuleSetEntry {
  geo::RuleSet rules;  // the stored one where both exist: that is what `rules use` takes
  bool builtin = false;
  bool stored = false;
  bool active = false;
};
// The built-in ones first, in RuleSet::builtin_names order, then the stored others by name.
std::vector<RuleSetEntry> list_rule_sets(storage::Store& store);

// The stored rule set of that name, else the built-in one; Error not_found naming both places.
geo::RuleSet find_rule_set(storage::Store& store, std::string_view name);

// Stores a rule set read from a file. Error conflict for a built-in name (the built-in profile
// would be shadowed silently) and for the active one (its trees were judged under the stored
// text: add it under a new name and `rules use` it).
void add_rule_set(storage::Store& store, const geo::RuleSet& rules);

// Counts of tree-work conflicts by severity: critical, high, medium.
struct SeverityCounts {
  std::size_t critical = 0, high = 0, medium = 0;
  std::size_t total() const { return critical + high + medium; }
  friend bool operator==(const SeverityCounts&, const SeverityCounts&) = default;
};

struct RuleSetSwitch {
  std::string from;  // the rule set active before
  geo::RuleSet to;
  std::size_t trees = 0;  // standing (not felled) trees judged
  std::size_t became_protected = 0;
  std::size_t became_unprotected = 0;
  std::size_t reasons_rewritten = 0;  // protection unchanged, the reason follows the new text
  std::size_t manual_kept = 0;        // protections set by hand, left as they are
  // Tree-work conflicts keyed by (tree, work, severity): a pair whose severity changes
  // disappears at the old severity and appears at the new one.
  SeverityCounts conflicts_appeared, conflicts_disappeared, conflicts_now;
  std::size_t clashes_appeared = 0, clashes_disappeared = 0, clashes_now = 0;
  bool written = false;  // false for a dry run
  // Where the time went: judging the trees, writing their protection and history, the full
  // check (load, index, compute), storing zones and conflicts.
  struct Timings {
    std::chrono::steady_clock::duration judge{}, write{}, check{}, persist{};
  } time;
};

// Makes `to` the active rule set (stored first when it is not): every standing tree's
// protection under it (manual protections stay), one tree_history row per tree that becomes
// protected or unprotected (user, at, old and new value, the rule set's name and citation), the
// zones and all conflicts recomputed as `rootzone check` does, the store's data generation
// bumped so a running server reloads. One transaction; a dry run computes the same and rolls it
// back. storage::StoreBusy when another writer holds the store past the busy timeout.
RuleSetSwitch use_rule_set(storage::Store& store, const geo::RuleSet& to, const std::string& user,
                           geo::Timestamp at, bool dry_run, unsigned threads = 0);

}  // namespace rootzone::core
