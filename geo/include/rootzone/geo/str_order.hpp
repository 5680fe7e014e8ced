#pragma once
// Sort-Tile-Recursive order, for R-trees packed bottom-up in one go: the conflict engine's
// in-memory index and the store's spatial index on an import into an empty store.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <thread>
#include <utility>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

// Orders [first, last) so that each run of node_size consecutive items is one node of the
// tree's lowest level: vertical slabs of about sqrt(node count) nodes by the items' centre x,
// each slab by centre y. bounds_of(item) gives the item's Bounds. Callers pack the next level
// up by ordering the nodes' bounds the same way.
namespace detail {

// Below this many items a second thread costs more than it saves.
constexpr std::size_t parallel_from = std::size_t{1} << 16;

// Orders [first, last) by key_of(item), ties by their position before: the keys are sorted as
// contiguous (key, position) pairs and the items moved once, instead of comparisons that look
// up two items' bounds each (half a million boxes lie all over memory: the sort took twice as
// long). The tie rule makes the order the same on every standard library.
template <std::random_access_iterator It, class KeyOf>
void sort_by_key(It first, It last, KeyOf key_of) {
  using Item = std::iter_value_t<It>;
  const auto count = last - first;
  std::vector<std::pair<double, std::ptrdiff_t>> keys;
  keys.reserve(static_cast<std::size_t>(count));
  for (std::ptrdiff_t i = 0; i < count; ++i) keys.emplace_back(key_of(first[i]), i);
  // The pairs are all distinct, so any correct sort gives this one order: large ranges are
  // sorted in two halves on two threads and merged.
  if (static_cast<std::size_t>(count) >= parallel_from) {
    const auto mid = keys.begin() + count / 2;
    std::thread other([&] { std::sort(keys.begin(), mid); });
    std::sort(mid, keys.end());
    other.join();
    std::inplace_merge(keys.begin(), mid, keys.end());
  } else {
    std::sort(keys.begin(), keys.end());
  }
  std::vector<Item> sorted;
  sorted.reserve(static_cast<std::size_t>(count));
  for (const auto& k : keys) sorted.push_back(std::move(first[k.second]));
  std::move(sorted.begin(), sorted.end(), first);
}

}  // namespace detail

template <std::random_access_iterator It, class BoundsOf>
void str_order(It first, It last, std::size_t node_size, BoundsOf bounds_of) {
  using Item = std::iter_value_t<It>;
  // Twice the centre: the same order without a division per item.
  const auto x_of = [&](const Item& a) {
    const Bounds& p = bounds_of(a);
    return p.minx + p.maxx;
  };
  const auto y_of = [&](const Item& a) {
    const Bounds& p = bounds_of(a);
    return p.miny + p.maxy;
  };
  const auto count = static_cast<std::size_t>(last - first);
  const std::size_t nodes = (count + node_size - 1) / node_size;
  const auto slabs = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
  const std::size_t slab_items = std::max<std::size_t>(slabs * node_size, 1);
  detail::sort_by_key(first, last, x_of);
  // The slabs are independent: every other one on a second thread when there are many items.
  const auto sort_slabs = [&](std::size_t from_slab, std::size_t step) {
    for (std::size_t start = from_slab * slab_items; start < count; start += step * slab_items) {
      const auto end = std::min(count, start + slab_items);
      detail::sort_by_key(first + static_cast<std::ptrdiff_t>(start),
                          first + static_cast<std::ptrdiff_t>(end), y_of);
    }
  };
  if (count >= detail::parallel_from) {
    std::thread other([&] { sort_slabs(1, 2); });
    sort_slabs(0, 2);
    other.join();
  } else {
    sort_slabs(0, 1);
  }
}

}  // namespace rootzone::geo
