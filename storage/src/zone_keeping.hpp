#pragma once
// The zones a TreeBulkWriter draws for the trees it inserts into an empty store
// (TreeBulkWriter::keep_zones), shared by both stores' writers.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/conflict_inputs.hpp"

namespace rootzone::storage::detail {

class ZoneKeeping {
 public:
  // Keeps zones from now on when the store held no tree at the start.
  void start(const geo::RuleSet& rules, bool store_started_empty) {
    if (store_started_empty) rules_ = rules;
  }

  // The zone of a tree just inserted with `id`, drawn as load_zoned_trees draws it from the
  // stored row: the stems summed in stem order from 0, the crown, columnar by hand or by name.
  void inserted(std::int64_t id, const geo::Tree& tree) {
    if (!rules_) return;
    ++trees_;
    if (!tree.protection.is_protected || tree.status != geo::TreeStatus::existing) return;
    zones_.push_back({id, tree.location, geo::protection_zone(tree, *rules_)});
  }
  // An update changes a tree this writer may have drawn: the zones are left to the next check.
  void updated() {
    rules_.reset();
    zones_.clear();
  }
  struct Kept {
    geo::RuleSet rules;
    std::vector<geo::ZonedTree> zones;  // in the order of the inserts: ascending ids
    // The zones' marker: the trees this writer inserted, each at version 1, into a store that
    // held none. Counted, not queried: a scan of a million rows would cost 0.1 s, and where
    // another writer could add trees meanwhile (PostGIS without the table's lock) the count
    // would be theirs too while the zones are not, so the marker must not match then.
    std::string marker;
  };
  // What was kept, unless keeping was never asked for or ended by an update; keeping ends.
  std::optional<Kept> take() {
    if (!rules_) return std::nullopt;
    auto marker = zone_marker(*rules_, trees_, trees_);
    Kept kept{std::move(*rules_), std::exchange(zones_, {}), std::move(marker)};
    rules_.reset();
    return kept;
  }

 private:
  std::optional<geo::RuleSet> rules_;
  std::vector<geo::ZonedTree> zones_;
  std::int64_t trees_ = 0;
};

}  // namespace rootzone::storage::detail
