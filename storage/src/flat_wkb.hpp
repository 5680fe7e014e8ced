#pragma once
// WorkRepository's promise that a work geometry is 2D WKB, kept by both stores in the same
// words. PostGIS's typed column would refuse a Z or M coordinate by itself, SpatiaLite 5 stores
// it (its geometry triggers check the type and SRID only), and the conflict engine reads x and
// y only: so both refuse it before writing, a ConstraintViolation as for a duplicate reference.
#include <cstdint>
#include <string>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage::detail {

// `who` begins the message ("work W-4", "work 12"). WKB the store cannot parse is left to the
// store, which refuses it as before.
inline void require_flat_wkb(const geo::Geometry& geometry, const std::string& who) {
  const auto& wkb = geometry.wkb();
  if (wkb.size() < 5 || wkb[0] > 1) return;
  std::uint32_t type = 0;
  for (int i = 0; i < 4; ++i) {
    const auto byte = wkb[static_cast<std::size_t>(wkb[0] == 1 ? 1 + i : 4 - i)];
    type |= static_cast<std::uint32_t>(byte) << (8 * i);
  }
  // ISO WKB: 1000s Z, 2000s M, 3000s ZM; EWKB: the high bits 0x80000000 (Z), 0x40000000 (M).
  const bool z_or_m = (type & 0xC0000000u) != 0 || (type & 0x0FFFFFFFu) >= 1000;
  if (z_or_m) {
    throw ConstraintViolation(who +
                              ": the geometry has Z or M coordinates; the store holds 2D "
                              "geometries only");
  }
}

}  // namespace rootzone::storage::detail
