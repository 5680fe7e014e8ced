#include <catch2/catch.hpp>

#include "rootzone/geo/time.hpp"

using namespace rootzone::geo;
using namespace std::chrono;

namespace {
// 2026-11-25T13:02:07Z as seconds since the Unix epoch: date -u -d 2026-11-25T13:02:07Z +%s
constexpr std::int64_t k_example = 1795611727;
Timestamp at(std::int64_t s) { return Timestamp{seconds{s}}; }
}  // namespace

TEST_CASE("format_utc writes RFC 3339 with Z", "[time]") {
  CHECK(format_utc(at(0)) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(at(k_example)) == "2026-11-25T13:02:07Z");
  // Before the epoch the day must be floored, not truncated towards zero.
  CHECK(format_utc(at(-1)) == "1969-12-31T23:59:59Z");
  CHECK(format_utc(at(951782400)) == "2000-02-29T00:00:00Z");  // leap day of a century year
}

TEST_CASE("parse_utc accepts the documented forms", "[time]") {
  CHECK(parse_utc("2026-11-25T13:02:07Z") == at(k_example));
  CHECK(parse_utc("2026-11-25 13:02:07") == at(k_example));  // no zone: taken as UTC
  CHECK(parse_utc("2026-11-25T13:02:07") == at(k_example));
  CHECK(parse_utc("2026-11-25T14:02:07+01:00") == at(k_example));  // CET
  CHECK(parse_utc("2026-11-25T08:02:07-05:00") == at(k_example));  // EST
  CHECK(parse_utc("2026-11-25T18:32:07+05:30") == at(k_example));  // IST, half-hour offset
  // Offsets can move the instant across a day boundary.
  CHECK(parse_utc("2026-11-26T00:30:00+01:00") == parse_utc("2026-11-25T23:30:00Z"));
  // Fractional seconds are dropped, never rounded up.
  CHECK(parse_utc("2026-11-25T13:02:07.999Z") == at(k_example));
  CHECK(parse_utc("2026-11-25T13:02:07.5+01:00") == at(k_example - 3600));
}

TEST_CASE("parse_utc refuses malformed and out-of-range text", "[time]") {
  for (const char* bad : {
           "",                           // nothing
           "2026-11-25",                 // a date is not an instant
           "2026-13-40T00:00:00Z",       // month 13, day 40
           "2025-02-29T00:00:00Z",       // 2025 is no leap year
           "2026-11-25T24:00:00Z",       // hour 24
           "2026-11-25T13:60:00Z",       // minute 60
           "2026-11-25T13:02:60Z",       // leap second: not representable
           "2026-11-25T13:02Z",          // seconds missing
           "2026-11-25T13:02:07Zjunk",   // trailing garbage
           "2026-11-25T13:02:07 ",       // trailing blank
           " 2026-11-25T13:02:07Z",      // leading blank
           "2026-11-25X13:02:07Z",       // wrong separator
           "2026-11-25T13:02:07.Z",      // fraction without digits
           "2026-11-25T13:02:07+0100",   // offset without colon
           "2026-11-25T13:02:07+01",     // offset without minutes
           "2026-11-25T13:02:07+24:00",  // offset hour out of range
           "26-11-25T13:02:07Z",         // two-digit year
           "2026-1-25T13:02:07Z",        // one-digit month
           "+2026-11-25T13:02:07Z",      // signed year
       }) {
    INFO(bad);
    CHECK_FALSE(parse_utc(bad).has_value());
  }
}

TEST_CASE("format_utc and parse_utc round-trip", "[time]") {
  for (const std::int64_t s : {std::int64_t{0}, std::int64_t{-86401}, k_example,
                               std::int64_t{253402300799}}) {  // 9999-12-31T23:59:59Z
    INFO(s);
    CHECK(parse_utc(format_utc(at(s))) == at(s));
  }
  CHECK(format_utc(*parse_utc("2026-03-29T02:30:00+01:00")) == "2026-03-29T01:30:00Z");
}

TEST_CASE("format_date and parse_date", "[time]") {
  const Date d = year{2026} / November / 25;
  CHECK(format_date(d) == "2026-11-25");
  CHECK(parse_date("2026-11-25") == d);
  CHECK(format_date(year{987} / January / 5) == "0987-01-05");
  CHECK(parse_date("2024-02-29") == year{2024} / February / 29);
  CHECK(parse_date(format_date(year{1999} / December / 31)) == year{1999} / December / 31);

  for (const char* bad : {"", "2026-13-40", "2026-02-30", "2100-02-29", "2026-11-25T00:00:00Z",
                          "2026-11-25 ", "2026/11/25", "2026-11-5", "20261125"}) {
    INFO(bad);
    CHECK_FALSE(parse_date(bad).has_value());
  }
}

TEST_CASE("now_utc is whole seconds close to the system clock", "[time]") {
  const auto before = floor<seconds>(system_clock::now());
  const Timestamp now = now_utc();
  const auto after = system_clock::now();
  CHECK(now >= before);
  CHECK(now <= after);
}
