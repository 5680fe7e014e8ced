#include "trees/tree_input.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

namespace rootzone::api {

namespace {

using nlohmann::json;

// Single-line names stay short; free text (findings, measures, reasons) may fill a screen.
constexpr std::size_t kMaxNameChars = 200;
constexpr std::size_t kMaxTextChars = 4000;

Problem bad_body(const std::string& detail) {
  return Problem{400, "Invalid request body", detail, "about:blank", {}};
}

// "string \"12\"" / "number 4" / "array": what the client sent, for the detail.
std::string shown(const json& v) {
  if (v.is_structured()) return v.type_name();  // never printed: it may be large or deep
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return std::string(v.type_name()) + " " + text;
}

[[noreturn]] void wrong_type(const std::string& field, const char* expected, const json& v) {
  throw bad_body(field + ": must be " + expected + " (got " + shown(v) + ")");
}

std::string text_value(const std::string& field, const json& v, std::size_t max_chars,
                       bool multiline) {
  if (v.is_null()) return {};
  if (!v.is_string()) wrong_type(field, "a string or null", v);
  auto s = v.get<std::string>();
  if (s.size() > max_chars) {
    throw invalid_value(field, std::to_string(s.size()) + " bytes, at most " +
                                   std::to_string(max_chars) + " are kept");
  }
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool allowed_space = multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 && !allowed_space) || c == 0x7f) {
      throw invalid_value(field, "contains a control character (code " + std::to_string(c) + ")");
    }
  }
  return s;
}

std::optional<double> number_value(const std::string& field, const json& v, const char* unit,
                                   double max, const char* zero_hint = "") {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) wrong_type(field, "a number or null", v);
  const double d = v.get<double>();
  if (!(d > 0)) {
    throw invalid_value(field, v.dump() + " " + unit + " is not a size: must be > 0" + zero_hint);
  }
  if (d > max) {
    throw invalid_value(field, v.dump() + " " + unit + " is more than any tree on " +
                                   "record (at most " + std::to_string(static_cast<int>(max)) +
                                   " " + unit + ")");
  }
  return d;
}

std::optional<int> integer_value(const std::string& field, const json& v) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) wrong_type(field, "an integer or null", v);
  const double d = v.get<double>();
  if (std::trunc(d) != d || std::fabs(d) > 1e9) wrong_type(field, "an integer or null", v);
  return static_cast<int>(d);
}

std::optional<bool> bool_value(const std::string& field, const json& v) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_boolean()) wrong_type(field, "true, false or null", v);
  return v.get<bool>();
}

std::optional<geo::Date> date_value(const std::string& field, const json& v) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) wrong_type(field, "a date \"YYYY-MM-DD\" or null", v);
  const auto d = geo::parse_date(v.get<std::string>());
  if (!d || !d->ok()) wrong_type(field, "a date \"YYYY-MM-DD\" or null", v);
  return d;
}

std::string date_text(const std::optional<geo::Date>& d) {
  return d ? geo::format_date(*d) : std::string("null");
}

// A field only its endpoint changes: the value given must be the one the tree has.
void require_unchanged(const std::string& field, const std::optional<geo::Date>& given,
                       const std::optional<geo::Date>& current, const char* endpoint) {
  if (given == current) return;
  throw invalid_value(field, "is " + date_text(current) + " and changes only through " + endpoint +
                                 " (given " + date_text(given) + ")");
}

using Setter = std::function<void(const std::string& field, const json& v, geo::Tree& t)>;

