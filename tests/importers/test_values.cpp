// The value readers behind every mapping: decimal commas, German dates, Europe/Berlin times.
#include <catch2/catch.hpp>

#include "rootzone/geo/time.hpp"
#include "values.hpp"

using namespace rootzone::importers::detail;
using rootzone::geo::format_utc;

TEST_CASE("numbers are read whole, with the decimal separator the mapping names",
          "[importers][values]") {
  CHECK(parse_number("12.5", '.') == 12.5);
  CHECK(parse_number(" 12,5 ", ',') == 12.5);
  CHECK(parse_number("-3", '.') == -3.0);
  CHECK_FALSE(parse_number("12,5", '.'));
  CHECK_FALSE(parse_number("1.234,5", ','));  // thousands separators are not guessed
  CHECK_FALSE(parse_number("dick", '.'));
  CHECK_FALSE(parse_number("12 cm", '.'));
  CHECK_FALSE(parse_number("", '.'));
  CHECK_FALSE(parse_number("nan", '.'));
}

TEST_CASE("Europe/Berlin local times become UTC after the EU summer-time rule",
          "[importers][values]") {
  // Winter: CET = UTC+1; summer: CEST = UTC+2; switch 2026-03-29 and 2026-10-25 at 01:00 UTC.
  CHECK(format_utc(*parse_time("05.01.2026 12:00", {"%d.%m.%Y %H:%M"}, "Europe/Berlin", false)) ==
        "2026-01-05T11:00:00Z");
  CHECK(format_utc(*parse_time("24.07.2026 07:00", {"%d.%m.%Y %H:%M"}, "Europe/Berlin", false)) ==
        "2026-07-24T05:00:00Z");
  CHECK(format_utc(*parse_time("2026-03-29T01:59", {"iso8601"}, "Europe/Berlin", false)) ==
        "2026-03-29T00:59:00Z");
  CHECK(format_utc(*parse_time("2026-03-29T03:00", {"iso8601"}, "Europe/Berlin", false)) ==
        "2026-03-29T01:00:00Z");
  // The autumn hour that happens twice is taken as the first (summer) one.
  CHECK(format_utc(*parse_time("2026-10-25 02:30", {"iso8601"}, "Europe/Berlin", false)) ==
        "2026-10-25T00:30:00Z");
  CHECK(format_utc(*parse_time("2026-10-25 03:30", {"iso8601"}, "Europe/Berlin", false)) ==
        "2026-10-25T02:30:00Z");
}

TEST_CASE("dates and times: offsets win, dates end the day on request, nonsense is refused",
          "[importers][values]") {
  CHECK(format_utc(*parse_time("2026-02-02T07:00:00Z", {}, "Europe/Berlin", false)) ==
        "2026-02-02T07:00:00Z");
  CHECK(format_utc(*parse_time("2026-02-02T08:00:00+01:00", {"iso8601"}, "UTC", false)) ==
        "2026-02-02T07:00:00Z");
  CHECK(format_utc(*parse_time("31.07.2026", {"%d.%m.%Y"}, "Europe/Berlin", true)) ==
        "2026-07-31T21:59:59Z");
  CHECK(format_utc(*parse_time("5.8.2024", {"%d.%m.%Y"}, "UTC", false)) == "2024-08-05T00:00:00Z");
  CHECK_FALSE(parse_time("31.02.2026", {"%d.%m.%Y"}, "UTC", false));
  CHECK_FALSE(parse_time("2026-13-01", {"iso8601"}, "UTC", false));
  CHECK_FALSE(parse_time("morgen", {"iso8601", "%d.%m.%Y"}, "UTC", false));
  CHECK(parse_calendar_date("03.09.2025", {"%d.%m.%Y"}) ==
        std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::month{9},
                                    std::chrono::day{3}});
}

TEST_CASE("UTF-8 is checked strictly", "[importers][values]") {
  CHECK(
      valid_utf8("Spitz-Ahorn, Stra\xC3\x9F"
                 "e"));
  CHECK_FALSE(
      valid_utf8("Stra\xDF"
                 "e"));                     // Latin-1 sharp s
  CHECK_FALSE(valid_utf8("\xC0\xAF"));      // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));  // surrogate
}
