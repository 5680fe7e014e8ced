#pragma once
// A mapping profile: how one source (a city's cadastre export, a state's roadworks feed) turns
// into canonical trees or works. Declarative JSON, documented in docs/importers.md; a new city
// needs a new mapping file, not new C++.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootzone::importers {

enum class RecordKind { trees, works };
std::string_view to_string(RecordKind k);

// How one canonical field gets its value from a source record.
struct FieldRule {
  std::string from;                  // source field name; empty with `value` or `template`
  std::optional<std::string> value;  // a constant
  std::string template_text;         // "{strasse}: {art_der_arbeiten}"
  std::string transform;             // "", "trim", "first_word", "lower", "upper"
  std::string prefix;                // prepended to a non-empty text ("RLP:")
  std::map<std::string, std::string, std::less<>> value_map;  // source text -> canonical text
  // With a value map: a value not in the map is a problem (false: it passes through).
  bool map_strict = true;
  std::optional<std::string> default_value;  // used when the source value is empty
  std::string unit;                          // numbers: source unit, "mm", "cm", "dm", "m"
  bool zero_means_unknown = false;           // numbers: 0 is a placeholder for "not measured"
  std::string separator;                     // several values in one field ("45;60" stems)
  std::vector<std::string> formats;          // times and dates: "%d.%m.%Y %H:%M", "iso8601"
  std::string timezone = "UTC";              // times without offset: "UTC" or "Europe/Berlin"
  bool end_of_day = false;                   // a date without a time ends at 23:59:59 local
};

// Plausibility limits: above `flag` a value is imported and flagged, above `refuse` (or
// negative) the record is refused. Defaults in docs/importers.md.
struct Limit {
  double flag = 0;
  double refuse = 0;
};

struct Mapping {
  std::string name;  // "konstanz-baumkataster-2020"
  RecordKind kind = RecordKind::trees;
  std::string description;     // where the source comes from
  std::filesystem::path path;  // the file it was loaded from, empty when built in code

  // ---- how to open the source
  std::vector<std::pair<std::string, std::string>> open_options;  // GDAL open options
  std::string layer;                                              // empty: the first layer
  std::optional<int> crs_epsg;   // source CRS when the file has none
  bool force_crs = false;        // use crs_epsg even when the file names one
  std::string encoding;          // source text encoding ("ISO-8859-1"); empty: UTF-8
  char decimal_separator = '.';  // ',' for "12,5"

  // ---- geometry: the layer's own, or a point from x/y columns, or a WKT column
  std::string x_field;
  std::string y_field;
  std::string wkt_field;

  // ---- canonical fields; "id" is required: the stable source id used for upserts
  FieldRule id;
  std::map<std::string, FieldRule> fields;

  // ---- plausibility, by canonical field name
  std::map<std::string, Limit> limits;

  // Parses a mapping; MappingError names the member ("fields.height_m.unit: 'ft' is not one
  // of mm, cm, dm, m").
  static Mapping from_json(std::string_view text, const std::filesystem::path& origin = {});
  // Reads the file (MappingError when it is missing or unreadable).
  static Mapping load(const std::filesystem::path& path);

  // Canonical field names a mapping may set, per kind.
  static const std::vector<std::string>& canonical_fields(RecordKind kind);
  // Default plausibility limits per kind.
  static std::map<std::string, Limit> default_limits(RecordKind kind);
};

}  // namespace rootzone::importers