const std::map<std::string, Setter, std::less<>>& tree_setters() {
  static const std::map<std::string, Setter, std::less<>> setters = {
      {"source_id", [](const std::string& f, const json& v,
                       geo::Tree& t) { t.source_id = text_value(f, v, 64, false); }},
      {"site", [](const std::string& f, const json& v,
                  geo::Tree& t) { t.site = text_value(f, v, kMaxNameChars, false); }},
      {"district", [](const std::string& f, const json& v,
                      geo::Tree& t) { t.district = text_value(f, v, kMaxNameChars, false); }},
      {"species_botanical",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.species_botanical = text_value(f, v, kMaxNameChars, false);
       }},
      {"species_german",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.species_german = text_value(f, v, kMaxNameChars, false);
       }},
      {"genus", [](const std::string& f, const json& v,
                   geo::Tree& t) { t.genus = text_value(f, v, kMaxNameChars, false); }},
      {"development_phase",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.development_phase = text_value(f, v, kMaxNameChars, false);
       }},
      {"stem_circumferences_cm",
       [](const std::string& f, const json& v, geo::Tree& t) {
         std::vector<double> stems;
         if (!v.is_null()) {
           if (!v.is_array()) wrong_type(f, "an array of numbers (cm, one per stem)", v);
           if (v.size() > static_cast<std::size_t>(kMaxStems)) {
             throw invalid_value(
                 f, std::to_string(v.size()) + " stems, at most " + std::to_string(kMaxStems));
           }
           for (std::size_t i = 0; i < v.size(); ++i) {
             const auto name = f + "[" + std::to_string(i) + "]";
             if (v[i].is_null()) wrong_type(name, "a number", v[i]);
             stems.push_back(*number_value(name, v[i], "cm", kMaxCircumferenceCm));
           }
         }
         t.stem_circumferences_cm = std::move(stems);
       }},
      {"crown_diameter_m",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.crown_diameter_m =
             number_value(f, v, "m", kMaxCrownM, " (an unknown crown is null, never 0)");
       }},
      {"height_m", [](const std::string& f, const json& v,
                      geo::Tree& t) { t.height_m = number_value(f, v, "m", kMaxHeightM); }},
      {"planting_year",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.planting_year = integer_value(f, v);
         if (t.planting_year && *t.planting_year < 1000) {
           throw invalid_value(f, std::to_string(*t.planting_year) + " is before 1000");
         }
       }},
      {"vitality",
       [](const std::string& f, const json& v, geo::Tree& t) {
         t.vitality = integer_value(f, v);
         if (t.vitality && (*t.vitality < 0 || *t.vitality > 3)) {
           throw invalid_value(
               f, std::to_string(*t.vitality) + " is not a vitality stage after Roloff (0-3)");
         }
       }},
      {"columnar",
       [](const std::string& f, const json& v, geo::Tree& t) { t.columnar = bool_value(f, v); }},
      {"status",
       [](const std::string& f, const json& v, geo::Tree& t) {
         if (!v.is_string()) wrong_type(f, "\"existing\", \"planned\" or \"felled\"", v);
         const auto s = geo::tree_status_from_string(v.get<std::string>());
         if (!s) {
           throw invalid_value(f, shown(v) + " is none of existing, planned, felled");
         }
         if (*s == t.status) return;
         if (t.status == geo::TreeStatus::felled) {
           throw Problem{409,
                         "Tree is felled",
                         "tree " + std::to_string(t.id) + " was felled on " +
                             date_text(t.felled_on) +
                             ": a felled tree stays felled, its record is kept as evidence",
                         "about:blank",
                         {}};
         }
         if (*s == geo::TreeStatus::felled) {
           throw invalid_value(f,
                               "felled is recorded with a date and a reason through POST "
                               "/collections/trees/items/{id}/felling");
         }
         t.status = *s;
       }},
      {"felled_on",
       [](const std::string& f, const json& v, geo::Tree& t) {
         require_unchanged(f, date_value(f, v), t.felled_on,
                           "POST /collections/trees/items/{id}/felling");
       }},
      {"last_inspection",
       [](const std::string& f, const json& v, geo::Tree& t) {
         require_unchanged(f, date_value(f, v), t.last_inspection,
                           "POST /collections/trees/items/{id}/inspections");
       }},
      {"next_inspection",
       [](const std::string& f, const json& v, geo::Tree& t) {
         require_unchanged(f, date_value(f, v), t.next_inspection,
                           "POST /collections/trees/items/{id}/inspections");
       }},
      // Derived: written by the server, ignored when sent (a GET body can be PUT back).
      {"version", [](const std::string&, const json&, geo::Tree&) {}},
      {"updated_at", [](const std::string&, const json&, geo::Tree&) {}},
  };
  return setters;
}

const json* member(const json& o, const char* name) {
  const auto it = o.find(name);
  return it == o.end() ? nullptr : &*it;
}

}  // namespace

Problem invalid_value(const std::string& field, const std::string& detail) {
  return Problem{422, "Invalid value", field + ": " + detail, "about:blank", {}};
}

geo::Date berlin_today(geo::Timestamp now) { return geo::berlin_date(now); }

