#include "tree_changes.hpp"

#include <string>
#include <utility>

#include "rootzone/geo/join.hpp"
#include "rootzone/geo/number_text.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::detail {

namespace {

using Text = std::optional<std::string>;

template <class T, class Format>
Text optional_text(const std::optional<T>& v, Format format) {
  if (!v) return std::nullopt;
  return format(*v);
}

std::string stored_text(double v) { return geo::number_text(v, detail::stored_number); }

std::string point_text(geo::Point p) {
  return "POINT (" + stored_text(p.x) + " " + stored_text(p.y) + ")";
}

std::string stems_text(const std::vector<double>& stems) {
  std::string text;
  geo::append_joined(text, stems, ", ", [](std::string& out, double c) {
    geo::append_number(out, c, detail::stored_number);
  });
  return text;
}

std::string bool_text(bool b) { return b ? "true" : "false"; }
std::string int_text(int i) { return std::to_string(i); }
Text date_field(const std::optional<geo::Date>& d) { return date_text(d); }

}  // namespace

std::vector<FieldChange> changed_fields(const geo::Tree& a, const geo::Tree& b) {
  std::vector<FieldChange> changes;
  const auto compare = [&](const char* field, Text before, Text after) {
    if (before != after) changes.push_back({field, std::move(before), std::move(after)});
  };
  compare("source_id", a.source_id, b.source_id);
  compare("site", a.site, b.site);
  compare("district", a.district, b.district);
  if (a.location != b.location) {
    changes.push_back({"location", point_text(a.location), point_text(b.location)});
  }
  compare("species_botanical", a.species_botanical, b.species_botanical);
  compare("species_german", a.species_german, b.species_german);
  compare("genus", a.genus, b.genus);
  if (a.stem_circumferences_cm != b.stem_circumferences_cm) {
    changes.push_back({"stem_circumferences_cm", stems_text(a.stem_circumferences_cm),
                       stems_text(b.stem_circumferences_cm)});
  }
  compare("crown_diameter_m", optional_text(a.crown_diameter_m, stored_text),
          optional_text(b.crown_diameter_m, stored_text));
  compare("height_m", optional_text(a.height_m, stored_text),
          optional_text(b.height_m, stored_text));
  compare("planting_year", optional_text(a.planting_year, int_text),
          optional_text(b.planting_year, int_text));
  compare("vitality", optional_text(a.vitality, int_text), optional_text(b.vitality, int_text));
  compare("development_phase", a.development_phase, b.development_phase);
  compare("last_inspection", date_field(a.last_inspection), date_field(b.last_inspection));
  compare("next_inspection", date_field(a.next_inspection), date_field(b.next_inspection));
  compare("status", std::string(geo::to_string(a.status)), std::string(geo::to_string(b.status)));
  compare("felled_on", date_field(a.felled_on), date_field(b.felled_on));
  compare("columnar", optional_text(a.columnar, bool_text), optional_text(b.columnar, bool_text));
  compare("is_protected", bool_text(a.protection.is_protected),
          bool_text(b.protection.is_protected));
  compare("protection_source", std::string(geo::to_string(a.protection.source)),
          std::string(geo::to_string(b.protection.source)));
  compare("protection_reason", a.protection.reason, b.protection.reason);
  return changes;
}

}  // namespace rootzone::storage::detail
