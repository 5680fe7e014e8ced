// support::json_nesting: the depth every reader of outside JSON checks before parsing.
#include <catch2/catch.hpp>
#include <string>

#include "rootzone/support/json_nesting.hpp"

using rootzone::support::json_nesting;

TEST_CASE("json_nesting counts arrays and objects, not brackets inside strings") {
  CHECK(json_nesting("1", 64).depth == 0);
  CHECK(json_nesting(R"({"a":[1,{"b":[]}]})", 64).depth == 4);
  // Brackets in strings, an escaped quote that does not end the string, and an escaped
  // backslash that does not escape the closing quote.
  CHECK(json_nesting(R"({"a":"[[[{","b":"x\"[[","c":"\\"})", 64).depth == 1);
  // A stray closing bracket does not let later levels go uncounted.
  CHECK(json_nesting("]]]][[[", 64).depth == 3);
  CHECK(json_nesting("[[[]]]", 3).at == 0);  // at the limit, not past it
}

TEST_CASE("json_nesting stops just past the limit and says where") {
  const std::string deep = "{\"type\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto n = json_nesting(deep, 64);
  CHECK(n.depth == 65);
  CHECK(n.at == 8 + 63);  // '{' is level 1 at byte 0, the 64th '[' (level 65) at byte 8 + 63
}