FeatureBody feature_body(const json& body, bool complete) {
  FeatureBody out;
  const auto* type = member(body, "type");
  if (type != nullptr || complete) {
    if (type == nullptr || !type->is_string() || *type != "Feature") {
      throw bad_body(
          "type: the body must be a GeoJSON Feature" +
          (type == nullptr ? std::string(" (no type given)") : " (got " + shown(*type) + ")"));
    }
  }
  for (const auto& [name, value] : body.items()) {
    // id and links come back from a GET; bbox is GeoJSON's; conflicts from a write's answer.
    if (name == "type" || name == "id" || name == "links" || name == "bbox" ||
        name == "conflicts") {
      continue;
    }
    if (name == "geometry") {
      out.geometry = &value;
    } else if (name == "properties") {
      if (!value.is_object()) wrong_type("properties", "an object", value);
      out.properties = value;
    } else {
      throw bad_body(name + ": not a member of a tree feature (type, geometry, properties)");
    }
  }
  if (complete && out.geometry == nullptr) {
    throw invalid_value("geometry", "a tree needs its location as a GeoJSON Point");
  }
  if (complete && !body.contains("properties")) {
    throw invalid_value("properties", "required (source_id at least)");
  }
  return out;
}

void apply_tree_properties(const json& properties, geo::Tree& tree) {
  const auto& setters = tree_setters();
  std::optional<json> is_protected, source, reason;
  for (const auto& [name, value] : properties.items()) {
    const std::string field = "properties." + name;
    if (name == "protected") {
      is_protected = value;
      continue;
    }
    if (name == "protection_source") {
      source = value;
      continue;
    }
    if (name == "protection_reason") {
      reason = value;
      continue;
    }
    const auto it = setters.find(name);
    if (it == setters.end()) {
      throw bad_body(field +
                     ": not a property of a tree (the trees' queryables and items "
                     "name them)");
    }
    it->second(field, value, tree);
  }

  // Protection: manual with a reason, or the ordinance's verdict (evaluated by the caller).
  if (source) {
    if (source->is_null()) {
      tree.protection.source = geo::ProtectionSource::ordinance;
    } else {
      if (!source->is_string()) wrong_type("properties.protection_source", "a string", *source);
      const auto s = geo::protection_source_from_string(source->get<std::string>());
      if (!s) {
        throw invalid_value("properties.protection_source",
                            shown(*source) + " is neither ordinance nor manual");
      }
      if (*s == geo::ProtectionSource::manual &&
          tree.protection.source != geo::ProtectionSource::manual) {
        // Protecting by hand is what a manual source is for, unless said otherwise.
        tree.protection = {true, geo::ProtectionSource::manual, ""};
      }
      tree.protection.source = *s;
    }
  }
  if (tree.protection.source == geo::ProtectionSource::manual) {
    if (is_protected) {
      const auto b = bool_value("properties.protected", *is_protected);
      if (!b) {
        throw invalid_value("properties.protected",
                            "a manual protection says true or false, not null");
      }
      tree.protection.is_protected = *b;
    }
    if (reason) {
      tree.protection.reason =
          text_value("properties.protection_reason", *reason, kMaxNameChars, false);
    }
    if (tree.protection.reason.empty()) {
      throw invalid_value("properties.protection_reason",
                          "a protection set by hand needs its reason (natural monument, "
                          "replacement planting, development-plan tree ...)");
    }
  } else {
    // Derived from the ordinance, but still checked for type: a client sending text where a
    // boolean belongs has a bug worth telling.
    if (is_protected && !is_protected->is_boolean() && !is_protected->is_null()) {
      wrong_type("properties.protected", "true or false", *is_protected);
    }
    if (reason && !reason->is_string() && !reason->is_null()) {
      wrong_type("properties.protection_reason", "a string", *reason);
    }
  }
}

