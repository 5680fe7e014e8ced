#pragma once
// Numbers as people read them in reasons and rule names: "112", "4.48", never "112.000000".
#include <charconv>
#include <string>

namespace rootzone::geo {

// std::to_chars, not snprintf: every conflict's rule text is built with these, tens of
// thousands per full check, and snprintf's locale handling was a third of the check's time.
inline std::string number_text(double v, int max_decimals = 2) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, max_decimals);
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

}  // namespace rootzone::geo
