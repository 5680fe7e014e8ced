#pragma once
// Conflicts as the conflict engine last computed them, with planners' acknowledgements.
//
// The replace_* operations swap a computed set in one transaction. A pair that still
// conflicts keeps its id and its acknowledgement, unless (tree-work) its severity got worse:
// a planner who accepted "medium" has not accepted "critical". Pairs that no longer
// conflict are deleted. A tree-work finding computed again unchanged is not rewritten: its
// computed_at is when it took its current form.
#include <cstdint>
#include <optional>
#include <vector>

#include "rootzone/geo/conflict.hpp"

namespace rootzone::storage {

class ConflictRepository {
 public:
  virtual ~ConflictRepository() = default;

  // Each returns the stored conflicts of its scope, ordered by id.
  virtual std::vector<geo::TreeWorkConflict> replace_tree_work_conflicts_for_work(
      std::int64_t work_id, const std::vector<geo::TreeWorkConflict>& conflicts) = 0;
  virtual std::vector<geo::TreeWorkConflict> replace_tree_work_conflicts_for_tree(
      std::int64_t tree_id, const std::vector<geo::TreeWorkConflict>& conflicts) = 0;
  virtual std::vector<geo::TreeWorkConflict> replace_all_tree_work_conflicts(
      const std::vector<geo::TreeWorkConflict>& conflicts) = 0;

  virtual geo::TreeWorkConflict tree_work_conflict(std::int64_t id) = 0;  // NotFound
  virtual std::vector<geo::TreeWorkConflict> tree_work_conflicts_for_work(std::int64_t work_id) = 0;
  virtual std::vector<geo::TreeWorkConflict> tree_work_conflicts_for_tree(std::int64_t tree_id) = 0;
  virtual std::vector<geo::TreeWorkConflict> all_tree_work_conflicts() = 0;
  // Records (or replaces) the acknowledgement; a zero ack.at means now. NotFound.
  virtual geo::TreeWorkConflict acknowledge_tree_work_conflict(std::int64_t id,
                                                               const geo::Acknowledgement& ack) = 0;

  // Work-work pairs are stored with work_a < work_b; reversed pairs are swapped.
  virtual std::vector<geo::WorkWorkConflict> replace_work_work_conflicts_for_work(
      std::int64_t work_id, const std::vector<geo::WorkWorkConflict>& conflicts) = 0;
  virtual std::vector<geo::WorkWorkConflict> replace_all_work_work_conflicts(
      const std::vector<geo::WorkWorkConflict>& conflicts) = 0;

  virtual geo::WorkWorkConflict work_work_conflict(std::int64_t id) = 0;  // NotFound
  // Conflicts where the work is either side.
  virtual std::vector<geo::WorkWorkConflict> work_work_conflicts_for_work(std::int64_t work_id) = 0;
  virtual std::vector<geo::WorkWorkConflict> all_work_work_conflicts() = 0;
  virtual geo::WorkWorkConflict acknowledge_work_work_conflict(std::int64_t id,
                                                               const geo::Acknowledgement& ack) = 0;
};

}  // namespace rootzone::storage
