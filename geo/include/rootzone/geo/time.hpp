#pragma once
// Points in time and calendar dates of the domain. Instants are UTC (DOMAIN.md: works' local
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

}  // namespace rootzone::geo
