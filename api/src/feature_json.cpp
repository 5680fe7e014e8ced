#include "feature_json.hpp"

#include "rootzone/geo/geojson.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

template <class T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json optional_date(const std::optional<geo::Date>& d) {
  return d ? json(geo::format_date(*d)) : json(nullptr);
}

// EPSG:4326 by URI is latitude first: swap every position of a GeoJSON geometry.
void swap_axes(json& coordinates) {
  if (coordinates.is_array() && coordinates.size() >= 2 && coordinates[0].is_number()) {
    std::swap(coordinates[0], coordinates[1]);
    return;
  }
  for (auto& c : coordinates) swap_axes(c);
}

json geometry(const geo::Geometry& g, const OutputCrs& crs, int store_srid) {
  json out = json::parse(geo::to_geojson(g, thread_transformer(store_srid, crs.epsg)));
  if (crs.lat_lon) {
    if (out.contains("coordinates")) swap_axes(out["coordinates"]);
    if (out.contains("geometries")) {
      for (auto& part : out["geometries"]) swap_axes(part["coordinates"]);
    }
  }
  return out;
}

}  // namespace

json point_geometry(geo::Point p, const OutputCrs& crs, int store_srid) {
  if (const auto* t = thread_transformer(store_srid, crs.epsg)) p = t->forward(p);
  return {{"type", "Point"}, {"coordinates", crs.lat_lon ? json{p.y, p.x} : json{p.x, p.y}}};
}

json tree_feature(const geo::Tree& t, const OutputCrs& crs, int store_srid) {
  return {{"type", "Feature"},
          {"id", t.id},
          {"geometry", point_geometry(t.location, crs, store_srid)},
          {"properties",
           {{"source_id", t.source_id},
            {"site", t.site},
            {"district", t.district},
            {"species_botanical", t.species_botanical},
            {"species_german", t.species_german},
            {"genus", t.genus},
            {"stem_circumferences_cm", t.stem_circumferences_cm},
            {"crown_diameter_m", optional_value(t.crown_diameter_m)},
            {"height_m", optional_value(t.height_m)},
            {"planting_year", optional_value(t.planting_year)},
            {"vitality", optional_value(t.vitality)},
            {"development_phase", t.development_phase},
            {"last_inspection", optional_date(t.last_inspection)},
            {"next_inspection", optional_date(t.next_inspection)},
            {"status", geo::to_string(t.status)},
            {"felled_on", optional_date(t.felled_on)},
            {"columnar", optional_value(t.columnar)},
            {"protected", t.protection.is_protected},
            {"protection_source", geo::to_string(t.protection.source)},
            {"protection_reason", t.protection.reason},
            {"version", t.version},
            {"updated_at", geo::format_utc(t.updated_at)}}}};
}

json work_feature(const geo::Work& w, const OutputCrs& crs, int store_srid, bool with_private) {
  json props = {{"reference", w.reference},
                {"title", w.title},
                {"contractor", w.contractor},
                {"kind", geo::to_string(w.kind)},
                {"width_m", optional_value(w.width_m)},
                {"radius_m", optional_value(w.radius_m)},
                {"depth_m", optional_value(w.depth_m)},
                {"starts_at", geo::format_utc(w.starts_at)},
                {"ends_at", geo::format_utc(w.ends_at)},
                {"status", geo::to_string(w.status)},
                {"version", w.version},
                {"updated_at", geo::format_utc(w.updated_at)}};
  if (with_private) {
    props["contact"] = w.contact;
    props["source"] = w.source;
  }
  return {{"type", "Feature"},
          {"id", w.id},
          {"geometry", geometry(w.geometry, crs, store_srid)},
          {"properties", props}};
}

json conflict_feature(const geo::TreeWorkConflict& c, geo::Point tree_location,
                      const OutputCrs& crs, int store_srid) {
  json props = {{"tree_id", c.tree_id},
                {"work_id", c.work_id},
                {"severity", geo::to_string(c.severity)},
                {"rule", c.rule},
                {"min_distance_m", c.min_distance_m},
                {"overlap_m2", c.overlap_m2},
                {"overlap_share", c.overlap_share},
                {"computed_at", geo::format_utc(c.computed_at)},
                {"acknowledged", c.acknowledged.has_value()}};
  if (c.acknowledged) {
    props["acknowledged_by"] = c.acknowledged->user;
    props["acknowledged_at"] = geo::format_utc(c.acknowledged->at);
    props["acknowledgement_comment"] = c.acknowledged->comment;
  }
  return {{"type", "Feature"},
          {"id", c.id},
          {"geometry", point_geometry(tree_location, crs, store_srid)},
          {"properties", props}};
}

std::string etag(const char* collection, std::int64_t id, std::int64_t version) {
  return "\"" + std::string(collection) + "-" + std::to_string(id) + "-v" +
         std::to_string(version) + "\"";
}

}  // namespace rootzone::api
