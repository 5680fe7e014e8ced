#include "ogc/items_query.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "ogc/cql2.hpp"
#include "ogc/sort_cursor.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/time.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

const std::string kInvalid =
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid";
const std::string kUnknown =
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown";

[[noreturn]] void invalid(const std::string& name, const std::string& value,
                          const std::string& why) {
  throw Problem{400, "Invalid query parameter", name + "=" + value + ": " + why, kInvalid, {}};
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.emplace_back();
  return parts;
}

// The bbox corners and edge points moved into the store CRS; their envelope is the query box.
geo::Bounds to_store(const geo::Bounds& b, const OutputCrs& from, int store_srid) {
  const auto* t = thread_transformer(from.epsg, store_srid);
  if (t == nullptr) return b;
  geo::Bounds out{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                  std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  constexpr int steps = 20;  // edges are curves in the other CRS: sample them
  for (int i = 0; i <= steps; ++i) {
    const double f = static_cast<double>(i) / steps;
    const double x = b.minx + f * (b.maxx - b.minx);
    const double y = b.miny + f * (b.maxy - b.miny);
    for (const geo::Point p : {geo::Point{x, b.miny}, geo::Point{x, b.maxy}, geo::Point{b.minx, y},
                               geo::Point{b.maxx, y}}) {
      const auto q = t->forward(p);
      out.minx = std::min(out.minx, q.x);
      out.miny = std::min(out.miny, q.y);
      out.maxx = std::max(out.maxx, q.x);
      out.maxy = std::max(out.maxy, q.y);
    }
  }
  return out;
}

std::optional<geo::Timestamp> datetime_bound(const std::string& s, bool end) {
  if (s.empty() || s == "..") return std::nullopt;
  if (auto t = geo::parse_utc(s)) return t;
  if (auto d = geo::parse_date(s)) {
    // A date stands for the whole day: from its first second to its last.
    const auto start = std::chrono::sys_days(*d);
    return end ? std::chrono::time_point_cast<std::chrono::seconds>(start) +
                     std::chrono::seconds(86399)
               : std::chrono::time_point_cast<std::chrono::seconds>(start);
  }
  invalid("datetime", s, "not an RFC 3339 date-time or date, or '..'");
}

// PROJ's database is asked once per thread and CRS, not per request.
const geo::AreaOfUse& area_of_use(int srid) {
  thread_local std::map<int, geo::AreaOfUse> known;
  auto it = known.find(srid);
  if (it == known.end()) it = known.emplace(srid, geo::describe_crs(srid).area).first;
  return it->second;
}

}  // namespace

OutputCrs parse_crs_param(const Request& req, int store_srid) {
  const auto uri = req.query_value("crs");
  if (!uri) return OutputCrs{std::string(kCrs84), 4326, false};
  auto crs = crs_from_uri(*uri, store_srid);
  if (!crs) {
    throw Problem{400,
                  "Unsupported CRS",
                  "crs=" + *uri + ": not one of the CRSs listed for this collection",
                  "http://www.opengis.net/spec/ogcapi-features-2/1.0/req/crs/crs-action",
                  {}};
  }
  return *crs;
}

