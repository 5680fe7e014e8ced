// cql2-json (OGC 21-065 Annex A's schema): {"op": ..., "args": [...]} into storage's filter
// tree. The nesting of the text is counted before it is parsed, and every step down the tree
// counts its depth; messages name the place as a JSON Pointer.
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ogc/cql2.hpp"
#include "rootzone/support/json_nesting.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;
using storage::filter::Node;
using storage::filter::Op;

// A level of the filter is an object and its args array; geometries add four levels more.
constexpr std::size_t kMaxJsonNesting = 2 * storage::filter::kMaxDepth + 8;

struct Named {
  const char* name;
  Op op;
};

constexpr std::array<Named, 37> kOps{{{"and", Op::and_},
                                      {"or", Op::or_},
                                      {"not", Op::not_},
                                      {"=", Op::eq},
                                      {"<>", Op::ne},
                                      {"<", Op::lt},
                                      {"<=", Op::le},
                                      {">", Op::gt},
                                      {">=", Op::ge},
                                      {"like", Op::like},
                                      {"between", Op::between},
                                      {"in", Op::in},
                                      {"isNull", Op::is_null},
                                      {"s_intersects", Op::s_intersects},
                                      {"s_equals", Op::s_equals},
                                      {"s_disjoint", Op::s_disjoint},
                                      {"s_touches", Op::s_touches},
                                      {"s_within", Op::s_within},
                                      {"s_overlaps", Op::s_overlaps},
                                      {"s_crosses", Op::s_crosses},
                                      {"s_contains", Op::s_contains},
                                      {"s_dwithin", Op::s_dwithin},
                                      {"t_after", Op::t_after},
                                      {"t_before", Op::t_before},
                                      {"t_contains", Op::t_contains},
                                      {"t_disjoint", Op::t_disjoint},
                                      {"t_during", Op::t_during},
                                      {"t_equals", Op::t_equals},
                                      {"t_finishedby", Op::t_finishedby},
                                      {"t_finishes", Op::t_finishes},
                                      {"t_intersects", Op::t_intersects},
                                      {"t_meets", Op::t_meets},
                                      {"t_metby", Op::t_metby},
                                      {"t_overlappedby", Op::t_overlappedby},
                                      {"t_overlaps", Op::t_overlaps},
                                      {"t_startedby", Op::t_startedby},
                                      {"t_starts", Op::t_starts}}};

std::optional<Op> op_named(const std::string& name) {
  for (const auto& n : kOps) {
    if (name == n.name) return n.op;
  }
  return std::nullopt;
}

}  // namespace

namespace {

class JsonParser {
 public:
  explicit JsonParser(const FilterCrs& crs) : crs_(crs) {}

  Node expression(const json& j, const std::string& at, int depth) {
    if (depth > storage::filter::kMaxDepth) {
      cql2::fail("nested deeper than " + std::to_string(storage::filter::kMaxDepth) +
                 " levels at " + at);
    }
    if (j.is_boolean()) return Node::boolean_value(j.get<bool>());
    if (!j.is_object() || !j.contains("op")) fail(at, "expected {\"op\": ..., \"args\": [...]}");
    const auto& name = j.at("op");
    const auto op = name.is_string() ? op_named(name.get<std::string>()) : std::nullopt;
    if (!op) fail(at + "/op", "unknown or unsupported operator " + name.dump().substr(0, 40));
    if (!j.contains("args") || !j.at("args").is_array()) fail(at, "expected an args array");
    const auto& args = j.at("args");
    switch (*op) {
      case Op::and_:
      case Op::or_:
      case Op::not_:
        return logical(*op, args, at, depth);
      case Op::in:
        return in_list(args, at);
      case Op::like:
        return like(args, at);
      case Op::s_dwithin:
        return dwithin(args, at);
      default:
        break;
    }
    if (*op >= Op::s_intersects && *op <= Op::s_contains) {
      arity(args, 2, at);
      return Node::logical(*op,
                           {geometry(args[0], at + "/args/0"), geometry(args[1], at + "/args/1")});
    }
    if (*op >= Op::t_after && *op <= Op::t_starts) {
      arity(args, 2, at);
      return Node::logical(*op,
                           {temporal(args[0], at + "/args/0"), temporal(args[1], at + "/args/1")});
    }
    // Comparisons, between, isNull: scalars.
    const std::size_t n = *op == Op::between ? 3 : *op == Op::is_null ? 1 : 2;
    arity(args, n, at);
    std::vector<Node> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(scalar(args[i], at + "/args/" + std::to_string(i)));
    return Node::logical(*op, std::move(out));
  }

