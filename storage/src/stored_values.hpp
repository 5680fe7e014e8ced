#pragma once
// How domain values are written to and read back from columns: times as ISO-8601 UTC text,
// dates as "YYYY-MM-DD", enumerations by their geo names. Reading a value the store should
// never hold throws StorageError naming the column and the value.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/join.hpp"
#include "rootzone/geo/number_text.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage::detail {

// A tree's location as SpatiaLite stores it ("BLOB-Geometry": 0x00, byte order, SRID, MBR as
// 4 doubles, 0x7C, class 1 = POINT, x, y, 0xFE: 60 bytes), read directly: ST_X/ST_Y parse
// the blob into a geometry object per call, which cost more than the rest of a tree row.
inline geo::Point point_of(std::span<const std::uint8_t> b, std::int64_t tree_id) {
  std::uint32_t type = 0;
  const bool little = b.size() == 60 && b[1] == 0x01 && std::endian::native == std::endian::little;
  if (little) std::memcpy(&type, b.data() + 39, 4);
  if (!little || b[0] != 0x00 || b[38] != 0x7C || b[59] != 0xFE || type != 1) {
    throw StorageError("tree " + std::to_string(tree_id) +
                       ": location is not a little-endian SpatiaLite point blob");
  }
  geo::Point p;
  std::memcpy(&p.x, b.data() + 43, 8);
  std::memcpy(&p.y, b.data() + 51, 8);
  return p;
}

// As SQLite's rtree.c rtreeValueDown/rtreeValueUp: the float bound an R*Tree stores for a
// double, below or above it. PostGIS keeps exact doubles; where its answer must equal the
// SpatiaLite store's (a collection's extent), it rounds the same way.
inline float value_down(double d) {
  auto f = static_cast<float>(d);
  if (static_cast<double>(f) > d) {
    f = static_cast<float>(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
  }
  return f;
}
inline float value_up(double d) {
  auto f = static_cast<float>(d);
  if (static_cast<double>(f) < d) {
    f = static_cast<float>(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
  }
  return f;
}

// Ids as one JSON array, for "id IN (SELECT value FROM json_each(?))": one cached statement
// for any number of ids.
inline std::string json_ids(std::span<const std::int64_t> ids) {
  std::string out = "[";
  geo::append_joined(out, ids, ",",
                     [](std::string& o, std::int64_t id) { o += std::to_string(id); });
  return out + ']';
}

inline geo::Timestamp now_if_zero(geo::Timestamp t) {
  return t == geo::Timestamp{} ? geo::now_utc() : t;
}

inline std::optional<std::string> date_text(const std::optional<geo::Date>& d) {
  if (!d) return std::nullopt;
  return geo::format_date(*d);
}

[[noreturn]] inline void throw_bad_value(std::string_view column, std::string_view value) {
  throw StorageError("column " + std::string(column) + " holds '" + std::string(value) +
                     "', which rootzone cannot read (was the store edited by hand?)");
}

inline geo::Timestamp timestamp_column(const Statement& s, int column, std::string_view name) {
  const auto text = s.text(column);
  const auto t = geo::parse_utc(text);
  if (!t) throw_bad_value(name, text);
  return *t;
}

inline std::optional<geo::Timestamp> optional_timestamp_column(const Statement& s, int column,
                                                               std::string_view name) {
  if (s.is_null(column)) return std::nullopt;
  return timestamp_column(s, column, name);
}

inline geo::Date date_column(const Statement& s, int column, std::string_view name) {
  const auto text = s.text(column);
  const auto d = geo::parse_date(text);
  if (!d) throw_bad_value(name, text);
  return *d;
}

inline std::optional<geo::Date> optional_date_column(const Statement& s, int column,
                                                     std::string_view name) {
  if (s.is_null(column)) return std::nullopt;
  return date_column(s, column, name);
}

// parse is one of geo's *_from_string functions.
template <class Parse>
auto enum_column(const Statement& s, int column, std::string_view name, Parse parse) {
  const auto text = s.text(column);
  const auto value = parse(text);
  if (!value) throw_bad_value(name, text);
  return *value;
}

// Numbers the store keeps as text read back as the same double: "112.5", "80".
constexpr geo::NumberFormat stored_number{.round_trip = true};

// trees.stems_cm (migration 0004): the circumferences in stem order, shortest round-trip
// text, comma-separated; "" for a tree without stems.
inline std::string stems_column(const std::vector<double>& stems) {
  std::string text;
  geo::append_joined(text, stems, ",",
                     [](std::string& out, double c) { geo::append_number(out, c, stored_number); });
  return text;
}

// Calls f(circumference) for each stem of a trees.stems_cm text; StorageError when the text
// is not such a list.
template <class F>
void for_each_stem(std::string_view text, std::int64_t tree_id, F f) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p != end) {
    double c = 0;
    const auto r = std::from_chars(p, end, c);
    const bool last = r.ptr == end;
    if (r.ec != std::errc{} || !(c > 0) || (!last && (*r.ptr != ',' || r.ptr + 1 == end))) {
      throw StorageError("tree " + std::to_string(tree_id) + ": column trees.stems_cm holds '" +
                         std::string(text) + "', not circumferences");
    }
    f(c);
    p = last ? end : r.ptr + 1;
  }
}

inline std::vector<double> stems_from_column(std::string_view text, std::int64_t tree_id) {
  std::vector<double> stems;
  for_each_stem(text, tree_id, [&](double c) { stems.push_back(c); });
  return stems;
}

// The stems' summed circumference (what the protection rules measure); none without stems.
inline std::optional<double> stem_sum_from_column(std::string_view text, std::int64_t tree_id) {
  if (text.empty()) return std::nullopt;
  double sum = 0;
  for_each_stem(text, tree_id, [&](double c) { sum += c; });
  return sum;
}

}  // namespace rootzone::storage::detail
