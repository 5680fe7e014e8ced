#pragma once
// GeoJSON geometries (RFC 7946) in and out of the domain's WKB, with an optional CRS
// transform on the way: out to the client's CRS, in to the store's.
#include <string>
#include <string_view>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

// The geometry member's JSON text, e.g. {"type":"Point","coordinates":[8.27,49.99]}.
// `transform` (forward direction) moves the coordinates first when given.
std::string to_geojson(const Geometry& g, const Transformer* transform = nullptr);

// Parses a GeoJSON geometry object; throws GeometryError naming the problem (not JSON, wrong
// type, bad coordinates). `transform` (forward) moves the coordinates after parsing.
Geometry from_geojson(std::string_view text, const Transformer* transform = nullptr);

// The same geometry with every coordinate moved by `transform` (forward direction).
Geometry transformed(const Geometry& g, const Transformer& transform);

}  // namespace rootzone::geo
