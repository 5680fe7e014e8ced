#pragma once
// What a serving node announces of its write to the other nodes (storage/change_feed.hpp):
// {"generation": N, "areas": [[minx, miny, maxx, maxy], ...], "trees": [ids], "works": [ids]}
// in the store's CRS. A payload with the generation alone, or one that cannot be read, means
// "anything may have changed".
#include <cstdint>
#include <string>
#include <string_view>

#include "rootzone/core/application.hpp"

namespace rootzone::core {

std::string change_notice(const DataChange& change, std::int64_t generation);

// The change a payload announces; `everything` when it names no areas, trees or works, or
// cannot be read (generation 0 then when it has none).
DataChange read_change_notice(std::string_view payload);

}  // namespace rootzone::core
