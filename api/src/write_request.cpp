#include "write_request.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "crs_uris.hpp"
#include "ogc/feature_json.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/geojson.hpp"
#include "rootzone/support/json_nesting.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

Problem bad_body(std::string detail) {
  return Problem{400, "Invalid request body", std::move(detail), "about:blank", {}};
}

// EPSG:4326 by its definition is latitude first; geo works in lon/lat.
void swap_axes(json& coordinates) {
  if (!coordinates.is_array()) return;
  if (!coordinates.empty() && coordinates[0].is_number()) {
    if (coordinates.size() >= 2) std::swap(coordinates[0], coordinates[1]);
    return;
  }
  for (auto& c : coordinates) swap_axes(c);
}

void lonlat_bounds(const json& coordinates, geo::Bounds& b, bool& any) {
  if (!coordinates.is_array()) return;
  if (coordinates.size() >= 2 && coordinates[0].is_number() && coordinates[1].is_number()) {
    const double x = coordinates[0].get<double>();
    const double y = coordinates[1].get<double>();
    b = any ? geo::Bounds{std::min(b.minx, x), std::min(b.miny, y), std::max(b.maxx, x),
                          std::max(b.maxy, y)}
            : geo::Bounds{x, y, x, y};
    any = true;
    return;
  }
  for (const auto& c : coordinates) lonlat_bounds(c, b, any);
}

}  // namespace

std::string shown_value(const json& v) {
  if (v.is_structured()) return std::string("a JSON ") + v.type_name();
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

json json_body(const Request& req) {
  const auto type = req.header("content-type").value_or("");
  const auto media = type.substr(0, type.find(';'));
  if (media != "application/json" && media != "application/geo+json" &&
      media != "application/merge-patch+json") {
    throw Problem{
        415,
        "Unsupported Media Type",
        "the body must be application/json, application/geo+json or "
        "application/merge-patch+json" +
            (media.empty() ? std::string(" (no Content-Type given)") : " (not " + media + ")"),
        "about:blank",
        {}};
  }
  if (support::json_nesting(req.body, kMaxJsonDepth).depth > kMaxJsonDepth) {
    throw bad_body("JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                   " levels of arrays and objects (the limit)");
  }
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {
    // nlohmann's message names the byte position and what it expected, or the number that
    // overflows a double (out_of_range 406, "1e400", not a parse_error): nothing internal.
    throw bad_body(std::string("malformed JSON: ") + e.what());
  }
  if (!body.is_object()) throw bad_body("the body must be a JSON object");
  return body;
}

geo::Geometry body_geometry(const json& geometry, const Request& req, int store_srid) {
  if (!geometry.is_object()) throw bad_body("geometry: must be a GeoJSON geometry object");
  std::string uri(kCrs84);
  if (auto header = req.header("content-crs")) {
    uri = *header;
    if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>') {
      uri = uri.substr(1, uri.size() - 2);
    }
  }
  const auto crs = crs_from_uri(uri, store_srid);
  if (!crs) {
    std::string supported;
    for (const auto& s : supported_crs_uris(store_srid))
      supported += (supported.empty() ? "" : ", ") + s;
    throw Problem{400,
                  "Unsupported Content-Crs",
                  "Content-Crs " + uri + ": supported are " + supported,
                  "about:blank",
                  {}};
  }
  json g = geometry;
  if (crs->lat_lon && g.contains("coordinates")) swap_axes(g["coordinates"]);

  // The area of use is in lon/lat: check it before the transform, where a point far outside
  // the projection would only give PROJ's less helpful error.
  if (crs->epsg == 4326 && g.contains("coordinates")) {
    geo::Bounds b;
    bool any = false;
    lonlat_bounds(g["coordinates"], b, any);
    const auto area = geo::describe_crs(store_srid).area;
    if (any &&
        !(area.contains_lonlat({b.minx, b.miny}) && area.contains_lonlat({b.maxx, b.maxy}))) {
      throw Problem{422,
                    "Geometry outside the store's area",
                    "geometry: coordinates " + std::to_string(b.minx) + "," +
                        std::to_string(b.miny) + " .. " + std::to_string(b.maxx) + "," +
                        std::to_string(b.maxy) + " (lon/lat) lie outside the area of use of EPSG:" +
                        std::to_string(store_srid) + " (" + area.name + ")",
                    "about:blank",
                    {}};
    }
  }
  try {
    return geo::from_geojson(g.dump(), thread_transformer(crs->epsg, store_srid));
  } catch (const geo::GeometryError& e) {
    throw bad_body(std::string("geometry: ") + e.what());
  } catch (const geo::CrsError& e) {
    throw Problem{422,
                  "Geometry outside the store's area",
                  std::string("geometry: ") + e.what(),
                  "about:blank",
                  {}};
  }
}

std::int64_t if_match_version(const Request& req, std::string_view collection, std::int64_t id) {
  const auto given = req.header("if-match");
  if (!given) {
    throw Problem{428,
                  "Precondition Required",
                  "If-Match with the ETag of " + std::string(collection) + " " +
                      std::to_string(id) + " is needed to change it (GET it first)",
                  "about:blank",
                  {}};
  }
  std::string tag = *given;
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);  // a weak tag still names one version
  const std::string prefix = "\"" + std::string(collection) + "-" + std::to_string(id) + "-v";
  if (tag.size() > prefix.size() + 1 && tag.compare(0, prefix.size(), prefix) == 0 &&
      tag.back() == '"') {
    const auto digits = tag.substr(prefix.size(), tag.size() - prefix.size() - 1);
    if (!digits.empty() && digits.size() < 19 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      return std::stoll(digits);
    }
  }
  throw Problem{412,
                "Precondition Failed",
                "If-Match " + *given + " is not an ETag of " + std::string(collection) + " " +
                    std::to_string(id),
                "about:blank",
                {}};
}

}  // namespace rootzone::api
