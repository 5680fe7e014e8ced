#include "rootzone/importers/mapping.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "rootzone/importers/errors.hpp"

namespace rootzone::importers {

using Json = nlohmann::json;

std::string_view to_string(RecordKind k) { return k == RecordKind::trees ? "trees" : "works"; }

const std::vector<std::string>& Mapping::canonical_fields(RecordKind kind) {
  static const std::vector<std::string> trees{"site",
                                              "district",
                                              "species_botanical",
                                              "species_german",
                                              "genus",
                                              "stem_circumferences_cm",
                                              "crown_diameter_m",
                                              "height_m",
                                              "planting_year",
                                              "vitality",
                                              "development_phase",
                                              "last_inspection",
                                              "next_inspection",
                                              "status",
                                              "felled_on",
                                              "columnar"};
  static const std::vector<std::string> works{"title",   "contractor", "contact", "kind",
                                              "width_m", "radius_m",   "depth_m", "starts_at",
                                              "ends_at", "status"};
  return kind == RecordKind::trees ? trees : works;
}

std::map<std::string, Limit> Mapping::default_limits(RecordKind kind) {
  if (kind == RecordKind::trees) {
    // The stoutest trees of German towns reach 7-9 m circumference; the tallest 45-50 m.
    return {{"stem_circumferences_cm", {800, 2000}},
            {"height_m", {50, 120}},
            {"crown_diameter_m", {40, 80}}};
  }
  return {{"width_m", {50, 1000}}, {"radius_m", {200, 5000}}, {"depth_m", {10, 100}}};
}

namespace {

[[noreturn]] void fail(const std::filesystem::path& origin, const std::string& where,
                       const std::string& what) {
  throw MappingError("mapping " + (origin.empty() ? std::string("(text)") : origin.string()) +
                     ": " + where + ": " + what);
}

std::string text_member(const Json& j, const char* key, const std::filesystem::path& origin,
                        const std::string& where) {
  if (!j.contains(key)) return {};
  if (!j[key].is_string()) fail(origin, where + "." + key, "must be a string");
  return j[key].get<std::string>();
}

void only_members(const Json& j, const std::set<std::string>& allowed,
                  const std::filesystem::path& origin, const std::string& where) {
  if (!j.is_object()) fail(origin, where, "must be an object");
  for (const auto& [key, value] : j.items()) {
    if (key.rfind("//", 0) == 0 || key == "comment") continue;  // comments
    if (!allowed.contains(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(origin, where.empty() ? key : where + "." + key,
           "unknown member (expected one of " + list + ")");
    }
  }
}

std::string scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  return {};
}

// Leaves `out` as it is when `key` is absent.
void bool_member(const Json& j, const char* key, const std::filesystem::path& origin,
                 const std::string& where, bool& out) {
  if (!j.contains(key)) return;
  if (!j[key].is_boolean()) fail(origin, where + "." + key, "must be true or false");
  out = j[key].get<bool>();
}

// Leaves `out` as it is when `key` is absent.
void scalar_member(const Json& j, const char* key, const std::filesystem::path& origin,
                   const std::string& where, std::optional<std::string>& out) {
  if (!j.contains(key)) return;
  if (!j[key].is_primitive() || j[key].is_null())
    fail(origin, where + "." + key, "must be a string or number");
  out = scalar_text(j[key]);
}

void parse_value_map(const Json& map, const std::filesystem::path& origin, const std::string& where,
                     FieldRule& r) {
  if (!map.is_object()) fail(origin, where + ".map", "must be an object");
  for (const auto& [k, v] : map.items()) {
    if (!v.is_primitive() || v.is_null())
      fail(origin, where + ".map." + k, "must be a string or number");
    r.value_map[k] = scalar_text(v);
  }
}

void parse_formats(const Json& f, const std::filesystem::path& origin, const std::string& where,
                   FieldRule& r) {
  if (f.is_string()) {
    r.formats.push_back(f.get<std::string>());
  } else if (f.is_array()) {
    for (const auto& e : f) {
      if (!e.is_string()) fail(origin, where + ".format", "must be a string or a list of strings");
      r.formats.push_back(e.get<std::string>());
    }
  } else {
    fail(origin, where + ".format", "must be a string or a list of strings");
  }
}

FieldRule parse_rule(const Json& j, const std::filesystem::path& origin, const std::string& where) {
  FieldRule r;
  if (j.is_string()) {
    r.from = j.get<std::string>();
    return r;
  }
  only_members(j,
               {"from", "value", "template", "transform", "prefix", "map", "map_strict", "default",
                "unit", "zero_means_unknown", "separator", "format", "timezone", "end_of_day"},
               origin, where);
  r.from = text_member(j, "from", origin, where);
  scalar_member(j, "value", origin, where, r.value);
  r.template_text = text_member(j, "template", origin, where);
  const int sources =
      (r.from.empty() ? 0 : 1) + (r.value ? 1 : 0) + (r.template_text.empty() ? 0 : 1);
  if (sources != 1) fail(origin, where, "needs exactly one of from, value, template");
  r.transform = text_member(j, "transform", origin, where);
  if (!r.transform.empty() && r.transform != "trim" && r.transform != "first_word" &&
      r.transform != "lower" && r.transform != "upper") {
    fail(origin, where + ".transform",
         "'" + r.transform + "' is not one of trim, first_word, lower, upper");
  }
  r.prefix = text_member(j, "prefix", origin, where);
  if (j.contains("map")) parse_value_map(j["map"], origin, where, r);
  bool_member(j, "map_strict", origin, where, r.map_strict);
  scalar_member(j, "default", origin, where, r.default_value);
  r.unit = text_member(j, "unit", origin, where);
  if (!r.unit.empty() && r.unit != "mm" && r.unit != "cm" && r.unit != "dm" && r.unit != "m") {
    fail(origin, where + ".unit", "'" + r.unit + "' is not one of mm, cm, dm, m");
  }
  bool_member(j, "zero_means_unknown", origin, where, r.zero_means_unknown);
  r.separator = text_member(j, "separator", origin, where);
  if (j.contains("format")) parse_formats(j["format"], origin, where, r);
  if (j.contains("timezone")) {
    r.timezone = text_member(j, "timezone", origin, where);
    if (r.timezone != "UTC" && r.timezone != "Europe/Berlin") {
      fail(origin, where + ".timezone", "'" + r.timezone + "' is not one of UTC, Europe/Berlin");
    }
  }
  bool_member(j, "end_of_day", origin, where, r.end_of_day);
  return r;
}

int parse_epsg(const Json& v, const std::filesystem::path& origin, const std::string& where) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (s.rfind("EPSG:", 0) == 0) s = s.substr(5);
    try {
      std::size_t used = 0;
      const int code = std::stoi(s, &used);
      if (used == s.size() && code > 0) return code;
    } catch (const std::exception&) {
    }
  }
  fail(origin, where, "must be an EPSG code such as \"EPSG:25832\" or 25832");
}

