#pragma once
// A static, bulk-loaded R-tree over boxes (sort-tile-recursive packing, nodes in flat arrays
// as in flatbush): built in O(n log n), queried without allocation, 40 bytes per item. GEOS's
// STRtree would need a GEOS geometry per tree (about 100 bytes and a C call each for 1M trees)
// and takes no inserts after its first query; the engine pairs this index with an overlay.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

class PackedRTree {
 public:
  PackedRTree() = default;
  // Item i of the result of a query is the index into `boxes` given here.
  explicit PackedRTree(const std::vector<Bounds>& boxes, std::uint32_t node_size = 16);

  std::size_t size() const { return item_count_; }

  // Calls visit(item) for every item whose box intersects `query`.
  template <class Visit>
  void query(const Bounds& query, Visit&& visit) const {
    if (item_count_ == 0) return;
    // Each level pushes at most node_size entries; 16^8 items would need 8 levels.
    std::uint32_t stack[256];
    int depth = 0;
    stack[depth++] = static_cast<std::uint32_t>(boxes_.size() - 1);  // the root
    while (depth > 0) {
      const std::uint32_t node = stack[--depth];
      const std::uint32_t level = level_of(node);
      const std::uint32_t end = std::min<std::uint32_t>(node + node_size_, level_bounds_[level]);
      for (std::uint32_t pos = node; pos < end; ++pos) {
        if (!query.intersects(boxes_[pos])) continue;
        if (pos < item_count_) {
          visit(indices_[pos]);
        } else {
          stack[depth++] = indices_[pos];
        }
      }
    }
  }

 private:
  std::uint32_t level_of(std::uint32_t node) const;

  std::vector<Bounds> boxes_;           // items first, then each level of nodes upwards
  std::vector<std::uint32_t> indices_;  // item: original index; node: first child position
  std::vector<std::uint32_t> level_bounds_;
  std::uint32_t item_count_ = 0;
  std::uint32_t node_size_ = 16;
};

}  // namespace rootzone::geo
