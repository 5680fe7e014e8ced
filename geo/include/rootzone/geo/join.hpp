#pragma once
// Lists written as text: "120,60", "a, b, c".
#include <string>
#include <string_view>

namespace rootzone::geo {

// Appends the items to `out` with `separator` between them; append(out, item) writes one item
// in place, so numbers need no string of their own.
template <class Range, class Append>
void append_joined(std::string& out, const Range& items, std::string_view separator,
                   Append append) {
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    first = false;
    append(out, item);
  }
}

}  // namespace rootzone::geo
