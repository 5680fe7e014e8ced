#pragma once
// Numbers as people read them in reasons and rule names: "112", "4.48", never "112.000000".
#include <cstdio>
#include <string>

namespace rootzone::geo {

inline std::string number_text(double v, int max_decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", max_decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

}  // namespace rootzone::geo
