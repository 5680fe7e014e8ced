#include "rootzone/support/json_nesting.hpp"

namespace rootzone::support {

JsonNesting json_nesting(std::string_view text, std::size_t limit) {
  JsonNesting out;
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > out.depth) out.depth = depth;
      if (depth > limit) {
        out.at = i;
        return out;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return out;
}

}  // namespace rootzone::support