namespace {

// Every parameter known (the endpoint's or a queryable of the collection) and given once; the
// queryables become equality filters.
void check_names(const Request& req, storage::Collection collection, storage::FeatureQuery& q) {
  // Geometries are filtered with CQL2 (filter=S_INTERSECTS(geometry, ...)), not by parameter.
  std::set<std::string> queryable_names;
  for (const auto& c : storage::queryables(collection)) {
    if (!c.geometry()) queryable_names.insert(c.name);
  }
  const std::set<std::string> known{"f",        "limit", "cursor",      "bbox",       "bbox-crs",
                                    "datetime", "crs",   "filter",      "filter-lang", "filter-crs",
                                    "sortby"};
  std::set<std::string> seen;
  for (const auto& [name, value] : req.query) {
    if (!known.count(name) && !queryable_names.count(name)) {
      throw Problem{400,
                    "Unknown query parameter",
                    name +
                        ": not a parameter of this endpoint nor a queryable of the collection"
                        " (see its /queryables)",
                    kUnknown,
                    {}};
    }
    if (!seen.insert(name).second) invalid(name, value, "given more than once");
    if (queryable_names.count(name)) q.equals.emplace_back(name, value);
  }
}

void read_paging(const Request& req, const ServiceOptions& options, storage::FeatureQuery& q) {
  if (const auto f = req.query_value("f"); f && *f != "json" && *f != "geojson") {
    invalid("f", *f, "only json (GeoJSON) is offered");
  }
  if (const auto limit = req.query_value("limit")) {
    const auto v = canonical_integer(*limit);
    if (!v || *v < 1 || *v > options.max_limit) {
      invalid("limit", *limit, "must be an integer from 1 to " + std::to_string(options.max_limit));
    }
    q.limit = static_cast<int>(*v);
  }
  if (const auto cursor = req.query_value("cursor")) {
    if (!q.sort.empty()) {
      // Sorted: the token the next link carried, for exactly this sortby.
      auto v = decode_cursor(*cursor, q.sort.size());
      if (!v) invalid("cursor", *cursor, "not a paging cursor of this sortby");
      q.after_sort = std::move(v->first);
      q.after_id = v->second;
      return;
    }
    const auto v = canonical_integer(*cursor);
    if (!v) invalid("cursor", *cursor, "not a paging cursor");
    q.after_id = *v;
  }
}

// bbox as given (four numbers, or six with heights) in bbox-crs, as a 2D box in that CRS.
geo::Bounds given_bbox(const std::string& bbox, const OutputCrs& bbox_crs) {
  const auto parts = split(bbox, ',');
  if (parts.size() != 4 && parts.size() != 6) {
    invalid("bbox", bbox, "needs four numbers (minx,miny,maxx,maxy) or six (with heights)");
  }
  double v[6];
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto n = number(parts[i]);
    if (!n) invalid("bbox", bbox, "'" + parts[i] + "' is not a number");
    v[i] = *n;
  }
  // OGC API Features Part 1: six numbers are minx,miny,minz,maxx,maxy,maxz; the store is 2D.
  if (parts.size() == 6) {
    v[2] = v[3];
    v[3] = v[4];
  }
  const geo::Bounds b =
      bbox_crs.lat_lon ? geo::Bounds{v[1], v[0], v[3], v[2]} : geo::Bounds{v[0], v[1], v[2], v[3]};
  if (b.minx > b.maxx || b.miny > b.maxy) invalid("bbox", bbox, "a minimum exceeds its maximum");
  if (bbox_crs.epsg == 4326 && (b.minx < -180 || b.maxx > 180 || b.miny < -90 || b.maxy > 90)) {
    invalid("bbox", bbox, "outside -180..180, -90..90");
  }
  return b;
}

void read_bbox(const Request& req, int store_srid, storage::FeatureQuery& q) {
  OutputCrs bbox_crs{std::string(kCrs84), 4326, false};
  if (const auto uri = req.query_value("bbox-crs")) {
    const auto c = crs_from_uri(*uri, store_srid);
    if (!c) invalid("bbox-crs", *uri, "not one of the CRSs listed for this collection");
    bbox_crs = *c;
  }
  const auto bbox = req.query_value("bbox");
  if (!bbox) return;
  auto b = given_bbox(*bbox, bbox_crs);
  if (bbox_crs.epsg == 4326) {
    // Only the part inside the store CRS's area of use can hold features, and only there
    // does the projection behave: the whole world projected to UTM collapses to a sliver.
    const auto& area = area_of_use(store_srid);
    b = geo::Bounds{std::max(b.minx, area.west), std::max(b.miny, area.south),
                    std::min(b.maxx, area.east), std::min(b.maxy, area.north)};
  }
  try {
    q.bbox = b.minx > b.maxx || b.miny > b.maxy ? geo::Bounds{1, 1, 0, 0}
                                                // no overlap with the area: matches nothing
                                                : to_store(b, bbox_crs, store_srid);
  } catch (const geo::CrsError& e) {
    invalid("bbox", *bbox, std::string("cannot be moved into the store CRS: ") + e.what());
  }
}

void read_datetime(const Request& req, storage::Collection collection, storage::FeatureQuery& q) {
  const auto dt = req.query_value("datetime");
  if (!dt) return;
  if (collection != storage::Collection::works) {
    invalid("datetime", *dt, "this collection has no time: only works have a time window");
  }
  const auto slash = dt->find('/');
  if (slash == std::string::npos) {
    q.from = datetime_bound(*dt, false);
    q.to = datetime_bound(*dt, true);
    if (!q.from) invalid("datetime", *dt, "an instant cannot be '..'");
  } else {
    q.from = datetime_bound(dt->substr(0, slash), false);
    q.to = datetime_bound(dt->substr(slash + 1), true);
    if (q.from && q.to && *q.from > *q.to) {
      invalid("datetime", *dt, "the interval ends before it starts");
    }
  }
}

