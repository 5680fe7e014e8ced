#pragma once
// The zones a check drew, packed for the engine: one blob in tree_zones_packed (migration 0007)
// beside tree_zones' rows, which stay for SQL clients. A check that finds the zones current
// reads this one value instead of half a million rows (170 ms of a 0.75 s check of the 1M-tree
// city on SpatiaLite, bench/RESULTS.md). Both stores write and read the same bytes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"

namespace rootzone::storage::detail {

// A header naming the format, the count, then per zone its id, x, y, trench radius, root radius
// and basis value as 8 little-endian bytes each and the basis as one byte.
std::string pack_zones(std::span<const geo::ZonedTree> zones);

// The same bytes from zones given in parts, in order (a check's zone writer receives them in
// chunks): no copy of all the zones is made just to pack them.
class ZonePacker {
 public:
  ZonePacker();
  void add(std::span<const geo::ZonedTree> zones);
  std::size_t count() const { return static_cast<std::size_t>(count_); }
  // The packed bytes of every zone added; the packer is spent.
  std::string take() &&;

 private:
  std::string out_;  // the header, its count written by take()
  std::uint64_t count_ = 0;
};

// The zones of a blob pack_zones wrote, by id; nullopt for any other bytes (a later format, a
// damaged value): the caller then reads the rows.
std::optional<std::vector<geo::ZonedTree>> unpack_zones(std::string_view blob);

}  // namespace rootzone::storage::detail
