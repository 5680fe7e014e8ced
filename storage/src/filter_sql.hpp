#pragma once
// A CQL2 filter (rootzone/storage/filter.hpp) compiled to an SQL condition with numbered
// parameters. Column expressions come from the caller's table (never from the client); every
// literal becomes a parameter.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/filter.hpp"

namespace rootzone::storage::detail {

using Bound =
    std::variant<std::monostate, std::int64_t, double, std::string, std::vector<std::uint8_t>>;

enum class ValueType { string, number, boolean, date, timestamp, geometry };

struct FilterColumn {
  ValueType type = ValueType::string;
  std::string sql;
  // A geometry's R*Tree and the expression holding the row id it indexes: predicates that
  // imply overlapping bounds take their candidates from the index.
  const char* rtree = nullptr;
  const char* rtree_key = nullptr;
};

using ColumnLookup = std::function<std::optional<FilterColumn>(const std::string& name)>;

// The parameters of one statement, numbered from `first`, and the SQL they are written for:
// SQLite's ("?N", 0/1 for booleans, GeomFromWKB and the R*Tree tables) or PostgreSQL's ("$N"
// with the value's type, true/false, ST_GeomFromWKB, GiST through the ST_ functions themselves).
struct SqlParams {
  int first = 1;
  std::vector<Bound> values;
  bool postgres = false;
  std::string add(Bound v);  // "?N", or "$N::type" for PostgreSQL
};

// Throws filter::FilterError naming an unknown property or operands of the wrong type.
std::string filter_sql(const filter::Node& root, const ColumnLookup& columns, int srid,
                       SqlParams& params);

void bind_value(Statement& s, int index, const Bound& value);

}  // namespace rootzone::storage::detail
