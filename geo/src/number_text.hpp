#pragma once
// Numbers as people read them in reasons and rule names: "112", "4.48", never "112.000000".
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace rootzone::geo {

// std::to_chars, not snprintf: every conflict's rule text is built with these, tens of
// thousands per full check, and snprintf's locale handling was a third of the check's time.
inline void append_number(std::string& out, double v, int max_decimals = 2) {
  char buf[64];
  // Whole numbers (most circumferences, limits, heights) as integers: the fixed-precision
  // double conversion costs ten times as much.
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, r.ptr);
    return;
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, max_decimals);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  out += s == "-0" ? std::string_view("0") : s;
}

inline std::string number_text(double v, int max_decimals = 2) {
  std::string s;
  append_number(s, v, max_decimals);
  return s;
}

}  // namespace rootzone::geo
