// Works from files and feeds read through GDAL/OGR, mapped by a profile.
#include <unordered_map>

#include "import_common.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "work_writer.hpp"

namespace rootzone::importers {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::vector<std::string> kind_names() {
  return {"trench",  "pit",         "drilling", "surface",           "site_facility",
          "storage", "scaffolding", "crane",    "traffic_management"};
}

// One record of the source mapped onto a work, problems into the mapper's report.
void map_work(detail::MappedWork& m, detail::RecordMapper& mapper, detail::OgrSource& source,
              detail::SeenIds& seen, const detail::CrsGuard& guard, const Mapping& mapping) {
  mapper.begin(source.record(), source.line(), [&](int i) { return source.text(i); });
  auto& w = m.work;
  w.source = mapping.name;
  w.status = geo::WorkStatus::submitted;
  if (const auto id = seen.take(mapper, mapping, source.record())) w.reference = *id;
  if (!mapper.refused()) {
    w.title = mapper.text("title").value_or("");
    w.contractor = mapper.text("contractor").value_or("");
    w.contact = mapper.text("contact").value_or("");
    if (const auto kind = mapper.required_text("kind")) {
      if (const auto k = geo::work_kind_from_string(*kind)) {
        w.kind = *k;
      } else {
        mapper.problem(
            Severity::refused, mapping.fields.at("kind").from, *kind,
            "not a work kind: '" + std::string(*kind) + "' (" + joined(kind_names()) + ")");
      }
    }
    if (const auto status = mapper.text("status")) {
      if (const auto st = geo::work_status_from_string(*status)) {
        w.status = *st;
      } else {
        mapper.problem(Severity::refused, mapping.fields.at("status").from, *status,
                       "not a work status: '" + std::string(*status) + "'");
      }
    }
    w.width_m = mapper.number("width_m", "m");
    w.radius_m = mapper.number("radius_m", "m");
    w.depth_m = mapper.number("depth_m", "m");
    const auto starts = mapper.time("starts_at", true);
    const auto ends = mapper.time("ends_at", true);
    if (starts && ends) {
      w.starts_at = *starts;
      w.ends_at = *ends;
      if (*ends < *starts) {
        const auto& rule = mapping.fields.at("ends_at");
        mapper.problem(Severity::refused, rule.from, geo::format_utc(*ends),
                       "end before start: ends_at " + geo::format_utc(*ends) +
                           " is before starts_at " + geo::format_utc(*starts));
      }
    }
    // Geometry: the layer's own, or a WKT column.
    detail::GeometryPtr owned;
    OGRGeometryH g = nullptr;
    std::string field = "(geometry)";
    if (mapper.geometry_wkt >= 0) {
      field = mapping.wkt_field;
      if (const auto text = mapper.raw(mapper.geometry_wkt, field)) {
        std::string wkt(*text);  // GDAL wants it terminated
        char* p = wkt.data();
        OGRGeometryH parsed = nullptr;
        if (OGR_G_CreateFromWkt(&p, nullptr, &parsed) == OGRERR_NONE) owned.reset(parsed);
      }
    } else if (auto* in = source.geometry()) {
      owned.reset(OGR_G_Clone(in));
    }
    g = owned.get();
    if (!mapper.refused() && detail::prepare_geometry(g, guard, detail::sink(mapper), field)) {
      std::vector<std::uint8_t> wkb(static_cast<std::size_t>(OGR_G_WkbSize(g)));
      OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
      w.geometry = geo::Geometry(std::move(wkb));
    }
  }
  m.fate = mapper.refused() ? detail::MappedWork::Fate::refused : detail::MappedWork::Fate::write;
  m.at = mapper.ref();
}

}  // namespace

ImportResult import_works(storage::Store& store, const ImportOptions& o) {
  if (o.format == SourceFormat::wzdx) return detail::import_wzdx(store, o);
  const auto start = std::chrono::steady_clock::now();
  if (!o.mapping)
    throw MappingError("importing works needs a mapping (--mapping FILE) or --format wzdx");
  const Mapping& mapping = *o.mapping;
  if (mapping.kind != RecordKind::works) {
    throw MappingError("mapping " + mapping.path.string() + " is for trees, not works");
  }
  for (const char* required : {"kind", "starts_at", "ends_at"}) {
    if (!mapping.fields.contains(required)) {
      throw MappingError("mapping " + mapping.path.string() + ": fields." + required +
                         " is required for works");
    }
  }
  const std::string file = o.file.string();
  ImportResult result;

  detail::OgrSource source(o.file, mapping);
  detail::RecordMapper mapper(
      mapping, [&](std::string_view name) { return source.field_index(name); },
      source.field_names(), result.report, file);
  const auto srs = detail::source_crs(source, mapping, file);
  const detail::CrsGuard guard(srs.get(), store.srid());
  detail::Progress progress(o, source.feature_count());
  detail::SeenIds seen;
  const auto read = [&](detail::MappedWork& m) {
    if (!source.next()) return false;
    map_work(m, mapper, source, seen, guard, mapping);
    return true;
  };
  const auto mapped = [&](const char* field) { return mapper.mapped(field); };
  detail::write_works(store, o, result, progress, mapped, read);
  result.summary.seconds = detail::seconds_since(start);
  return result;
}

}  // namespace rootzone::importers
