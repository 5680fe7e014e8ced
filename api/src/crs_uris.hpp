#pragma once
// OGC API Features Part 2: CRSs named by URI. CRS84 is lon/lat; EPSG:4326 is lat/lon by
// its definition, so coordinates in that CRS are written latitude first.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/crs.hpp"

namespace rootzone::api {

inline constexpr std::string_view kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

struct OutputCrs {
  std::string uri;
  int epsg = 4326;
  bool lat_lon = false;  // EPSG:4326 by URI: latitude first
};

// The CRSs this service speaks: CRS84, EPSG:4326, the store's CRS and EPSG:3857.
std::vector<std::string> supported_crs_uris(int store_srid);
std::optional<OutputCrs> crs_from_uri(std::string_view uri, int store_srid);

// This thread's transformer between two EPSG codes; nullptr when from == to.
const geo::Transformer* thread_transformer(int from_epsg, int to_epsg);

}  // namespace rootzone::api
