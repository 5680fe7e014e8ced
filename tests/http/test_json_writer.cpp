// The JSON text writer of item pages: what it writes must parse back to the values given.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/http/json_writer.hpp"

using rootzone::http::JsonWriter;

TEST_CASE("JsonWriter puts commas between members and elements at every depth", "[http][json]") {
  std::string text;
  JsonWriter w(text);
  w.begin_object().key("a").integer(1).key("empty").begin_array().end_array();
  w.key("list").begin_array().integer(1).begin_object().key("x").null().end_object();
  w.begin_array().end_array().boolean(false).end_array();
  w.key("last").boolean(true).end_object();
  CHECK(text == R"({"a":1,"empty":[],"list":[1,{"x":null},[],false],"last":true})");
}

TEST_CASE("JsonWriter escapes what JSON requires and passes UTF-8 through", "[http][json]") {
  std::string text;
  JsonWriter w(text);
  const std::string nasty =
      "Stra\xc3\x9f"
      "e \"7\" \\ a\tb\nc\r\x01\x1f end";
  w.begin_array().string(nasty).string("").end_array();
  CHECK(text ==
        "[\"Stra\xc3\x9f"
        "e \\\"7\\\" \\\\ a\\tb\\nc\\r\\u0001\\u001f end\",\"\"]");
  CHECK(nlohmann::json::parse(text).at(0) == nasty);
}

TEST_CASE("JsonWriter numbers read back exactly, NaN and infinity become null", "[http][json]") {
  std::string text;
  JsonWriter w(text);
  w.begin_array().number(0.1).number(448100.013).number(-2.5e-7).number(1e21);
  w.number(std::nan("")).number(std::numeric_limits<double>::infinity());
  w.integer(std::numeric_limits<std::int64_t>::min()).end_array();
  const auto back = nlohmann::json::parse(text);
  CHECK(back.at(0).get<double>() == 0.1);
  CHECK(back.at(1).get<double>() == 448100.013);
  CHECK(back.at(2).get<double>() == -2.5e-7);
  CHECK(back.at(3).get<double>() == 1e21);
  CHECK(back.at(4).is_null());
  CHECK(back.at(5).is_null());
  CHECK(back.at(6).get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
  CHECK(text.substr(0, 18) == "[0.1,448100.013,-2");  // the shortest text, not 17 digits
}
