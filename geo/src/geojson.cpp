#include "rootzone/geo/geojson.hpp"

#include <exception>

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
