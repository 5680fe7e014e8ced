#pragma once
// A CQL2 filter (OGC 21-065, OGC API Features Part 3) as a tree the store compiles to SQL.
// The API's parsers (cql2-text, cql2-json) build it; storage checks every property against the
// collection's queryables and turns every literal into a bound parameter: no client text is
// ever part of the SQL (storage/src/filter_sql.cpp).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::storage::filter {

// Parsers refuse deeper nesting; the compiler checks again, so no recursion here is unbounded.
inline constexpr int kMaxDepth = 64;
// IN lists longer than this are refused (a list is bound element by element).
inline constexpr std::size_t kMaxInList = 1000;

enum class Op {
  // logical: args are conditions
  and_,
  or_,
  not_,
  // comparison: args are scalars (like: value, string pattern; between: value, low, high;
  // in: value, list...; is_null: value)
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  like,
  between,
  in,
  is_null,
  // spatial: two geometries (s_dwithin: `number` is the distance in metres of the store CRS)
  s_intersects,
  s_equals,
  s_disjoint,
  s_touches,
  s_within,
  s_overlaps,
  s_crosses,
  s_contains,
  s_dwithin,
  // temporal: two instants or intervals
  t_after,
  t_before,
  t_contains,
  t_disjoint,
  t_during,
  t_equals,
  t_finishedby,
  t_finishes,
  t_intersects,
  t_meets,
  t_metby,
  t_overlappedby,
  t_overlaps,
  t_startedby,
  t_starts,
  // operands
  property,   // text: the queryable's name
  string,     // text
  number,     // number
  boolean,    // boolean
  date,       // text: "YYYY-MM-DD"
  timestamp,  // text: "YYYY-MM-DDTHH:MM:SSZ" (geo::format_utc)
  geometry,   // geometry, already in the store CRS
  interval,   // args: start and end (date, timestamp, property or open_end)
  open_end,   // ".." in an interval
};

struct Node {
  Op op = Op::boolean;
  std::string text;
  double number = 0;
  bool boolean = false;
  geo::Geometry geometry;
  std::vector<Node> args;

  static Node logical(Op op, std::vector<Node> args) { return {op, {}, 0, false, {}, std::move(args)}; }
  static Node property(std::string name) { return {Op::property, std::move(name), 0, false, {}, {}}; }
  static Node string_value(std::string s) { return {Op::string, std::move(s), 0, false, {}, {}}; }
  static Node number_value(double v) { return {Op::number, {}, v, false, {}, {}}; }
  static Node boolean_value(bool v) { return {Op::boolean, {}, 0, v, {}, {}}; }
};

// A filter the collection cannot evaluate: an unknown property, operands of the wrong type,
// a pattern that is not a string. The message names what is wrong.
class FilterError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace rootzone::storage::filter
