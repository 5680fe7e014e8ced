#pragma once
// How deeply JSON text nests arrays and objects, counted without parsing it. Every reader of
// JSON from outside (API bodies, CQL2 filters, cursors, WZDx feeds) asks this first: nlohmann's
// parser accepts any depth, and copying, dumping or walking the value later recurses once per
// level on the stack, so a 200 KB body nested 100,000 deep ended the server (issue 15).
#include <cstddef>
#include <string_view>

namespace rootzone::support {

struct JsonNesting {
  std::size_t depth = 0;  // the deepest level reached, counting stops just past `limit`
  std::size_t at = 0;     // the byte where it went past `limit` (0 when it did not)
};

// Brackets inside strings (escapes included) do not count; a stray closing bracket does not
// lower the count below zero. Malformed text is left to the parser to refuse.
JsonNesting json_nesting(std::string_view text, std::size_t limit);

}  // namespace rootzone::support
