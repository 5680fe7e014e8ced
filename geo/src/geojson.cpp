#include "rootzone/geo/geojson.hpp"

#include <exception>
#include <nlohmann/json.hpp>

#include "geos_handle.hpp"
#include "rootzone/geo/errors.hpp"

namespace rootzone::geo {

namespace {

using detail::GeomPtr;
using detail::GeosContext;

struct TransformState {
  const Transformer* transform;
  std::string error;
};

// GEOS calls this per coordinate; PROJ errors are carried out through the state because no
// exception may cross GEOS's C frames.
int transform_xy(double* x, double* y, void* userdata) {
  auto* state = static_cast<TransformState*>(userdata);
  try {
    const Point p = state->transform->forward({*x, *y});
    *x = p.x;
    *y = p.y;
    return 1;
  } catch (const std::exception& e) {
    state->error = e.what();
    return 0;
  }
}

GeomPtr apply(const GeosContext& c, GeomPtr g, const Transformer* transform) {
  if (transform == nullptr) return g;
  TransformState state{transform, {}};
  GeomPtr out = detail::own(c, GEOSGeom_transformXY_r(c.get(), g.get(), &transform_xy, &state));
  if (!out) {
    throw CrsError(
        "geometry: cannot transform from EPSG:" + std::to_string(transform->from_epsg()) +
        " to EPSG:" + std::to_string(transform->to_epsg()) +
        (state.error.empty() ? std::string() : ": " + state.error));
  }
  return out;
}

using GeoJSONWriterPtr =
    std::unique_ptr<GEOSGeoJSONWriter,
                    detail::GeosDeleter<GEOSGeoJSONWriter, &GEOSGeoJSONWriter_destroy_r>>;
using GeoJSONReaderPtr =
    std::unique_ptr<GEOSGeoJSONReader,
                    detail::GeosDeleter<GEOSGeoJSONReader, &GEOSGeoJSONReader_destroy_r>>;

// GEOS 3.11's GeoJSON reader takes a position's first two numbers without checking that it has
// them: a LineString whose coordinates are [[]] read through a null pointer and ended the
// process (a contractor's POST, an anonymous CQL2 filter; found by fuzzing, issue 15). So every
// position is checked before GEOS sees the text: at the depth its type puts it, an array of at
// least two numbers. Anything else about the text (unknown types, missing members) GEOS refuses
// itself, and the caller bounded the nesting before parsing.
int position_depth(const std::string& type) {
  if (type == "Point") return 0;
  if (type == "LineString" || type == "MultiPoint") return 1;
  if (type == "Polygon" || type == "MultiLineString") return 2;
  if (type == "MultiPolygon") return 3;
  return -1;
}

void check_positions(const nlohmann::json& v, int depth) {
  if (!v.is_array())
    throw GeometryError("geometry: invalid GeoJSON geometry: coordinates must be arrays");
  if (depth > 0) {
    for (const auto& inner : v) check_positions(inner, depth - 1);
    return;
  }
  if (v.size() < 2) {
    throw GeometryError("geometry: invalid GeoJSON geometry: a position needs two numbers");
  }
  for (const auto& n : v) {
    if (!n.is_number()) {
      throw GeometryError("geometry: invalid GeoJSON geometry: a position holds only numbers");
    }
  }
}

void check_geometry(const nlohmann::json& g, int collections) {
  if (!g.is_object() || !g.contains("type") || !g["type"].is_string()) return;
  const auto& type = g["type"].get_ref<const std::string&>();
  if (type == "GeometryCollection") {
    // Collections inside collections: GEOS recurses; no work or filter needs more than one.
    if (collections > 0) {
      throw GeometryError("geometry: invalid GeoJSON geometry: a collection inside a collection");
    }
    if (g.contains("geometries") && g["geometries"].is_array()) {
      for (const auto& member : g["geometries"]) check_geometry(member, collections + 1);
    }
    return;
  }
  const int depth = position_depth(type);
  if (depth >= 0 && g.contains("coordinates")) check_positions(g["coordinates"], depth);
}

}  // namespace

std::string to_geojson(const Geometry& g, const Transformer* transform) {
  auto& c = detail::thread_context();
  c.clear_messages();
  GeomPtr geom = apply(c, detail::read_wkb(c, g.wkb()), transform);
  GeoJSONWriterPtr writer(GEOSGeoJSONWriter_create_r(c.get()), {c.get()});
  if (!writer) c.fail("geometry: cannot create a GeoJSON writer");
  detail::CharBuf text(GEOSGeoJSONWriter_writeGeometry_r(c.get(), writer.get(), geom.get(), -1),
                       {c.get()});
  if (!text) c.fail("geometry: cannot write GeoJSON");
  return text.get();
}

Geometry from_geojson(std::string_view text, const Transformer* transform) {
  auto& c = detail::thread_context();
  c.clear_messages();
  GeoJSONReaderPtr reader(GEOSGeoJSONReader_create_r(c.get()), {c.get()});
  if (!reader) c.fail("geometry: cannot create a GeoJSON reader");
  const std::string terminated(text);
  try {
    const auto parsed = nlohmann::json::parse(terminated, nullptr, false);
    if (parsed.is_discarded()) throw GeometryError("geometry: invalid GeoJSON geometry: not JSON");
    check_geometry(parsed, 0);
  } catch (const nlohmann::json::exception&) {
    throw GeometryError("geometry: invalid GeoJSON geometry: not JSON");
  }
  GeomPtr g =
      detail::own(c, GEOSGeoJSONReader_readGeometry_r(c.get(), reader.get(), terminated.c_str()));
  if (!g) c.fail("geometry: invalid GeoJSON geometry");
  return Geometry(detail::write_wkb(c, *apply(c, std::move(g), transform)));
}

Geometry transformed(const Geometry& g, const Transformer& transform) {
  auto& c = detail::thread_context();
  c.clear_messages();
  return Geometry(detail::write_wkb(c, *apply(c, detail::read_wkb(c, g.wkb()), &transform)));
}

}  // namespace rootzone::geo