void check_tree(const geo::Tree& tree, geo::Date today) {
  if (tree.source_id.empty()) {
    throw invalid_value("properties.source_id", "required: the city's tree number");
  }
  if (tree.planting_year) {
    const int this_year = static_cast<int>(today.year());
    const bool planned = tree.status == geo::TreeStatus::planned;
    const int latest = planned ? this_year + kPlannedYearsAhead : this_year;
    if (*tree.planting_year > latest) {
      throw invalid_value("properties.planting_year",
                          std::to_string(*tree.planting_year) + " lies after " +
                              std::to_string(latest) +
                              (planned ? "" : " (only a planned tree is planted in the future)"));
    }
    if (tree.felled_on && static_cast<int>(tree.felled_on->year()) < *tree.planting_year) {
      throw invalid_value("properties.planting_year", std::to_string(*tree.planting_year) +
                                                          " lies after the felling on " +
                                                          geo::format_date(*tree.felled_on));
    }
  }
}

geo::Tree replaceable_part_removed(const geo::Tree& stored) {
  geo::Tree t;
  t.id = stored.id;
  t.version = stored.version;
  t.status = stored.status;
  t.felled_on = stored.felled_on;
  t.last_inspection = stored.last_inspection;
  t.next_inspection = stored.next_inspection;
  return t;
}

geo::Inspection parse_inspection(const json& body, const std::string& caller, geo::Date today) {
  geo::Inspection i;
  i.inspector = caller;
  bool has_date = false, has_kind = false;
  for (const auto& [name, v] : body.items()) {
    if (name == "inspected_on") {
      const auto d = date_value(name, v);
      if (!d) throw invalid_value(name, "required: the day of the inspection");
      i.inspected_on = *d;
      has_date = true;
    } else if (name == "kind") {
      if (!v.is_string()) wrong_type(name, "\"regular\" or \"additional\"", v);
      const auto k = geo::inspection_kind_from_string(v.get<std::string>());
      if (!k) {
        throw invalid_value(name, shown(v) +
                                      " is neither regular (FLL Regelkontrolle) nor "
                                      "additional (Zusatzkontrolle)");
      }
      i.kind = *k;
      has_kind = true;
    } else if (name == "inspector") {
      i.inspector = text_value(name, v, kMaxNameChars, false);
      if (i.inspector.empty()) throw invalid_value(name, "names who inspected: not empty");
    } else if (name == "findings") {
      i.findings = text_value(name, v, kMaxTextChars, true);
    } else if (name == "measures") {
      i.measures = text_value(name, v, kMaxTextChars, true);
    } else if (name == "measures_deadline") {
      i.measures_deadline = date_value(name, v);
    } else if (name == "next_inspection") {
      i.next_inspection = date_value(name, v);
    } else {
      throw bad_body(name +
                     ": not a field of an inspection (inspected_on, kind, inspector, "
                     "findings, measures, measures_deadline, next_inspection)");
    }
  }
  if (!has_date) throw invalid_value("inspected_on", "required: the day of the inspection");
  if (!has_kind) throw invalid_value("kind", "required: regular or additional");
  if (i.inspected_on > today) {
    throw invalid_value("inspected_on", geo::format_date(i.inspected_on) +
                                            " lies in the future (today is " +
                                            geo::format_date(today) + ")");
  }
  if (i.measures_deadline && *i.measures_deadline < i.inspected_on) {
    throw invalid_value("measures_deadline",
                        geo::format_date(*i.measures_deadline) + " lies before the inspection");
  }
  if (i.next_inspection && *i.next_inspection <= i.inspected_on) {
    throw invalid_value("next_inspection",
                        geo::format_date(*i.next_inspection) + " must lie after the inspection");
  }
  return i;
}

core::Felling parse_felling(const json& body, geo::Date today) {
  core::Felling f;
  bool has_date = false;
  for (const auto& [name, v] : body.items()) {
    if (name == "felled_on") {
      const auto d = date_value(name, v);
      if (!d) throw invalid_value(name, "required: the day the tree was felled");
      f.felled_on = *d;
      has_date = true;
    } else if (name == "reason") {
      f.reason = text_value(name, v, kMaxTextChars, true);
    } else {
      throw bad_body(name + ": not a field of a felling (felled_on, reason)");
    }
  }
  if (!has_date) throw invalid_value("felled_on", "required: the day the tree was felled");
  if (f.reason.empty()) {
    throw invalid_value("reason",
                        "required: why the tree was felled (evidence, kept with the "
                        "history)");
  }
  if (f.felled_on > today) {
    throw invalid_value("felled_on", geo::format_date(f.felled_on) +
                                         " lies in the future (today is " +
                                         geo::format_date(today) + ")");
  }
  return f;
}

}  // namespace rootzone::api