 private:
  [[noreturn]] static void fail(const std::string& at, const std::string& what) {
    cql2::fail("at " + (at.empty() ? std::string("the top") : at) + ": " + what);
  }

  static void arity(const json& args, std::size_t n, const std::string& at) {
    if (args.size() != n) fail(at + "/args", "expected " + std::to_string(n) + " arguments");
  }

  Node logical(Op op, const json& args, const std::string& at, int depth) {
    if (op == Op::not_) {
      arity(args, 1, at);
      return Node::unary(op, expression(args[0], at + "/args/0", depth + 1));
    }
    if (args.size() < 2) fail(at + "/args", "and/or take two or more conditions");
    std::vector<Node> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
      out.push_back(expression(args[i], at + "/args/" + std::to_string(i), depth + 1));
    }
    return Node::logical(op, std::move(out));
  }

  Node in_list(const json& args, const std::string& at) {
    arity(args, 2, at);
    if (!args[1].is_array() || args[1].empty()) fail(at + "/args/1", "expected a list of values");
    if (args[1].size() > storage::filter::kMaxInList) {
      fail(at + "/args/1",
           "an IN list of more than " + std::to_string(storage::filter::kMaxInList) + " values");
    }
    std::vector<Node> out{scalar(args[0], at + "/args/0")};
    for (std::size_t i = 0; i < args[1].size(); ++i) {
      out.push_back(scalar(args[1][i], at + "/args/1/" + std::to_string(i)));
    }
    return Node::logical(Op::in, std::move(out));
  }

  Node like(const json& args, const std::string& at) {
    arity(args, 2, at);
    if (!args[1].is_string()) fail(at + "/args/1", "the pattern of like must be a string");
    return Node::logical(Op::like, {scalar(args[0], at + "/args/0"),
                                    Node::string_value(args[1].get<std::string>())});
  }

  // rootzone's extension: {"op": "s_dwithin", "args": [geom, geom, distance, "meters"]}.
  Node dwithin(const json& args, const std::string& at) {
    if (args.size() != 3 && args.size() != 4) fail(at + "/args", "expected 3 or 4 arguments");
    if (!args[2].is_number() || args[2].get<double>() < 0 ||
        args[2].get<double>() > kMaxDwithinMetres) {
      fail(at + "/args/2", "the distance must be a number of metres from 0 to " +
                               std::to_string(static_cast<int>(kMaxDwithinMetres)));
    }
    if (args.size() == 4 &&
        (!args[3].is_string() || !cql2::is_metres(args[3].get<std::string>()))) {
      fail(at + "/args/3", "the unit must be \"meters\" (metres of the store CRS)");
    }
    auto n = Node::logical(Op::s_dwithin,
                           {geometry(args[0], at + "/args/0"), geometry(args[1], at + "/args/1")});
    n.number = args[2].get<double>();
    return n;
  }

  static std::optional<Node> property(const json& j, const std::string& at) {
    if (!j.is_object() || !j.contains("property")) return std::nullopt;
    if (!j.at("property").is_string()) fail(at, "a property name must be a string");
    return Node::property(j.at("property").get<std::string>());
  }

