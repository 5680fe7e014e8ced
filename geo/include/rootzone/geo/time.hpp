#pragma once
// Points in time and calendar dates of the domain. Instants are UTC (docs/domain.md: works' local
// times are Europe/Berlin at the edges, stored as UTC); dates are plain calendar days.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rootzone::geo {

using Timestamp = std::chrono::sys_seconds;
using Date = std::chrono::year_month_day;

// "2026-11-25T13:02:07Z"
std::string format_utc(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (taken as UTC) and offsets "+01:00".
std::optional<Timestamp> parse_utc(std::string_view text);

// "2026-11-25"
std::string format_date(Date d);
std::optional<Date> parse_date(std::string_view text);

Timestamp now_utc();

// Europe/Berlin, the city's local time, after the EU summer-time rules (Directive 2000/84/EC,
// in force since 1996: CEST from the last Sunday of March 01:00 UTC to the last Sunday of
// October 01:00 UTC), applied to every year (no tzdata lookup).
bool berlin_summer_time(Timestamp utc);
// A local wall-clock time, written as if it were UTC, to UTC. A time in the autumn hour that
// happens twice is taken as the first (summer) one; a time in the spring gap as standard time.
Timestamp berlin_to_utc(Timestamp local_as_if_utc);
// The calendar day in Berlin at that instant ("today" for a field worker's dates).
Date berlin_date(Timestamp utc);

}  // namespace rootzone::geo
