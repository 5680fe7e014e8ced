#pragma once
// The basemap `serve --basemap URL` puts under the map page: an XYZ raster template
// (https://.../{z}/{x}/{y}.png), a WMS GetMap template with {bbox-epsg-3857}, or a MapLibre
// style URL (.../style.json). The page learns it from /map/config.json; the page's CSP lets
// the browser reach its origin and nothing else outside rootzone.
#include <optional>
#include <string>
#include <string_view>

namespace rootzone::api {

struct Basemap {
  enum class Kind { xyz, wms, style };
  Kind kind = Kind::xyz;
  std::string url;
  std::string origin;  // "https://tiles.example.org" or with ":port": what the CSP allows
};

std::string_view to_string(Basemap::Kind k);

// The basemap a URL names, or why it names none (said to whoever started the server).
struct BasemapParse {
  std::optional<Basemap> basemap;
  std::string error;
};
BasemapParse parse_basemap(std::string_view url);

}  // namespace rootzone::api
