#include "filter_sql.hpp"

#include <array>
#include <utility>

#include "rootzone/geo/errors.hpp"

namespace rootzone::storage::detail {

namespace {

using filter::FilterError;
using filter::Node;
using filter::Op;

// The parsers bound nesting at kMaxDepth levels of parentheses and NOTs; a level of them is at
// most a few levels of nodes (a comparison under an AND under a NOT).
constexpr int kMaxNodeDepth = 3 * filter::kMaxDepth + 8;

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::string:
      return "string";
    case ValueType::number:
      return "number";
    case ValueType::boolean:
      return "boolean";
    case ValueType::date:
      return "date";
    case ValueType::timestamp:
      return "timestamp";
    case ValueType::geometry:
      return "geometry";
  }
  return "value";
}

struct Scalar {
  std::string sql;
  ValueType type = ValueType::string;
  const Node* node = nullptr;
};

// One end of a time span: an SQL expression of a date or a timestamp, or an open end.
struct Instant {
  std::string sql;
  bool date = false;
  bool open = false;
};

struct Span {
  Instant start;
  Instant end;
};

// CQL2's LIKE (% any run, _ one character, \ escapes) as SQLite's GLOB, which is case-sensitive
// like CQL2's LIKE (SQLite's LIKE ignores ASCII case).
std::string glob_pattern(const std::string& like) {
  std::string out;
  for (std::size_t i = 0; i < like.size(); ++i) {
    const char c = like[i];
    if (c == '\\' && i + 1 < like.size()) {
      const char next = like[++i];
      if (next == '*' || next == '?' || next == '[') {
        out += std::string("[") + next + "]";
      } else {
        out += next;
      }
    } else if (c == '%') {
      out += '*';
    } else if (c == '_') {
      out += '?';
    } else if (c == '*' || c == '?' || c == '[') {
      out += std::string("[") + c + "]";
    } else {
      out += c;
    }
  }
  return out;
}

const char* spatial_function(Op op) {
  switch (op) {
    case Op::s_intersects:
      return "ST_Intersects";
    case Op::s_equals:
      return "ST_Equals";
    case Op::s_disjoint:
      return "ST_Disjoint";
    case Op::s_touches:
      return "ST_Touches";
    case Op::s_within:
      return "ST_Within";
    case Op::s_overlaps:
      return "ST_Overlaps";
    case Op::s_crosses:
      return "ST_Crosses";
    case Op::s_contains:
      return "ST_Contains";
    default:
      return nullptr;
  }
}

const char* comparison_operator(Op op) {
  switch (op) {
    case Op::eq:
      return " = ";
    case Op::ne:
      return " <> ";
    case Op::lt:
      return " < ";
    case Op::le:
      return " <= ";
    case Op::gt:
      return " > ";
    case Op::ge:
      return " >= ";
    default:
      return nullptr;
  }
}

bool is_temporal(Op op) { return op >= Op::t_after && op <= Op::t_starts; }

class Compiler {
 public:
  Compiler(const ColumnLookup& columns, int srid, SqlParams& params)
      : columns_(columns), srid_(srid), params_(params) {}

  std::string condition(const Node& n, int depth) {
    if (depth > kMaxNodeDepth) {
      throw FilterError("nested deeper than " + std::to_string(filter::kMaxDepth) + " levels");
    }
    switch (n.op) {
      case Op::and_:
      case Op::or_:
        return logical(n, depth);
      case Op::not_:
        if (n.args.size() != 1) throw FilterError("NOT takes one condition");
        return "(NOT " + condition(n.args[0], depth + 1) + ")";
      case Op::boolean:
        if (params_.postgres) return n.boolean ? "true" : "false";
        return n.boolean ? "1" : "0";
      case Op::like:
        return like(n, depth);
      case Op::between:
        return between(n, depth);
      case Op::in:
        return in_list(n, depth);
      case Op::is_null:
        if (n.args.size() != 1) throw FilterError("IS NULL takes one value");
        return "(" + scalar(n.args[0], depth + 1).sql + " IS NULL)";
      default:
        break;
    }
    if (comparison_operator(n.op) != nullptr) return comparison(n, depth);
    if (spatial_function(n.op) != nullptr || n.op == Op::s_dwithin) return spatial(n, depth);
    if (is_temporal(n.op)) return temporal(n, depth);
    throw FilterError("a value where a condition is expected");
  }

