#pragma once
// What field staff do with trees (docs/domain.md "Trees"): add one, correct its record, record
// an inspection, mark it felled, read its inspections and history. Trees are never deleted.
// Every write runs through the live engine: the row and its field-by-field history, the
// protected status evaluated under the active rule set, the tree's conflicts recomputed and
// stored in the same transaction, the area it touched published.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rootzone/core/application.hpp"
#include "rootzone/core/policy.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::core {

struct StoredTree {
  geo::Tree tree;        // as stored now
  bool changed = false;  // false: the edit changed nothing, the version was kept
  std::vector<geo::TreeWorkConflict> conflicts;  // the tree's conflicts now, by id
};

// The stored tree; Error not_found.
geo::Tree find_tree(storage::Store& store, std::int64_t id);

// A new tree with a "created" history row naming the caller. Error conflict for a tree number
// (source_id) the store has.
StoredTree add_tree(Application& app, const Caller& caller, geo::Tree tree, geo::Timestamp at);

// The tree as the caller wants it, made from the stored one inside the write (PUT starts from
// what a replacement keeps, PATCH from all of it). It may throw to refuse the change.
using TreeRevision = std::function<geo::Tree(const geo::Tree& stored)>;

// Replaces tree `id` by revise(stored) when the stored version is `expected` (else Error
// precondition_failed naming the current one). An unchanged tree keeps its version.
StoredTree edit_tree(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const TreeRevision& revise, geo::Timestamp at);

struct RecordedInspection {
  geo::Inspection inspection;  // as stored, with its id
  StoredTree tree;             // the tree after its dates followed the inspection
};
// An inspection is a fact from the field: `expected` is optional (a phone that queued it
// offline must not lose it to someone's species correction), checked when given. Error
// conflict for a felled tree. The tree's last and next inspection follow the latest one.
RecordedInspection record_inspection(Application& app, const Caller& caller, std::int64_t id,
                                     std::optional<std::int64_t> expected,
                                     geo::Inspection inspection, geo::Timestamp at);

struct Felling {
  geo::Date felled_on{};
  std::string reason;
};
// Marks a standing tree felled (Error conflict when it is felled or only planned; Error
// unprocessable for a date before its planting year) and records the reason in its history.
StoredTree fell_tree(Application& app, const Caller& caller, std::int64_t id, std::int64_t expected,
                     const Felling& felling, geo::Timestamp at);

std::vector<geo::Inspection> tree_inspections(Application& app, const Caller& caller,
                                              std::int64_t id);
std::vector<geo::TreeChange> tree_history(Application& app, const Caller& caller, std::int64_t id);

}  // namespace rootzone::core
