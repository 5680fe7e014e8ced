#pragma once
#include <string>
#include <string_view>

namespace rootzone::support {

// One gzip member (RFC 1952) holding `data`, compressed at zlib's `level` (0-9; 6 is zlib's
// default trade-off). Throws std::runtime_error if zlib fails.
std::string gzip(std::string_view data, int level = 6);

}  // namespace rootzone::support