 private:
  std::string logical(const Node& n, int depth) {
    if (n.args.empty()) throw FilterError("AND/OR without operands");
    std::string sql = "(";
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      if (i > 0) sql += n.op == Op::and_ ? " AND " : " OR ";
      sql += condition(n.args[i], depth + 1);
    }
    return sql + ")";
  }

  Scalar property(const Node& n) {
    const auto column = columns_(n.text);
    if (!column) throw FilterError("'" + n.text + "' is not a queryable of this collection");
    return {column->sql, column->type, &n};
  }

  Scalar scalar(const Node& n, int depth) {
    if (depth > kMaxNodeDepth) throw FilterError("nested too deeply");
    switch (n.op) {
      case Op::property:
        return property(n);
      case Op::string:
        return {params_.add(n.text), ValueType::string, &n};
      case Op::number:
        return {params_.add(n.number), ValueType::number, &n};
      case Op::boolean:
        if (params_.postgres) return {n.boolean ? "true" : "false", ValueType::boolean, &n};
        return {params_.add(std::int64_t{n.boolean ? 1 : 0}), ValueType::boolean, &n};
      case Op::date:
        return {params_.add(n.text), ValueType::date, &n};
      case Op::timestamp:
        return {params_.add(n.text), ValueType::timestamp, &n};
      case Op::geometry:
        return {std::string(params_.postgres ? "ST_GeomFromWKB(" : "GeomFromWKB(") +
                    params_.add(n.geometry.wkb()) + ", " + std::to_string(srid_) + ")",
                ValueType::geometry, &n};
      default:
        throw FilterError("a condition where a value is expected");
    }
  }

  static void same_type(const Scalar& a, const Scalar& b, const char* what) {
    if (a.type != b.type) {
      throw FilterError(std::string(what) + ": a " + type_name(a.type) + " and a " +
                        type_name(b.type) + " cannot be compared");
    }
  }

  std::string comparison(const Node& n, int depth) {
    if (n.args.size() != 2) throw FilterError("a comparison takes two values");
    const auto a = scalar(n.args[0], depth + 1);
    const auto b = scalar(n.args[1], depth + 1);
    same_type(a, b, "comparison");
    if (a.type == ValueType::geometry) {
      throw FilterError("geometries are compared with S_EQUALS, not =");
    }
    return "(" + a.sql + comparison_operator(n.op) + b.sql + ")";
  }

  std::string like(const Node& n, int depth) {
    if (n.args.size() != 2) throw FilterError("LIKE takes a value and a pattern");
    const auto a = scalar(n.args[0], depth + 1);
    if (a.type != ValueType::string) {
      throw FilterError(std::string("LIKE needs a string, not a ") + type_name(a.type));
    }
    if (n.args[1].op != Op::string) throw FilterError("the pattern of LIKE must be a string");
    // PostgreSQL's LIKE is CQL2's: case-sensitive, % and _, backslash escapes.
    if (params_.postgres) return "(" + a.sql + " LIKE " + params_.add(n.args[1].text) + ")";
    return "(" + a.sql + " GLOB " + params_.add(glob_pattern(n.args[1].text)) + ")";
  }

  std::string between(const Node& n, int depth) {
    if (n.args.size() != 3) throw FilterError("BETWEEN takes a value and two bounds");
    const auto a = scalar(n.args[0], depth + 1);
    const auto low = scalar(n.args[1], depth + 1);
    const auto high = scalar(n.args[2], depth + 1);
    for (const auto* s : {&a, &low, &high}) {
      if (s->type != ValueType::number) {
        throw FilterError(std::string("BETWEEN compares numbers, not a ") + type_name(s->type));
      }
    }
    return "(" + a.sql + " BETWEEN " + low.sql + " AND " + high.sql + ")";
  }

  std::string in_list(const Node& n, int depth) {
    if (n.args.size() < 2) throw FilterError("IN needs a value and a list");
    if (n.args.size() - 1 > filter::kMaxInList) {
      throw FilterError("an IN list of more than " + std::to_string(filter::kMaxInList) +
                        " values");
    }
    const auto a = scalar(n.args[0], depth + 1);
    if (a.type == ValueType::geometry) throw FilterError("IN does not compare geometries");
    std::string sql = "(" + a.sql + " IN (";
    for (std::size_t i = 1; i < n.args.size(); ++i) {
      const auto item = scalar(n.args[i], depth + 1);
      same_type(a, item, "IN");
      sql += (i > 1 ? ", " : "") + item.sql;
    }
    return sql + "))";
  }

  // For a geometry property against a literal, where the predicate implies that their bounds
  // overlap (every one but S_DISJOINT), the R*Tree gives the candidates.
  std::string index_candidates(const Scalar& a, const Scalar& b, double grow) {
    // PostGIS's ST_ functions test the GiST index themselves.
    if (params_.postgres) return "";
    const Scalar* prop = a.node->op == Op::property ? &a : &b;
    const Scalar* literal = prop == &a ? &b : &a;
    if (prop->node->op != Op::property || literal->node->op != Op::geometry) return "";
    const auto column = columns_(prop->node->text);
    if (!column || column->rtree == nullptr) return "";
    geo::Bounds box;
    try {
      box = literal->node->geometry.bounds().grown(grow);
    } catch (const geo::GeometryError&) {
      return "";  // an empty geometry: the exact test alone
    }
    // One statement each: the operands of + are evaluated in no fixed order.
    const auto maxx = params_.add(box.maxx);
    const auto minx = params_.add(box.minx);
    const auto maxy = params_.add(box.maxy);
    const auto miny = params_.add(box.miny);
    return std::string(column->rtree_key) + " IN (SELECT pkid FROM " + column->rtree +
           " WHERE xmin <= " + maxx + " AND xmax >= " + minx + " AND ymin <= " + maxy +
           " AND ymax >= " + miny + ") AND ";
  }

  std::string spatial(const Node& n, int depth) {
    if (n.args.size() != 2) throw FilterError("a spatial function takes two geometries");
    const auto a = scalar(n.args[0], depth + 1);
    const auto b = scalar(n.args[1], depth + 1);
    for (const auto* s : {&a, &b}) {
      if (s->type != ValueType::geometry) {
        throw FilterError(std::string("a spatial function needs geometries, not a ") +
                          type_name(s->type));
      }
    }
    if (n.op == Op::s_dwithin) {
      const auto d = params_.add(n.number);
      if (params_.postgres) return "ST_DWithin(" + a.sql + ", " + b.sql + ", " + d + ")";
      return "(" + index_candidates(a, b, n.number) + "ST_Distance(" + a.sql + ", " + b.sql +
             ") <= " + d + ")";
    }
    const std::string prefilter = n.op == Op::s_disjoint ? "" : index_candidates(a, b, 0);
    if (params_.postgres)
      return std::string(spatial_function(n.op)) + "(" + a.sql + ", " + b.sql + ")";
    return "(" + prefilter + spatial_function(n.op) + "(" + a.sql + ", " + b.sql + ") = 1)";
  }

  Instant instant(const Node& n) {
    switch (n.op) {
      case Op::property: {
        const auto p = property(n);
        if (p.type != ValueType::date && p.type != ValueType::timestamp) {
          throw FilterError("'" + n.text + "' is a " + type_name(p.type) +
                            ", not a date or timestamp");
        }
        return {p.sql, p.type == ValueType::date, false};
      }
      case Op::date:
        return {params_.add(n.text), true, false};
      case Op::timestamp:
        return {params_.add(n.text), false, false};
      case Op::open_end:
        return {"", false, true};
      default:
        throw FilterError("a temporal function needs dates, timestamps or intervals");
    }
  }

  Span span(const Node& n) {
    if (n.op == Op::interval) {
      if (n.args.size() != 2) throw FilterError("INTERVAL takes a start and an end");
      return {instant(n.args[0]), instant(n.args[1])};
    }
    if (n.op == Op::open_end) throw FilterError("'..' belongs in an INTERVAL");
    const auto i = instant(n);
    return {i, i};
  }

  // Dates meet timestamps as whole days: from the first second to the last.
  std::string render(const Instant& i, bool start, bool timestamps) {
    if (i.open) {
      if (timestamps)
        return params_.add(std::string(start ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z"));
      return params_.add(std::string(start ? "0000-01-01" : "9999-12-31"));
    }
    if (timestamps && i.date)
      return "(" + i.sql + (start ? " || 'T00:00:00Z')" : " || 'T23:59:59Z')");
    return i.sql;
  }

  std::string temporal(const Node& n, int) {
    if (n.args.size() != 2) throw FilterError("a temporal function takes two operands");
    const auto x = span(n.args[0]);
    const auto y = span(n.args[1]);
    bool timestamps = false;
    for (const auto* i : {&x.start, &x.end, &y.start, &y.end}) {
      if (!i->open && !i->date) timestamps = true;
    }
    const auto as = render(x.start, true, timestamps);
    const auto ae = render(x.end, false, timestamps);
    const auto bs = render(y.start, true, timestamps);
    const auto be = render(y.end, false, timestamps);
    // PostgreSQL refuses a statement with a parameter nothing reads (it cannot tell its type;
    // SQLite ignores it): the two ends these relations do not compare are named, to no effect.
    std::string unread;
    if (params_.postgres && (n.op == Op::t_before || n.op == Op::t_meets)) {
      unread = " AND (" + as + " IS NULL OR " + be + " IS NULL OR true)";
    } else if (params_.postgres && (n.op == Op::t_after || n.op == Op::t_metby)) {
      unread = " AND (" + ae + " IS NULL OR " + bs + " IS NULL OR true)";
    }
    return "((" + allen(n.op, as, ae, bs, be) + ")" + unread + ")";
  }

  // The relations of OWL-Time that CQL2's temporal functions name, on closed intervals.
  static std::string allen(Op op, const std::string& as, const std::string& ae,
                           const std::string& bs, const std::string& be) {
    switch (op) {
      case Op::t_after:
        return as + " > " + be;
      case Op::t_before:
        return ae + " < " + bs;
      case Op::t_contains:
        return as + " < " + bs + " AND " + ae + " > " + be;
      case Op::t_disjoint:
        return ae + " < " + bs + " OR " + as + " > " + be;
      case Op::t_during:
        return as + " > " + bs + " AND " + ae + " < " + be;
      case Op::t_equals:
        return as + " = " + bs + " AND " + ae + " = " + be;
      case Op::t_finishedby:
        return as + " < " + bs + " AND " + ae + " = " + be;
      case Op::t_finishes:
        return as + " > " + bs + " AND " + ae + " = " + be;
      case Op::t_intersects:
        return as + " <= " + be + " AND " + ae + " >= " + bs;
      case Op::t_meets:
        return ae + " = " + bs;
      case Op::t_metby:
        return as + " = " + be;
      case Op::t_overlappedby:
        return as + " > " + bs + " AND " + as + " < " + be + " AND " + ae + " > " + be;
      case Op::t_overlaps:
        return as + " < " + bs + " AND " + ae + " > " + bs + " AND " + ae + " < " + be;
      case Op::t_startedby:
        return as + " = " + bs + " AND " + ae + " > " + be;
      case Op::t_starts:
        return as + " = " + bs + " AND " + ae + " < " + be;
      default:
        throw FilterError("not a temporal function");
    }
  }

  const ColumnLookup& columns_;
  int srid_;
  SqlParams& params_;
};

}  // namespace

std::string SqlParams::add(Bound v) {
  values.push_back(std::move(v));
  const auto n = std::to_string(first + static_cast<int>(values.size()) - 1);
  if (!postgres) return "?" + n;
  // Typed, since PostgreSQL cannot always tell a parameter's type from its place ($1 > $2).
  // Text compares in byte order, as in SQLite.
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return "$" + n + "::bigint";
        if constexpr (std::is_same_v<T, double>) return "$" + n + "::float8";
        if constexpr (std::is_same_v<T, std::string>) return "($" + n + "::text COLLATE \"C\")";
        if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) return "$" + n + "::bytea";
        return "$" + n;
      },
      values.back());
}

std::string filter_sql(const filter::Node& root, const ColumnLookup& columns, int srid,
                       SqlParams& params) {
  Compiler compiler(columns, srid, params);
  return compiler.condition(root, 0);
}

void bind_value(Statement& s, int index, const Bound& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          s.bind_null(index);
        } else {
          s.bind(index, v);
        }
      },
      value);
}

}  // namespace rootzone::storage::detail
