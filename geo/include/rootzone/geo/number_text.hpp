#pragma once
// Numbers as text, one routine for every place that writes them: reasons and rule names
// ("112", "4.48", never "112.000000"), import problems, and what the store keeps as text.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace rootzone::geo {

struct NumberFormat {
  // At most this many decimals, trailing zeros (and a bare point) dropped.
  int max_decimals = 2;
  // Instead: the shortest text that reads back as the same double ("112.5", "80", "1e+20"),
  // for numbers stored as text. max_decimals and minus_zero do not apply.
  bool round_trip = false;
  // "-0" for a negative number that rounds to zero (and for -0.0), as printf writes it.
  bool minus_zero = false;
};

// std::to_chars, not snprintf: every conflict's rule text is built with these, tens of
// thousands per full check, and snprintf's locale handling was a third of the check's time.
inline void append_number(std::string& out, double v, NumberFormat f = {}) {
  char buf[64];
  if (f.round_trip) {
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    return;
  }
  // Whole numbers (most circumferences, limits, heights) as integers: the fixed-precision
  // double conversion costs ten times as much.
  if (v == std::trunc(v) && std::fabs(v) < 1e15 && !(f.minus_zero && std::signbit(v))) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, r.ptr);
    return;
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, f.max_decimals);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  out += s == "-0" && !f.minus_zero ? std::string_view("0") : s;
}

inline std::string number_text(double v, NumberFormat f = {}) {
  std::string s;
  append_number(s, v, f);
  return s;
}

}  // namespace rootzone::geo
