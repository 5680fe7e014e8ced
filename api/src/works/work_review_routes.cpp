// What planners review and print, and contractors' "my works" (issue 14): the works overview
// with conflict counts, worst first, and a work's printable statement. The use cases are
// core's (work_overview.hpp, work_statement.hpp); this file reads the parameters and writes
// the answers.
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ogc/items_query.hpp"
#include "rootzone/core/work_overview.hpp"
#include "rootzone/core/work_statement.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/geojson.hpp"
#include "rootzone/geo/number_text.hpp"
#include "rootzone/geo/work_outline.hpp"
#include "rootzone/support/json_nesting.hpp"
#include "route.hpp"
#include "routes.hpp"
#include "works/statement_html.hpp"
#include "write_request.hpp"

#ifndef ROOTZONE_VERSION
#define ROOTZONE_VERSION "unknown"
#endif

namespace rootzone::api {

namespace {

using core::Action;
using nlohmann::json;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr std::size_t kMaxAreaBytes = 32 * 1024;

[[noreturn]] void invalid(const std::string& name, const std::string& value,
                          const std::string& why) {
  // Long values (an area) are not echoed whole.
  const auto shown = value.size() > 80 ? value.substr(0, 77) + "..." : value;
  throw Problem{400,
                "Invalid query parameter",
                name + "=" + shown + ": " + why,
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid",
                {}};
}

// ---- GET /collections/works/items/{id}/statement

Response statement(Service& service, Call& call) {
  const auto s = core::work_statement(service.app(), call.caller, call.id());
  Response res;
  res.content_type = "text/html; charset=utf-8";
  res.body = statement_html(s, ROOTZONE_VERSION);
  // A document to print: no script at all, styles only inline, images only as data.
  res.header("Content-Security-Policy",
             "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'none'");
  res.header("X-Content-Type-Options", "nosniff");
  res.header("Referrer-Policy", "no-referrer");
  res.header("X-Frame-Options", "DENY");
  res.header("Cache-Control", "private, no-store");
  return res;
}

// ---- GET /collections/works/overview

const geo::AreaOfUse& area_of_use(int srid) {
  thread_local std::map<int, geo::AreaOfUse> known;
  auto it = known.find(srid);
  if (it == known.end()) it = known.emplace(srid, geo::describe_crs(srid).area).first;
  return it->second;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = s.find(',', start);
    parts.push_back(s.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::vector<geo::WorkStatus> statuses(const std::string& given) {
  std::vector<geo::WorkStatus> out;
  for (const auto& name : split(given)) {
    const auto s = geo::work_status_from_string(name);
    if (!s) {
      invalid("status", given,
              "'" + name +
                  "' is not a status (draft, submitted, approved, refused, changes_requested, "
                  "in_progress, completed, cancelled)");
    }
    out.push_back(*s);
  }
  return out;
}

std::optional<geo::Timestamp> bound(const std::string& all, const std::string& s, bool end) {
  if (s == "..") return std::nullopt;
  if (auto t = geo::parse_utc(s)) return t;
  if (auto d = geo::parse_date(s)) {
    // A date stands for the whole day (UTC), as in the items' datetime.
    const auto start =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days(*d));
    return end ? start + std::chrono::seconds(86399) : start;
  }
  invalid("datetime", all, "'" + s + "' is not an RFC 3339 date-time or date, or '..'");
}

void read_datetime(const std::string& dt, storage::WorkOverviewFilter& f) {
  const auto slash = dt.find('/');
  if (slash == std::string::npos) {
    if (dt == "..") invalid("datetime", dt, "an instant cannot be '..'");
    f.from = bound(dt, dt, false);
    f.to = bound(dt, dt, true);
    return;
  }
  f.from = bound(dt, dt.substr(0, slash), false);
  f.to = bound(dt, dt.substr(slash + 1), true);
  if (f.from && f.to && *f.from > *f.to)
    invalid("datetime", dt, "the interval ends before it starts");
}

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::size_t used = 0;
  try {
    const double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The lon/lat box as a polygon in the store CRS, its edges sampled (they are curves there);
// none when it misses the CRS's area of use (then nothing can match).
std::optional<geo::Geometry> bbox_area(const std::string& given, int srid) {
  const auto parts = split(given);
  if (parts.size() != 4) invalid("bbox", given, "needs four numbers: minlon,minlat,maxlon,maxlat");
  double v[4];
  for (std::size_t i = 0; i < 4; ++i) {
    const auto n = number(parts[i]);
    if (!n) invalid("bbox", given, "'" + parts[i] + "' is not a number");
    v[i] = *n;
  }
  if (v[0] > v[2] || v[1] > v[3]) invalid("bbox", given, "a minimum exceeds its maximum");
  if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) {
    invalid("bbox", given, "outside -180..180, -90..90 (lon/lat, CRS84)");
  }
  const auto& use = area_of_use(srid);
  const geo::Bounds b{std::max(v[0], use.west), std::max(v[1], use.south), std::min(v[2], use.east),
                      std::min(v[3], use.north)};
  if (b.empty()) return std::nullopt;
  const auto* t = thread_transformer(4326, srid);
  std::vector<geo::Point> ring;
  constexpr int steps = 16;
  const auto edge = [&](geo::Point a, geo::Point z) {
    for (int i = 0; i < steps; ++i) {
      const double f = static_cast<double>(i) / steps;
      ring.push_back({a.x + f * (z.x - a.x), a.y + f * (z.y - a.y)});
    }
  };
  edge({b.minx, b.miny}, {b.maxx, b.miny});
  edge({b.maxx, b.miny}, {b.maxx, b.maxy});
  edge({b.maxx, b.maxy}, {b.minx, b.maxy});
  edge({b.minx, b.maxy}, {b.minx, b.miny});
  ring.push_back(ring.front());
  std::string wkt = "POLYGON((";
  try {
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const auto p = t ? t->forward(ring[i]) : ring[i];
      wkt += (i ? "," : "") + std::to_string(p.x) + " " + std::to_string(p.y);
    }
  } catch (const geo::CrsError& e) {
    invalid("bbox", given, std::string("cannot be moved into the store CRS: ") + e.what());
  }
  return geo::Geometry::from_wkt(wkt + "))");
}

// Every position of a GeoJSON geometry inside lon/lat's range and the store CRS's area of use.
void check_positions(const json& c, const std::string& given, const geo::AreaOfUse& use) {
  if (c.is_array() && c.size() >= 2 && c[0].is_number()) {
    const double lon = c[0].get<double>(), lat = c[1].get<double>();
    if (!use.contains_lonlat({lon, lat})) {
      invalid("area", given,
              "position " + geo::number_text(lon, {.max_decimals = 6}) + "," +
                  geo::number_text(lat, {.max_decimals = 6}) +
                  " is outside the store CRS's area of use (" + use.name + ")");
    }
    return;
  }
  if (c.is_array()) {
    for (const auto& part : c) check_positions(part, given, use);
  }
}

geo::Geometry drawn_area(const std::string& given, int srid) {
  if (given.size() > kMaxAreaBytes) {
    invalid("area", given,
            std::to_string(given.size()) + " bytes: at most " + std::to_string(kMaxAreaBytes));
  }
  // A MultiPolygon is five levels deep; deeper text would only cost stack frames.
  if (support::json_nesting(given, 8).depth > 8) {
    invalid("area", given, "JSON nested deeper than 8 levels (a MultiPolygon needs 5)");
  }
  json parsed;
  try {
    parsed = json::parse(given);
  } catch (const json::exception&) {
    invalid("area", given, "not JSON (a GeoJSON Polygon or MultiPolygon geometry, URL-encoded)");
  }
  if (!parsed.is_object() || !parsed.contains("type") ||
      (parsed["type"] != "Polygon" && parsed["type"] != "MultiPolygon")) {
    invalid("area", given, "a GeoJSON geometry of type Polygon or MultiPolygon is needed");
  }
  if (parsed.contains("coordinates"))
    check_positions(parsed["coordinates"], given, area_of_use(srid));
  geo::Geometry g;
  try {
    g = geo::from_geojson(given, thread_transformer(4326, srid));
  } catch (const geo::GeoError& e) {
    invalid("area", given, e.what());
  }
  if (const auto problem = geo::search_area_problem(g)) invalid("area", given, *problem);
  return g;
}

int limit_of(const std::string& given) {
  const auto v = canonical_integer(given);
  if (!v || *v < 1 || *v > kMaxLimit) {
    invalid("limit", given, "must be an integer from 1 to " + std::to_string(kMaxLimit));
  }
  return static_cast<int>(*v);
}

// The lon/lat (or requested CRS) box of a footprint: its corners and edge points moved.
json bbox_json(const geo::Bounds& b, const OutputCrs& crs, int srid) {
  const auto* t = thread_transformer(srid, crs.epsg);
  auto out = geo::Bounds::none();
  constexpr int steps = 4;
  for (int i = 0; i <= steps; ++i) {
    const double f = static_cast<double>(i) / steps;
    const double x = b.minx + f * (b.maxx - b.minx), y = b.miny + f * (b.maxy - b.miny);
    for (const geo::Point p : {geo::Point{x, b.miny}, geo::Point{x, b.maxy}, geo::Point{b.minx, y},
                               geo::Point{b.maxx, y}}) {
      out.expand(t ? t->forward(p) : p);
    }
  }
  // 1e-7 degrees is 1 cm: enough to fit a map to, without PROJ's noise digits.
  const double unit = crs.epsg == 4326 ? 1e7 : 100;
  const auto n = [&](double v) { return std::round(v * unit) / unit; };
  if (crs.lat_lon) return {n(out.miny), n(out.minx), n(out.maxy), n(out.maxx)};
  return {n(out.minx), n(out.miny), n(out.maxx), n(out.maxy)};
}

json worst_of(const storage::WorkOverviewRow& r) {
  if (r.critical > 0) return "critical";
  if (r.high > 0) return "high";
  if (r.medium > 0) return "medium";
  return nullptr;
}

std::string query_with_offset(const Request& req, std::int64_t offset) {
  Request copy;
  for (const auto& [k, v] : req.query) {
    if (k != "offset") copy.query.emplace_back(k, v);
  }
  const auto q = encoded_query(copy, std::optional<std::string>());
  return (q.empty() ? "" : q + "&") + "offset=" + std::to_string(offset);
}

Response overview(Service& service, Call& call) {
  const auto& req = call.req;
  std::map<std::string, std::string> given;
  for (const auto& [k, v] : req.query) {
    if (!given.emplace(k, v).second) invalid(k, v, "given more than once");
  }
  const auto crs = parse_crs_param(req, service.srid());
  storage::WorkOverviewFilter f;
  f.limit = kDefaultLimit;
  bool nothing = false;  // a bbox outside the store CRS's area of use
  if (given.contains("status")) f.statuses = statuses(given["status"]);
  if (given.contains("datetime")) read_datetime(given["datetime"], f);
  if (given.contains("bbox")) {
    auto box = bbox_area(given["bbox"], service.srid());
    if (box) f.areas.push_back(std::move(*box));
    nothing = !box;
  }
  if (given.contains("area")) f.areas.push_back(drawn_area(given["area"], service.srid()));
  if (given.contains("limit")) f.limit = limit_of(given["limit"]);
  if (given.contains("offset")) {
    const auto v = canonical_integer(given["offset"]);
    if (!v) invalid("offset", given["offset"], "must be a whole number from 0");
    f.offset = *v;
  }
  f.matches_nothing = nothing;
  const auto page = core::works_overview(service.app(), call.caller, f);

  json works = json::array();
  for (const auto& r : page.rows) {
    works.push_back({{"id", r.id},
                     {"reference", r.reference},
                     {"title", r.title},
                     {"contractor", r.contractor},
                     {"kind", geo::to_string(r.kind)},
                     {"status", geo::to_string(r.status)},
                     {"starts_at", geo::format_utc(r.starts_at)},
                     {"ends_at", geo::format_utc(r.ends_at)},
                     {"version", r.version},
                     {"bbox", bbox_json(r.footprint, crs, service.srid())},
                     {"conflicts",
                      {{"critical", r.critical},
                       {"high", r.high},
                       {"medium", r.medium},
                       {"unacknowledged", r.unacknowledged},
                       {"clashes", r.clashes}}},
                     {"worst", worst_of(r)}});
  }
  const auto base = base_url(req) + "/collections/works/overview";
  json links = json::array();
  links.push_back({{"href", base + "?" + query_with_offset(req, f.offset)},
                   {"rel", "self"},
                   {"type", "application/json"}});
  const auto next = f.offset + static_cast<std::int64_t>(page.rows.size());
  if (!page.rows.empty() && next < page.matched) {
    links.push_back({{"href", base + "?" + query_with_offset(req, next)},
                     {"rel", "next"},
                     {"type", "application/json"}});
  }
  Response res = json_response({{"works", works},
                                {"numberMatched", page.matched},
                                {"numberReturned", page.rows.size()},
                                {"links", links}});
  res.header("Content-Crs", "<" + crs.uri + ">");
  res.header("Cache-Control", "private, no-store");
  return res;
}

}  // namespace

void add_work_review_routes(Router& router, Service& service) {
  add_route(router, service,
            {Method::get,
             "/collections/works/items/:id/statement",
             Action::read_statement,
             std::vector<std::string>{},
             {{"id", "work"}}},
            statement);
  add_route(
      router, service,
      {Method::get,
       "/collections/works/overview",
       Action::read_works_overview,
       std::vector<std::string>{"status", "datetime", "bbox", "area", "limit", "offset", "crs"},
       {}},
      overview);
}

}  // namespace rootzone::api
