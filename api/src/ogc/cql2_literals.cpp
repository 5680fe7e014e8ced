// The literals both CQL2 encodings share: dates, timestamps, geometries in filter-crs.
#include <nlohmann/json.hpp>
#include <optional>

#include "ogc/cql2.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/geojson.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::api::cql2 {

namespace {

using nlohmann::json;

// EPSG:4326 by URI is latitude first: every position swapped, as feature_json does outward.
void swap_axes(json& coordinates) {
  // Not an array (a position of one number, [8.2]): nlohmann iterates a number as a range of
  // itself, so going on would recurse until the stack overflows (found by tests/fuzz/cql2).
  if (!coordinates.is_array()) return;
  if (coordinates.size() >= 2 && coordinates[0].is_number()) {
    std::swap(coordinates[0], coordinates[1]);
    return;
  }
  for (auto& c : coordinates) swap_axes(c);
}

void swap_geometry_axes(json& g, int depth) {
  if (depth > storage::filter::kMaxDepth) fail("geometry collection nested too deeply");
  if (g.contains("coordinates")) swap_axes(g["coordinates"]);
  if (g.contains("geometries")) {
    for (auto& part : g["geometries"]) swap_geometry_axes(part, depth + 1);
  }
}

}  // namespace

void fail(const std::string& detail) {
  throw Problem{400, "Invalid filter", "filter: " + detail, kFilterReq, {}};
}

std::optional<std::string> date_text(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  const auto d = geo::parse_date(s);
  if (!d) return std::nullopt;
  return geo::format_date(*d);
}

std::optional<std::string> timestamp_text(std::string_view s) {
  if (s.size() > 64 || s.find('T') == std::string_view::npos) return std::nullopt;
  std::string whole(s);
  // The store keeps whole seconds: "...:05.250Z" is taken as "...:05Z".
  if (const auto dot = whole.find('.'); dot != std::string::npos) {
    auto end = dot + 1;
    while (end < whole.size() && std::isdigit(static_cast<unsigned char>(whole[end]))) ++end;
    if (end == dot + 1) return std::nullopt;
    whole.erase(dot, end - dot);
  }
  const auto t = geo::parse_utc(whole);
  if (!t) return std::nullopt;
  return geo::format_utc(*t);
}

geo::Geometry from_geojson(const std::string& geojson, const FilterCrs& crs) {
  try {
    std::string text = geojson;
    if (crs.crs.lat_lon) {
      auto g = json::parse(geojson);
      swap_geometry_axes(g, 0);
      text = g.dump();
    }
    auto out = geo::from_geojson(text, thread_transformer(crs.crs.epsg, crs.store_srid));
    if (out.empty()) fail("an empty geometry");
    return out;
  } catch (const geo::GeoError& e) {
    const std::string why = e.what();
    fail(why.starts_with("geometry") ? why : "geometry: " + why);
  } catch (const json::exception& e) {
    fail(std::string("geometry: ") + e.what());
  }
}

geo::Geometry from_wkt(std::string_view wkt, const FilterCrs& crs) {
  try {
    const auto g = geo::Geometry::from_wkt(wkt);
    return from_geojson(geo::to_geojson(g), crs);
  } catch (const geo::GeoError& e) {
    fail(std::string("geometry '") + std::string(wkt.substr(0, 60)) + "': " + e.what());
  }
}

geo::Geometry from_bbox(double a, double b, double c, double d, const FilterCrs& crs) {
  if (crs.crs.lat_lon) {
    std::swap(a, b);
    std::swap(c, d);
  }
  if (a > c || b > d) fail("BBOX: a minimum exceeds its maximum");
  if (crs.crs.epsg == 4326 && (a < -180 || c > 180 || b < -90 || d > 90)) {
    fail("BBOX: outside -180..180, -90..90");
  }
  // Edges are curves in the store CRS: 20 points each, as the bbox parameter samples them.
  constexpr int steps = 20;
  json ring = json::array();
  const auto add = [&](double x, double y) { ring.push_back(json::array({x, y})); };
  for (int i = 0; i < steps; ++i) add(a + (c - a) * i / steps, b);
  for (int i = 0; i < steps; ++i) add(c, b + (d - b) * i / steps);
  for (int i = 0; i < steps; ++i) add(c - (c - a) * i / steps, d);
  for (int i = 0; i < steps; ++i) add(a, d - (d - b) * i / steps);
  add(a, b);
  const json polygon = {{"type", "Polygon"}, {"coordinates", json::array({ring})}};
  // Already in x/y order: no swap.
  FilterCrs xy = crs;
  xy.crs.lat_lon = false;
  return from_geojson(polygon.dump(), xy);
}

bool is_metres(std::string_view unit) {
  return unit == "meters" || unit == "metres" || unit == "m" || unit == "METERS" ||
         unit == "METRES" || unit == "Meters" || unit == "Metres";
}

}  // namespace rootzone::api::cql2
