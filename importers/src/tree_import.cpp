// Trees: map each record, validate, derive protection from the active rule set, upsert by
// source id, all in one transaction.
#include <unordered_map>

#include "import_common.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tree_repository.hpp"

namespace rootzone::importers {

using detail::RecordMapper;

namespace {

// The fields a mapping sets replace the stored ones; the others (set by field staff, by hand)
// stay as they are.
void merge(geo::Tree& into, const geo::Tree& from, const RecordMapper& m) {
  into.location = from.location;
  const auto take = [&](const char* field, auto member) {
    if (m.mapped(field)) into.*member = from.*member;
  };
  take("site", &geo::Tree::site);
  take("district", &geo::Tree::district);
  take("species_botanical", &geo::Tree::species_botanical);
  take("species_german", &geo::Tree::species_german);
  take("genus", &geo::Tree::genus);
  take("stem_circumferences_cm", &geo::Tree::stem_circumferences_cm);
  take("crown_diameter_m", &geo::Tree::crown_diameter_m);
  take("height_m", &geo::Tree::height_m);
  take("planting_year", &geo::Tree::planting_year);
  take("vitality", &geo::Tree::vitality);
  take("development_phase", &geo::Tree::development_phase);
  take("last_inspection", &geo::Tree::last_inspection);
  take("next_inspection", &geo::Tree::next_inspection);
  take("status", &geo::Tree::status);
  take("felled_on", &geo::Tree::felled_on);
  take("columnar", &geo::Tree::columnar);
}

}  // namespace

ImportResult import_trees(storage::Store& store, const ImportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (!o.mapping) throw MappingError("importing trees needs a mapping (--mapping FILE)");
  if (o.format != SourceFormat::ogr) throw MappingError("trees are read through GDAL/OGR only");
  const Mapping& mapping = *o.mapping;
  if (mapping.kind != RecordKind::trees) {
    throw MappingError("mapping " + mapping.path.string() + " is for works, not trees");
  }
  const std::string file = o.file.string();
  ImportResult result;
  auto& s = result.summary;

  detail::OgrSource source(o.file, mapping);
  RecordMapper mapper(
      mapping, [&](std::string_view name) { return source.field_index(name); },
      source.field_names(), result.report);
  const auto srs = detail::source_crs(source, mapping, file);
  const detail::CrsGuard guard(srs.get(), store.srid());
  const auto rules = store.rule_sets().active();
  const auto user = detail::default_user(o);
  detail::Progress progress(
      o, o.progress ? source.feature_count() : std::optional<std::int64_t>());

  detail::SeenIds seen;
  storage::Transaction tx(store.database());
  // Declared after tx: its destructor (re-creating SpatiaLite's triggers) runs before tx's
  // rollback when the import ends without commit.
  storage::TreeBulkWriter writer(store.database(), store.srid(), user);
  while (source.next()) {
    ++s.read;
    progress.tick(s.read);
    const auto problems_before = result.report.problems().size();
    mapper.begin({file, source.record(), source.line(), {}},
                 [&](int i) { return source.text(i); });
    geo::Tree t;
    if (const auto id = seen.take(mapper, mapping, source.record())) t.source_id = *id;
    if (!mapper.refused()) {
      if (const auto p = detail::record_point(source, mapper, guard, mapping)) t.location = *p;
      t.site = mapper.text("site").value_or("");
      t.district = mapper.text("district").value_or("");
      t.species_botanical = mapper.text("species_botanical").value_or("");
      t.species_german = mapper.text("species_german").value_or("");
      t.genus = mapper.text("genus").value_or("");
      t.stem_circumferences_cm = mapper.numbers("stem_circumferences_cm", "cm");
      t.crown_diameter_m = mapper.number("crown_diameter_m", "m");
      t.height_m = mapper.number("height_m", "m");
      t.planting_year = mapper.integer("planting_year", 1000, 3000);
      t.vitality = mapper.integer("vitality", 0, 3);
      t.development_phase = mapper.text("development_phase").value_or("");
      t.last_inspection = mapper.date("last_inspection");
      t.next_inspection = mapper.date("next_inspection");
      if (const auto status = mapper.text("status")) {
        if (const auto st = geo::tree_status_from_string(*status)) {
          t.status = *st;
        } else {
          mapper.problem(Severity::refused, mapping.fields.at("status").from, *status,
                         "not a tree status: '" + *status + "' (existing, planned, felled)");
        }
      }
      t.felled_on = mapper.date("felled_on");
      t.columnar = mapper.boolean("columnar");
      if (!mapper.refused() && t.stem_circumferences_cm.empty() &&
          mapper.mapped("stem_circumferences_cm")) {
        const auto& rule = mapping.fields.at("stem_circumferences_cm");
        mapper.problem(Severity::flagged, rule.from, "",
                       "missing value: stem_circumferences_cm not recorded, protection cannot "
                       "be derived from the ordinance");
      }
    }

    if (mapper.refused()) {
      ++s.refused;
    } else {
      auto existing = writer.find_by_source_id(t.source_id);
      try {
        if (!existing) {
          t.protection = geo::evaluate_protection(t, rules);
          writer.insert(t);
          ++s.inserted;
          if (t.protection.is_protected) ++s.protected_trees;
        } else {
          auto merged = *existing;
          merge(merged, t, mapper);
          merged.protection = geo::evaluate_protection(merged, rules);
          if (merged != *existing && writer.update(merged, *existing)) {
            ++s.updated;
          } else {
            ++s.unchanged;
          }
          if (merged.protection.is_protected) ++s.protected_trees;
        }
      } catch (const storage::ConstraintViolation& e) {
        mapper.problem(Severity::refused, "", t.source_id,
                       std::string("refused by the store: ") + e.what());
        ++s.refused;
      }
    }
    if (o.strict && result.report.problems().size() > problems_before) {
      s.aborted = true;
      break;
    }
  }
  progress.finish(s.read);
  writer.finish();
  detail::conclude(result, store.database(), tx, o);
  s.seconds = detail::seconds_since(start);
  return result;
}

}  // namespace rootzone::importers
