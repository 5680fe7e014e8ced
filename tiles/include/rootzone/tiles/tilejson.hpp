#pragma once
// TileJSON 3.0.0 of a tileset (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0):
// tiles URL, zoom range, bounds and centre in lon/lat, vector_layers with their fields.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/tiles/tileset.hpp"

namespace rootzone::tiles {

// `bounds_lonlat`: the data's extent in EPSG:4326 lon/lat (none for an empty store: the world).
nlohmann::json tilejson(const Tileset& set, const std::string& base_url,
                        const std::optional<geo::Bounds>& bounds_lonlat, const View& view);

}  // namespace rootzone::tiles
