#pragma once
// Sort-Tile-Recursive order, for R-trees packed bottom-up in one go: the conflict engine's
// in-memory index and the store's spatial index on an import into an empty store.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

// Orders [first, last) so that each run of node_size consecutive items is one node of the
// tree's lowest level: vertical slabs of about sqrt(node count) nodes by the items' centre x,
// each slab by centre y. bounds_of(item) gives the item's Bounds. Callers pack the next level
// up by ordering the nodes' bounds the same way.
template <std::random_access_iterator It, class BoundsOf>
void str_order(It first, It last, std::size_t node_size, BoundsOf bounds_of) {
  using Item = std::iter_value_t<It>;
  // Twice the centre: the same order without a division per comparison.
  const auto by_x = [&](const Item& a, const Item& b) {
    const Bounds& p = bounds_of(a);
    const Bounds& q = bounds_of(b);
    return p.minx + p.maxx < q.minx + q.maxx;
  };
  const auto by_y = [&](const Item& a, const Item& b) {
    const Bounds& p = bounds_of(a);
    const Bounds& q = bounds_of(b);
    return p.miny + p.maxy < q.miny + q.maxy;
  };
  const auto count = static_cast<std::size_t>(last - first);
  const std::size_t nodes = (count + node_size - 1) / node_size;
  const auto slabs = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
  const std::size_t slab_items = std::max<std::size_t>(slabs * node_size, 1);
  std::sort(first, last, by_x);
  for (std::size_t start = 0; start < count; start += slab_items) {
    const auto end = std::min(count, start + slab_items);
    std::sort(first + static_cast<std::ptrdiff_t>(start), first + static_cast<std::ptrdiff_t>(end),
              by_y);
  }
}

}  // namespace rootzone::geo
