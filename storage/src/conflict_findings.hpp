#pragma once
// What both stores' conflict repositories decide alike when a recompute replaces stored
// conflicts (conflict_repository.cpp, pg/pg_conflict_repository.cpp).
#include <cstdint>
#include <optional>
#include <string>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::storage::detail {

// The same finding as stored: a recompute that finds it again writes nothing (a city-wide
// check finds most conflicts unchanged; rewriting them all was most of its persist time).
// computed_at therefore says when the finding took its current form.
inline bool same_finding(const geo::TreeWorkConflict& stored, const geo::TreeWorkConflict& found) {
  return stored.severity == found.severity && stored.rule == found.rule &&
         stored.min_distance_m == found.min_distance_m && stored.overlap_m2 == found.overlap_m2 &&
         stored.overlap_share == found.overlap_share;
}

// Which rows a replace_* call owns: all of them, or those of one tree or work. `where` is the
// store's own SQL condition on its first parameter (the id).
struct ConflictScope {
  enum class Of { all, tree, work } of;
  const char* where;
  std::optional<std::int64_t> id;
  std::string label;  // "work 12", for messages
};

// Whether a found tree-work conflict belongs to the rows `scope` replaces.
inline bool in_scope(const ConflictScope& scope, const geo::TreeWorkConflict& c) {
  switch (scope.of) {
    case ConflictScope::Of::tree:
      return c.tree_id == scope.id;
    case ConflictScope::Of::work:
      return c.work_id == scope.id;
    case ConflictScope::Of::all:
      break;
  }
  return true;
}

// The stored text of a finding's computed_at. A check stamps all its findings with one time, so
// the text is made once per time, not once per row (32,000 rows in a city's first check). The
// returned text stays unchanged until of() is called with another time.
class StampText {
 public:
  const std::string& of(geo::Timestamp t) {
    if (last_ != t) {
      last_ = t;
      text_ = geo::format_utc(t);
    }
    return text_;
  }

 private:
  std::optional<geo::Timestamp> last_;
  std::string text_;
};

}  // namespace rootzone::storage::detail
