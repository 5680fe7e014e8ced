#pragma once
// Trees, works and conflicts as GeoJSON features in the client's CRS.
#include <nlohmann/json.hpp>

#include "crs_uris.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/http/json_writer.hpp"

namespace rootzone::api {

using http::JsonWriter;

nlohmann::json point_geometry(geo::Point store_point, const OutputCrs& crs, int store_srid);
// Written straight as text for item pages; tree_feature() is the same feature as a DOM.
void write_tree_feature(JsonWriter& w, const geo::Tree& t, const OutputCrs& crs, int store_srid);
nlohmann::json tree_feature(const geo::Tree& t, const OutputCrs& crs, int store_srid);
// Contact details are private: only the contractor itself and planners see them.
nlohmann::json work_feature(const geo::Work& w, const OutputCrs& crs, int store_srid,
                            bool with_private);
nlohmann::json conflict_feature(const geo::TreeWorkConflict& c, geo::Point tree_location,
                                const OutputCrs& crs, int store_srid);

// The ETag of a stored feature: changes with every version.
std::string etag(const char* collection, std::int64_t id, std::int64_t version);

}  // namespace rootzone::api
