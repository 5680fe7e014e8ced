#pragma once
// The WZDx and GeoJSON schemas of data/wzdx-schema and data/geojson-schema, compiled into the
// library (importers/embed_schemas.cmake), so an installed rootzone needs no data folder.
#include <string_view>
#include <vector>

namespace rootzone::importers::detail {

struct EmbeddedFile {
  std::string_view name;  // relative to data/: "wzdx-schema/4.1/RoadEventFeature.json"
  std::string_view text;
};

const std::vector<EmbeddedFile>& wzdx_schema_files();

}  // namespace rootzone::importers::detail
