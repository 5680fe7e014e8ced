#include "ogc/feature_json.hpp"

#include "rootzone/geo/geojson.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

template <class T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
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

void write_point(JsonWriter& w, geo::Point p, const OutputCrs& crs, int store_srid) {
  if (const auto* t = thread_transformer(store_srid, crs.epsg)) p = t->forward(p);
  if (crs.lat_lon) std::swap(p.x, p.y);
  w.begin_object().key("type").string("Point");
  w.key("coordinates").begin_array().number(p.x).number(p.y).end_array();
  w.end_object();
}

void write_date(JsonWriter& w, const geo::Date& d) { w.string(geo::format_date(d)); }
void write_number(JsonWriter& w, double v) { w.number(v); }
void write_integer(JsonWriter& w, std::int64_t v) { w.integer(v); }
void write_boolean(JsonWriter& w, bool v) { w.boolean(v); }

}  // namespace

json point_geometry(geo::Point p, const OutputCrs& crs, int store_srid) {
  std::string text;
  JsonWriter w(text);
  write_point(w, p, crs, store_srid);
  return json::parse(text);
}

void write_tree_feature(JsonWriter& w, const geo::Tree& t, const OutputCrs& crs, int store_srid) {
  w.begin_object().key("type").string("Feature").key("id").integer(t.id);
  w.key("geometry");
  write_point(w, t.location, crs, store_srid);
  w.key("properties").begin_object();
  w.key("source_id").string(t.source_id);
  w.key("site").string(t.site);
  w.key("district").string(t.district);
  w.key("species_botanical").string(t.species_botanical);
  w.key("species_german").string(t.species_german);
  w.key("genus").string(t.genus);
  w.key("stem_circumferences_cm").begin_array();
  for (const double c : t.stem_circumferences_cm) w.number(c);
  w.end_array();
  w.key("crown_diameter_m").optional(t.crown_diameter_m, write_number);
  w.key("height_m").optional(t.height_m, write_number);
  w.key("planting_year").optional(t.planting_year, write_integer);
  w.key("vitality").optional(t.vitality, write_integer);
  w.key("development_phase").string(t.development_phase);
  w.key("last_inspection").optional(t.last_inspection, write_date);
  w.key("next_inspection").optional(t.next_inspection, write_date);
  w.key("status").string(geo::to_string(t.status));
  w.key("felled_on").optional(t.felled_on, write_date);
  w.key("columnar").optional(t.columnar, write_boolean);
  w.key("protected").boolean(t.protection.is_protected);
  w.key("protection_source").string(geo::to_string(t.protection.source));
  w.key("protection_reason").string(t.protection.reason);
  w.key("version").integer(t.version);
  w.key("updated_at").string(geo::format_utc(t.updated_at));
  w.end_object().end_object();
}

json tree_feature(const geo::Tree& t, const OutputCrs& crs, int store_srid) {
  std::string text;
  JsonWriter w(text);
  write_tree_feature(w, t, crs, store_srid);
  return json::parse(text);
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