  static Node instant(const json& j, const std::string& at) {
    Node n;
    if (j.is_object() && j.contains("date") && j.at("date").is_string()) {
      const auto d = cql2::date_text(j.at("date").get<std::string>());
      if (!d) fail(at, "not a date (YYYY-MM-DD)");
      n.op = Op::date;
      n.text = *d;
      return n;
    }
    if (j.is_object() && j.contains("timestamp") && j.at("timestamp").is_string()) {
      const auto t = cql2::timestamp_text(j.at("timestamp").get<std::string>());
      if (!t) fail(at, "not an RFC 3339 timestamp");
      n.op = Op::timestamp;
      n.text = *t;
      return n;
    }
    if (auto p = property(j, at)) return *p;
    fail(at, "expected a date, a timestamp or a property");
  }

  static Node scalar(const json& j, const std::string& at) {
    if (j.is_string()) return Node::string_value(j.get<std::string>());
    if (j.is_boolean()) return Node::boolean_value(j.get<bool>());
    if (j.is_number()) {
      const double v = j.get<double>();
      if (!std::isfinite(v)) fail(at, "not a finite number");
      return Node::number_value(v);
    }
    if (j.is_object() &&
        (j.contains("casei") || j.contains("accenti") ||
         (j.contains("op") && (j.at("op") == "casei" || j.at("op") == "accenti")))) {
      fail(at, "case- and accent-insensitive comparison are not supported");
    }
    return instant(j, at);
  }

  Node geometry(const json& j, const std::string& at) {
    if (auto p = property(j, at)) return *p;
    Node n;
    n.op = Op::geometry;
    if (j.is_object() && j.contains("bbox")) {
      const auto& b = j.at("bbox");
      if (!b.is_array() || (b.size() != 4 && b.size() != 6)) fail(at, "bbox takes 4 or 6 numbers");
      std::vector<double> v;
      for (const auto& x : b) {
        if (!x.is_number()) fail(at, "bbox takes numbers");
        v.push_back(x.get<double>());
      }
      n.geometry = v.size() == 4 ? cql2::from_bbox(v[0], v[1], v[2], v[3], crs_)
                                 : cql2::from_bbox(v[0], v[1], v[3], v[4], crs_);
      return n;
    }
    if (j.is_object() && j.contains("type")) {
      n.geometry = cql2::from_geojson(j.dump(), crs_);
      return n;
    }
    fail(at, "expected a GeoJSON geometry, a bbox or a property");
  }

  static Node temporal(const json& j, const std::string& at) {
    if (j.is_object() && j.contains("interval")) {
      const auto& i = j.at("interval");
      if (!i.is_array() || i.size() != 2) fail(at, "an interval has a start and an end");
      std::vector<Node> ends;
      for (std::size_t k = 0; k < 2; ++k) {
        const auto here = at + "/interval/" + std::to_string(k);
        Node n;
        if (i[k].is_string()) {
          const auto s = i[k].get<std::string>();
          if (s == "..") {
            n.op = Op::open_end;
          } else if (auto d = cql2::date_text(s)) {
            n.op = Op::date;
            n.text = *d;
          } else if (auto t = cql2::timestamp_text(s)) {
            n.op = Op::timestamp;
            n.text = *t;
          } else {
            fail(here, "expected a date, a timestamp or \"..\"");
          }
        } else {
          n = instant(i[k], here);
        }
        ends.push_back(std::move(n));
      }
      return Node::logical(Op::interval, std::move(ends));
    }
    return instant(j, at);
  }

  const FilterCrs& crs_;
};

}  // namespace

storage::filter::Node parse_cql2_json(std::string_view text, const FilterCrs& crs) {
  if (text.size() > kMaxFilterBytes) {
    cql2::fail("longer than " + std::to_string(kMaxFilterBytes) + " bytes");
  }
  if (support::json_nesting(text, kMaxJsonNesting).depth > kMaxJsonNesting) {
    cql2::fail("JSON nested deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for "1e400"
    cql2::fail(std::string("not JSON: ") + e.what());
  }
  return JsonParser(crs).expression(j, "", 0);
}

}  // namespace rootzone::api