RecordKind parse_kind(const std::string& kind, const std::filesystem::path& origin) {
  if (kind == "trees") return RecordKind::trees;
  if (kind == "works") return RecordKind::works;
  fail(origin, "kind", "must be \"trees\" or \"works\"");
}

void parse_source(const Json& s, const std::filesystem::path& origin, Mapping& m) {
  only_members(s, {"open_options", "layer", "crs", "force_crs", "encoding", "decimal_separator"},
               origin, "source");
  if (s.contains("open_options")) {
    if (!s["open_options"].is_object()) fail(origin, "source.open_options", "must be an object");
    for (const auto& [k, v] : s["open_options"].items()) {
      if (!v.is_primitive() || v.is_null())
        fail(origin, "source.open_options." + k, "must be a string");
      m.open_options.emplace_back(k, scalar_text(v));
    }
  }
  m.layer = text_member(s, "layer", origin, "source");
  if (s.contains("crs")) m.crs_epsg = parse_epsg(s["crs"], origin, "source.crs");
  if (s.contains("force_crs")) {
    bool_member(s, "force_crs", origin, "source", m.force_crs);
    if (m.force_crs && !m.crs_epsg) fail(origin, "source.force_crs", "needs source.crs");
  }
  m.encoding = text_member(s, "encoding", origin, "source");
  const auto sep = text_member(s, "decimal_separator", origin, "source");
  if (!sep.empty()) {
    if (sep != "." && sep != ",")
      fail(origin, "source.decimal_separator", "must be \".\" or \",\"");
    m.decimal_separator = sep[0];
  }
}

void parse_geometry(const Json& g, const std::filesystem::path& origin, Mapping& m) {
  only_members(g, {"x", "y", "wkt"}, origin, "geometry");
  m.x_field = text_member(g, "x", origin, "geometry");
  m.y_field = text_member(g, "y", origin, "geometry");
  m.wkt_field = text_member(g, "wkt", origin, "geometry");
  if (m.x_field.empty() != m.y_field.empty()) fail(origin, "geometry", "x and y go together");
  if (!m.x_field.empty() && !m.wkt_field.empty())
    fail(origin, "geometry", "either x/y or wkt, not both");
}

void parse_fields(const Json& fields, const std::filesystem::path& origin, Mapping& m) {
  const auto& allowed = Mapping::canonical_fields(m.kind);
  if (!fields.is_object()) fail(origin, "fields", "must be an object");
  for (const auto& [k, v] : fields.items()) {
    if (k.rfind("//", 0) == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(origin, "fields." + k,
           "is not a canonical " + std::string(to_string(m.kind)) + " field (" + list + ")");
    }
    m.fields[k] = parse_rule(v, origin, "fields." + k);
  }
}

void parse_limits(const Json& limits, const std::filesystem::path& origin, Mapping& m) {
  if (!limits.is_object()) fail(origin, "limits", "must be an object");
  for (const auto& [k, v] : limits.items()) {
    if (!m.limits.contains(k)) fail(origin, "limits." + k, "has no plausibility limit");
    only_members(v, {"flag", "refuse"}, origin, "limits." + k);
    if (v.contains("flag")) m.limits[k].flag = v["flag"].get<double>();
    if (v.contains("refuse")) m.limits[k].refuse = v["refuse"].get<double>();
  }
}

}  // namespace

Mapping Mapping::from_json(std::string_view text, const std::filesystem::path& origin) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for "1e400"
    fail(origin, "JSON", e.what());
  }
  only_members(j, {"name", "kind", "description", "source", "geometry", "id", "fields", "limits"},
               origin, "");
  Mapping m;
  m.path = origin;
  m.name = text_member(j, "name", origin, "");
  if (m.name.empty()) fail(origin, "name", "is required");
  m.kind = parse_kind(text_member(j, "kind", origin, ""), origin);
  m.description = text_member(j, "description", origin, "");
  if (j.contains("source")) parse_source(j["source"], origin, m);
  if (j.contains("geometry")) parse_geometry(j["geometry"], origin, m);
  if (!j.contains("id")) fail(origin, "id", "is required: the source's stable record id");
  m.id = parse_rule(j["id"], origin, "id");
  if (j.contains("fields")) parse_fields(j["fields"], origin, m);
  m.limits = default_limits(m.kind);
  if (j.contains("limits")) parse_limits(j["limits"], origin, m);
  return m;
}

Mapping Mapping::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MappingError("mapping " + path.string() + ": cannot be read (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path);
}

}  // namespace rootzone::importers
