#pragma once
// sortby (as OGC API Records and Features' sorting draft write it: "-height_m,source_id") and
// the keyset cursor of a sorted listing: the last feature's sort values and id, as an opaque
// url-safe token (base64url of a JSON array), never an offset.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/storage/feature_query.hpp"

namespace rootzone::api {

// At most this many keys; more is a 400.
inline constexpr std::size_t kMaxSortKeys = 8;

// "+a,-b" (a '+' that arrived as a space counts as '+'); names are not checked here.
std::optional<std::vector<storage::SortKey>> parse_sortby(std::string_view value);

std::string encode_cursor(const std::vector<storage::SortValue>& values, std::int64_t id);
// nullopt unless it is a token of exactly `keys` values and an id.
std::optional<std::pair<std::vector<storage::SortValue>, std::int64_t>> decode_cursor(
    std::string_view token, std::size_t keys);

}  // namespace rootzone::api
