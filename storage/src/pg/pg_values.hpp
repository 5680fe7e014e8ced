#pragma once
// How domain values travel to and from PostgreSQL as text: the same forms as the SpatiaLite
// store keeps (stored_values.hpp), so both stores hold and return the same values. Doubles go
// both ways as their shortest round-trip text (std::to_chars; the server prints them so with
// extra_float_digits > 0, which Connection sets), so a value reads back as the same double.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pg/connection.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::pg {

inline std::string number_text(double v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

inline std::optional<std::string> optional_number(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  return number_text(*v);
}

inline std::optional<std::string> optional_integer(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

inline std::string boolean_text(bool b) { return b ? "true" : "false"; }

inline std::optional<std::string> optional_boolean(const std::optional<bool>& b) {
  if (!b) return std::nullopt;
  return boolean_text(*b);
}

inline bool boolean(const Result& r, int row, int column) { return r.text(row, column) == "t"; }

inline std::optional<bool> optional_boolean(const Result& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return boolean(r, row, column);
}

inline std::optional<double> optional_real(const Result& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return r.real(row, column);
}

inline std::optional<int> optional_int32(const Result& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return static_cast<int>(r.int64(row, column));
}

inline std::optional<std::string> optional_text(const Result& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return r.text(row, column);
}

inline geo::Timestamp timestamp_value(const Result& r, int row, int column, std::string_view name) {
  const auto text = r.text(row, column);
  const auto t = geo::parse_utc(text);
  if (!t) detail::throw_bad_value(name, text);
  return *t;
}

inline std::optional<geo::Timestamp> optional_timestamp_value(const Result& r, int row, int column,
                                                              std::string_view name) {
  if (r.is_null(row, column)) return std::nullopt;
  return timestamp_value(r, row, column, name);
}

inline geo::Date date_value(const Result& r, int row, int column, std::string_view name) {
  const auto text = r.text(row, column);
  const auto d = geo::parse_date(text);
  if (!d) detail::throw_bad_value(name, text);
  return *d;
}

inline std::optional<geo::Date> optional_date_value(const Result& r, int row, int column,
                                                    std::string_view name) {
  if (r.is_null(row, column)) return std::nullopt;
  return date_value(r, row, column, name);
}

// parse is one of geo's *_from_string functions.
template <class Parse>
auto enum_value(const Result& r, int row, int column, std::string_view name, Parse parse) {
  const auto text = r.text(row, column);
  const auto value = parse(text);
  if (!value) detail::throw_bad_value(name, text);
  return *value;
}

}  // namespace rootzone::storage::pg
