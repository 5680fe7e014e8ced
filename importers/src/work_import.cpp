// Works from files and feeds read through GDAL/OGR, mapped by a profile.
#include <unordered_map>

#include "import_common.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "work_upsert.hpp"

namespace rootzone::importers {

namespace detail {

bool upsert_work(storage::Store& store, const geo::Work& w,
                 const std::function<bool(const char*)>& mapped, const std::string& user,
                 ImportSummary& s, std::string& why) {
  try {
    auto existing = store.works().find_by_reference(w.reference);
    if (!existing) {
      store.works().insert(w, user);
      ++s.inserted;
      return true;
    }
    auto merged = *existing;
    merged.geometry = w.geometry;
    merged.starts_at = w.starts_at;
    merged.ends_at = w.ends_at;
    merged.source = w.source;
    const auto take = [&](const char* field, auto member) {
      if (mapped(field)) merged.*member = w.*member;
    };
    take("title", &geo::Work::title);
    take("contractor", &geo::Work::contractor);
    take("contact", &geo::Work::contact);
    take("kind", &geo::Work::kind);
    take("width_m", &geo::Work::width_m);
    take("radius_m", &geo::Work::radius_m);
    take("depth_m", &geo::Work::depth_m);
    if (merged == *existing) {
      ++s.unchanged;
    } else {
      store.works().update(merged, existing->version);
      ++s.updated;
    }
    return true;
  } catch (const storage::ConstraintViolation& e) {
    why = std::string("refused by the store: ") + e.what();
    return false;
  }
}

}  // namespace detail

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
  auto& s = result.summary;

  detail::OgrSource source(o.file, mapping);
  detail::RecordMapper mapper(
      mapping, [&](std::string_view name) { return source.field_index(name); },
      source.field_names(), result.report, file);
  const auto srs = detail::source_crs(source, mapping, file);
  const detail::CrsGuard guard(srs.get(), store.srid());
  const auto user = detail::default_user(o);
  detail::Progress progress(o, source.feature_count());
  const auto mapped = [&](const char* field) { return mapper.mapped(field); };

  detail::SeenIds seen;
  storage::Transaction tx(store.database());
  while (source.next()) {
    ++s.read;
    progress.tick(s.read);
    const auto problems_before = result.report.problems().size();
    mapper.begin(source.record(), source.line(), [&](int i) { return source.text(i); });
    geo::Work w;
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
    if (mapper.refused()) {
      ++s.refused;
    } else {
      std::string why;
      if (!detail::upsert_work(store, w, mapped, user, s, why)) {
        mapper.problem(Severity::refused, "", w.reference, why);
        ++s.refused;
      }
    }
    if (o.strict && result.report.problems().size() > problems_before) {
      s.aborted = true;
      break;
    }
  }
  progress.finish(s.read);
  detail::conclude(result, store.database(), tx, o);
  s.seconds = detail::seconds_since(start);
  return result;
}

}  // namespace rootzone::importers
