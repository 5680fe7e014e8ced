#include "packed_rtree.hpp"

#include <limits>
#include <numeric>
#include <stdexcept>

#include "rootzone/geo/str_order.hpp"

namespace rootzone::geo {

PackedRTree::PackedRTree(const std::vector<Bounds>& boxes, std::uint32_t node_size)
    : node_size_(std::max<std::uint32_t>(node_size, 2)) {
  if (boxes.size() >= std::numeric_limits<std::uint32_t>::max() / 2) {
    throw std::length_error("PackedRTree: too many items");
  }
  item_count_ = static_cast<std::uint32_t>(boxes.size());
  if (item_count_ == 0) return;

  std::vector<std::uint32_t> order(item_count_);
  std::iota(order.begin(), order.end(), 0U);
  str_order(order.begin(), order.end(), node_size_,
            [&](std::uint32_t i) -> const Bounds& { return boxes[i]; });

  boxes_.reserve(item_count_ + item_count_ / (node_size_ - 1) + 2);
  indices_.reserve(boxes_.capacity());
  for (const auto i : order) {
    boxes_.push_back(boxes[i]);
    indices_.push_back(i);
  }
  level_bounds_.push_back(item_count_);

  // Each upper level groups node_size consecutive entries of the level below.
  std::uint32_t level_start = 0;
  std::uint32_t level_end = item_count_;
  do {
    for (std::uint32_t pos = level_start; pos < level_end; pos += node_size_) {
      const auto stop = std::min(level_end, pos + node_size_);
      Bounds box = boxes_[pos];
      for (auto k = pos + 1; k < stop; ++k) box.expand(boxes_[k]);
      boxes_.push_back(box);
      indices_.push_back(pos);
    }
    level_start = level_end;
    level_end = static_cast<std::uint32_t>(boxes_.size());
    level_bounds_.push_back(level_end);
  } while (level_end - level_start > 1);
}

std::uint32_t PackedRTree::level_of(std::uint32_t node) const {
  // The end of the level that holds position `node`.
  const auto it = std::upper_bound(level_bounds_.begin(), level_bounds_.end(), node);
  return static_cast<std::uint32_t>(it - level_bounds_.begin());
}

}  // namespace rootzone::geo