bool valid_queryable_value(const storage::Queryable& q, std::string& value) {
  // Dates and timestamps are compared as the store writes them.
  if (q.format == "date" || q.format == "date-time") {
    const auto text = q.format == "date" ? cql2::date_text(value) : cql2::timestamp_text(value);
    if (text) value = *text;
    return text.has_value();
  }
  switch (q.type) {
    case storage::QueryableType::string:
      return true;
    case storage::QueryableType::boolean:
      return value == "true" || value == "false";
    case storage::QueryableType::number:
      return number(value).has_value();
    case storage::QueryableType::integer:
      return !value.empty() &&
             value.find_first_not_of("0123456789", value[0] == '-' ? 1 : 0) == std::string::npos &&
             value.size() < 19;
  }
  return false;
}

void check_queryable_values(storage::Collection collection, storage::FeatureQuery& q) {
  for (auto& [name, value] : q.equals) {
    for (const auto& c : storage::queryables(collection)) {
      const std::string given = value;
      if (c.name == name && !valid_queryable_value(c, value)) {
        invalid(name, given, "not a valid value for this queryable");
      }
    }
  }
}

const std::string kFilterLang =
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/req/filter/filter-lang-param";
const std::string kFilterCrs =
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/req/filter/filter-crs-param";

// filter, filter-lang (cql2-text by default; GDAL 3.6's "cql-text" is taken as cql2-text, whose
// comparisons it writes) and filter-crs (CRS84 by default), checked against the collection's
// queryables before anything runs.
void read_filter(const Request& req, storage::Collection collection, int store_srid,
                 storage::FeatureQuery& q) {
  FilterCrs crs{OutputCrs{std::string(kCrs84), 4326, false}, store_srid};
  if (const auto uri = req.query_value("filter-crs")) {
    const auto c = crs_from_uri(*uri, store_srid);
    if (!c) {
      throw Problem{400, "Invalid query parameter",
                    "filter-crs=" + *uri + ": not one of the CRSs listed for this collection",
                    kFilterCrs, {}};
    }
    crs.crs = *c;
  }
  const auto lang = req.query_value("filter-lang").value_or("cql2-text");
  const bool text = lang == "cql2-text" || lang == "cql-text";
  if (!text && lang != "cql2-json") {
    throw Problem{400, "Invalid query parameter",
                  "filter-lang=" + lang + ": cql2-text or cql2-json", kFilterLang, {}};
  }
  const auto filter = req.query_value("filter");
  if (!filter) return;
  q.filter = text ? parse_cql2_text(*filter, crs) : parse_cql2_json(*filter, crs);
  try {
    storage::check_filter(collection, *q.filter, store_srid);
  } catch (const storage::filter::FilterError& e) {
    cql2::fail(e.what());
  }
}

void read_sort(const Request& req, storage::Collection collection, storage::FeatureQuery& q) {
  const auto sortby = req.query_value("sortby");
  if (!sortby) return;
  auto keys = parse_sortby(*sortby);
  if (!keys) {
    invalid("sortby", *sortby,
            "a comma-separated list of up to " + std::to_string(kMaxSortKeys) +
                " queryables, each with an optional + or -");
  }
  try {
    storage::check_sort(collection, *keys);
  } catch (const storage::filter::FilterError& e) {
    invalid("sortby", *sortby, e.what());
  }
  q.sort = std::move(*keys);
}

}  // namespace

ItemsRequest parse_items_request(const Request& req, storage::Collection collection, int store_srid,
                                 const ServiceOptions& options) {
  ItemsRequest out;
  out.query.limit = options.default_limit;
  check_names(req, collection, out.query);
  read_sort(req, collection, out.query);
  read_paging(req, options, out.query);
  out.crs = parse_crs_param(req, store_srid);
  read_bbox(req, store_srid, out.query);
  read_datetime(req, collection, out.query);
  check_queryable_values(collection, out.query);
  read_filter(req, collection, store_srid, out.query);
  return out;
}

std::string encoded_query(const Request& req, std::optional<std::int64_t> cursor) {
  return encoded_query(req, cursor ? std::optional(std::to_string(*cursor)) : std::nullopt);
}

std::string encoded_query(const Request& req, const std::optional<std::string>& cursor) {
  const auto encode = [](const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '/' ||
          c == ',') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  };
  std::string q;
  for (const auto& [name, value] : req.query) {
    if (cursor && name == "cursor") continue;
    q += (q.empty() ? "" : "&") + encode(name) + "=" + encode(value);
  }
  if (cursor) q += (q.empty() ? "" : "&") + std::string("cursor=") + encode(*cursor);
  return q;
}

}  // namespace rootzone::api
