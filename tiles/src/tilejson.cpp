#include "rootzone/tiles/tilejson.hpp"

namespace rootzone::tiles {

nlohmann::json tilejson(const Tileset& set, const std::string& base_url,
                        const std::optional<geo::Bounds>& b, const View& view) {
  using nlohmann::json;
  json layers = json::array();
  for (const auto id : set.layers) {
    if (id == LayerId::conflicts && !view.sees_conflicts()) continue;
    const auto& info = layer_info(id);
    json fields = json::object();
    for (const auto& [name, type] : info.fields) fields[name] = type;
    layers.push_back({{"id", info.name},
                      {"description", info.description},
                      {"minzoom", info.minzoom},
                      {"maxzoom", kMaxZoom},
                      {"fields", fields}});
  }
  const geo::Bounds world{-180, -85.0511287798066, 180, 85.0511287798066};
  const auto bounds = b.value_or(world);
  return {
      {"tilejson", "3.0.0"},
      {"name", set.id},
      {"description", set.description},
      {"version", "1.0.0"},
      {"scheme", "xyz"},
      {"tiles", {base_url + "/tiles/" + set.id + "/{z}/{x}/{y}.mvt"}},
      {"minzoom", kMinZoom},
      {"maxzoom", kMaxZoom},
      {"bounds", {bounds.minx, bounds.miny, bounds.maxx, bounds.maxy}},
      {"center", {(bounds.minx + bounds.maxx) / 2, (bounds.miny + bounds.maxy) / 2, b ? 14 : 0}},
      {"vector_layers", layers}};
}

}  // namespace rootzone::tiles
