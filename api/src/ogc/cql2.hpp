#pragma once
// CQL2 (OGC 21-065) for OGC API Features Part 3's filter parameter: the text and JSON
// encodings parsed into storage's filter tree. Geometry literals are given in filter-crs and
// moved into the store CRS here. Every failure is a 400 problem that says where it happened.
#include <cstddef>
#include <string>
#include <string_view>

#include "crs_uris.hpp"
#include "rootzone/api/http.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/storage/filter.hpp"

namespace rootzone::api {

// Longer filters are refused before parsing (as long as a request head may be).
inline constexpr std::size_t kMaxFilterBytes = 32 * 1024;
// S_DWITHIN's distance: beyond this the index no longer narrows anything.
inline constexpr double kMaxDwithinMetres = 100000;

struct FilterCrs {
  OutputCrs crs;  // filter-crs (CRS84 by default)
  int store_srid = 25832;
};

storage::filter::Node parse_cql2_text(std::string_view text, const FilterCrs& crs);
storage::filter::Node parse_cql2_json(std::string_view text, const FilterCrs& crs);

namespace cql2 {

inline constexpr const char* kFilterReq =
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/req/filter/filter-param";

[[noreturn]] void fail(const std::string& detail);

// "YYYY-MM-DD" as the store writes dates; nullopt when it is not a calendar date.
std::optional<std::string> date_text(std::string_view s);
// An RFC 3339 instant as the store writes timestamps (UTC, whole seconds: a fraction is cut).
std::optional<std::string> timestamp_text(std::string_view s);

// Geometry literals in filter-crs, into the store CRS.
geo::Geometry from_wkt(std::string_view wkt, const FilterCrs& crs);
geo::Geometry from_geojson(const std::string& geojson, const FilterCrs& crs);
// minx, miny, maxx, maxy in filter-crs's axis order; edges densified before they are moved.
geo::Geometry from_bbox(double a, double b, double c, double d, const FilterCrs& crs);

// The unit of S_DWITHIN's distance: metres of the store CRS.
bool is_metres(std::string_view unit);

}  // namespace cql2

}  // namespace rootzone::api
