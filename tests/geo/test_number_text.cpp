#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "rootzone/geo/number_text.hpp"

using rootzone::geo::number_text;

namespace {

const std::vector<double>& samples() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // Halves that printf rounds to even, values next to them, negatives that round to zero,
  // whole numbers in and past the integer path, and what has no decimals at all.
  static const std::vector<double> values = {
      0,       -0.0,  1,     -1,     112,    80,     4.48,          112.5,   0.125,
      0.375,   2.675, 1.005, -0.001, -0.004, -0.005, 0.004,         0.005,   19.999,
      -19.999, 1e14,  1e15,  1e20,   -1e20,  0.1,    123456789.125, 1.0 / 3, 2.0 / 3,
      1e-9,    -1e-9, inf,   -inf};
  return values;
}

std::string printf_text(double v, int decimals) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

TEST_CASE("number_text: at most the decimals asked for, no trailing zeros", "[number_text]") {
  CHECK(number_text(112) == "112");
  CHECK(number_text(4.4812) == "4.48");
  CHECK(number_text(4.4) == "4.4");
  CHECK(number_text(2.0 / 3, {.max_decimals = 3}) == "0.667");
  CHECK(number_text(-0.001) == "0");
  CHECK(number_text(-0.0) == "0");
  for (const double v : samples()) {
    for (const int decimals : {1, 2, 3}) {
      INFO(v << " with " << decimals << " decimals");
      const auto expected = printf_text(v, decimals);
      CHECK(number_text(v, {.max_decimals = decimals}) == (expected == "-0" ? "0" : expected));
    }
  }
}

TEST_CASE("number_text: minus_zero writes what printf writes", "[number_text]") {
  CHECK(number_text(-0.001, {.minus_zero = true}) == "-0");
  CHECK(number_text(-0.0, {.minus_zero = true}) == "-0");
  for (const double v : samples()) {
    INFO(v);
    CHECK(number_text(v, {.minus_zero = true}) == printf_text(v, 2));
  }
}

TEST_CASE("number_text: round_trip is the shortest text of the same double", "[number_text]") {
  CHECK(number_text(112.5, {.round_trip = true}) == "112.5");
  CHECK(number_text(80, {.round_trip = true}) == "80");
  CHECK(number_text(1e20, {.round_trip = true}) == "1e+20");
  CHECK(number_text(-0.0, {.round_trip = true}) == "-0");
  for (const double v : samples()) {
    INFO(v);
    const auto text = number_text(v, {.round_trip = true});
    if (std::isfinite(v)) CHECK(std::stod(text) == v);
    char buf[64];
    CHECK(text == std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr));
  }
}
