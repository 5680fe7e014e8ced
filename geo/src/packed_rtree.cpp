#include "packed_rtree.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace rootzone::geo {

namespace {

double center_x(const Bounds& b) { return (b.minx + b.maxx) / 2; }
double center_y(const Bounds& b) { return (b.miny + b.maxy) / 2; }

}  // namespace

PackedRTree::PackedRTree(const std::vector<Bounds>& boxes, std::uint32_t node_size)
    : node_size_(std::max<std::uint32_t>(node_size, 2)) {
  if (boxes.size() >= std::numeric_limits<std::uint32_t>::max() / 2) {
    throw std::length_error("PackedRTree: too many items");
  }
  item_count_ = static_cast<std::uint32_t>(boxes.size());
  if (item_count_ == 0) return;

  // Sort-tile-recursive: vertical slabs of about sqrt(leaf count) leaves, each sorted by y.
  std::vector<std::uint32_t> order(item_count_);
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return center_x(boxes[a]) < center_x(boxes[b]);
  });
  const auto leaves = (item_count_ + node_size_ - 1) / node_size_;
  const auto slabs = static_cast<std::uint32_t>(std::ceil(std::sqrt(static_cast<double>(leaves))));
  const auto slab_items = static_cast<std::size_t>(slabs) * node_size_;
  for (std::size_t start = 0; start < order.size(); start += slab_items) {
    const auto end = std::min(order.size(), start + slab_items);
    std::sort(
        order.begin() + static_cast<std::ptrdiff_t>(start),
        order.begin() + static_cast<std::ptrdiff_t>(end),
        [&](std::uint32_t a, std::uint32_t b) { return center_y(boxes[a]) < center_y(boxes[b]); });
  }

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
