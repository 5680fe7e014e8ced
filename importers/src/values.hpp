#pragma once
// Reading values as cities write them: decimal commas, German dates, local times.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"

namespace rootzone::importers::detail {

std::string_view trim(std::string_view text);

// The whole text must be a number ("12.5", "12,5" with separator ',', "-3", "1e3"); thousands
// separators are refused rather than guessed. Infinite and NaN are refused.
std::optional<double> parse_number(std::string_view text, char decimal_separator);

// Formats: "iso8601" (YYYY-MM-DD, optionally THH:MM[:SS[.f]] and Z or an offset), or a pattern
// with %Y %m %d %H %M %S %z and literal characters ("%d.%m.%Y %H:%M"). The first format that
// matches the whole text wins. A time without an offset is in `timezone` ("UTC" or
// "Europe/Berlin"); a date without a time starts the day, or ends it (23:59:59) with
// end_of_day.
std::optional<geo::Timestamp> parse_time(std::string_view text,
                                         const std::vector<std::string>& formats,
                                         std::string_view timezone, bool end_of_day);
// Dates (inspections, felling): the same formats, the time of day ignored.
std::optional<geo::Date> parse_calendar_date(std::string_view text,
                                             const std::vector<std::string>& formats);

// Valid UTF-8 (no overlongs, no surrogates)?
bool valid_utf8(std::string_view text);

}  // namespace rootzone::importers::detail
