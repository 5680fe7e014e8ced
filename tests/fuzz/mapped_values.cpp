// Values as cities write them, through a mapping's field rules (importers/src/values.cpp,
// record_mapper.cpp): numbers with decimal commas and units, lists of numbers with a
// separator, dates and times in patterns and time zones, value maps, templates, prefixes,
// transforms, ISO-8859-1 text. The first byte chooses one of three profiles; the rest is one
// source record, its fields separated by '\n' (a field of the single byte 0x7f is null). Each
// field is also given to the value parsers directly. Every problem must land in the report,
// never escape as an exception; what is mapped must be finite, and text valid UTF-8.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "record_mapper.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/mapping.hpp"
#include "rootzone/importers/problem_report.hpp"
#include "values.hpp"

namespace importers = rootzone::importers;
namespace detail = rootzone::importers::detail;
using rootzone::fuzz::require;

namespace {

// Source fields are f0 ... f9; each profile uses every rule kind a real one does.
constexpr const char* kTreesComma = R"({
  "name": "fuzz-trees-comma", "kind": "trees",
  "source": {"crs": "EPSG:25832", "encoding": "ISO-8859-1", "decimal_separator": ","},
  "geometry": {"x": "f8", "y": "f9"},
  "id": {"from": "f0", "prefix": "KN:", "transform": "trim"},
  "fields": {
    "species_botanical": "f1",
    "genus": {"from": "f1", "transform": "first_word"},
    "stem_circumferences_cm": {"from": "f2", "unit": "mm", "separator": "/", "zero_means_unknown": true},
    "crown_diameter_m": {"from": "f3", "unit": "dm"},
    "height_m": {"from": "f4", "unit": "m", "default": "0"},
    "planting_year": "f5",
    "last_inspection": {"from": "f6", "format": ["%d.%m.%Y", "iso8601"]},
    "status": {"from": "f7", "map": {"Bestand": "existing", "Plan": "planned", "gefällt": "felled"}}
  },
  "limits": {"stem_circumferences_cm": {"flag": 800, "refuse": 2000}}
})";

constexpr const char* kTreesDot = R"({
  "name": "fuzz-trees-dot", "kind": "trees",
  "source": {"crs": "EPSG:4326"},
  "geometry": {"wkt": "f9"},
  "id": "f0",
  "fields": {
    "site": {"template": "{f1} {f2}"},
    "species_german": {"from": "f1", "transform": "upper"},
    "stem_circumferences_cm": {"from": "f2", "unit": "cm", "separator": ";"},
    "crown_diameter_m": {"from": "f3", "unit": "m", "zero_means_unknown": true},
    "vitality": "f4",
    "next_inspection": {"from": "f5", "format": "%Y-%m-%d"},
    "felled_on": {"from": "f6", "format": ["iso8601"]},
    "columnar": "f7",
    "district": {"from": "f8", "map": {"A": "Altstadt"}, "map_strict": false, "transform": "lower"}
  }
})";

constexpr const char* kWorks = R"({
  "name": "fuzz-works", "kind": "works",
  "source": {"crs": "EPSG:25832"},
  "geometry": {"wkt": "f9"},
  "id": {"from": "f0", "prefix": "RLP:"},
  "fields": {
    "title": {"template": "{f1}: {f2}"},
    "kind": {"from": "f3", "map": {"Graben": "trench", "Kran": "crane"}},
    "width_m": {"from": "f4", "unit": "cm"},
    "depth_m": {"from": "f5", "unit": "m"},
    "starts_at": {"from": "f6", "format": ["%d.%m.%Y %H:%M", "iso8601"], "timezone": "Europe/Berlin"},
    "ends_at": {"from": "f7", "format": ["%d.%m.%Y", "%Y-%m-%dT%H:%M:%S%z"], "timezone": "Europe/Berlin", "end_of_day": true},
    "status": {"value": "approved"},
    "radius_m": {"from": "f8", "unit": "m", "default": "5"}
  }
})";

const importers::Mapping& profile(unsigned i) {
  static const importers::Mapping profiles[] = {importers::Mapping::from_json(kTreesComma),
                                                importers::Mapping::from_json(kTreesDot),
                                                importers::Mapping::from_json(kWorks)};
  return profiles[i % 3U];
}

void check_text(std::optional<std::string_view> t) {
  if (t) require(detail::valid_utf8(*t), "mapped text is not UTF-8");
}

void check_number(std::optional<double> v) {
  if (v) require(std::isfinite(*v), "a mapped number is not finite");
}

void map_record(const importers::Mapping& m,
                const std::vector<std::optional<std::string>>& fields) {
  std::vector<std::string> available;
  for (int i = 0; i < 10; ++i) available.push_back("f" + std::to_string(i));
  const auto lookup = [](std::string_view name) {
    if (name.size() == 2 && name[0] == 'f' && name[1] >= '0' && name[1] <= '9')
      return name[1] - '0';
    return -1;
  };
  importers::ProblemReport report;
  detail::RecordMapper mapper(m, lookup, available, report, "fuzz.csv");
  mapper.begin(1, 2, [&](int i) -> std::optional<std::string_view> {
    const auto& f = fields.at(static_cast<std::size_t>(i));
    if (!f) return std::nullopt;
    return std::string_view(*f);
  });
  check_text(mapper.id());
  for (const char* name :
       {"site", "district", "species_botanical", "species_german", "genus", "development_phase",
        "status", "title", "contractor", "contact", "kind"}) {
    check_text(mapper.text(name));
  }
  for (const double v : mapper.numbers("stem_circumferences_cm", "cm")) check_number(v);
  for (const char* name : {"crown_diameter_m", "height_m", "width_m", "radius_m", "depth_m"}) {
    check_number(mapper.number(name, "m"));
  }
  (void)mapper.integer("planting_year", 1000, 3000);
  if (const auto v = mapper.integer("vitality", 0, 3)) require(*v >= 0 && *v <= 3, "vitality");
  for (const char* name : {"last_inspection", "next_inspection", "felled_on"}) {
    if (const auto d = mapper.date(name)) require(d->ok(), "an impossible date was mapped");
  }
  (void)mapper.boolean("columnar");
  if (m.kind == importers::RecordKind::works) {
    (void)mapper.time("starts_at", true);
    (void)mapper.time("ends_at", true);
  }
  for (const int i : {mapper.geometry_x, mapper.geometry_y, mapper.geometry_wkt}) {
    if (i >= 0) check_text(mapper.raw(i, "geometry"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& m = profile(data[0]);
  std::vector<std::optional<std::string>> fields(10);
  std::string_view rest = rootzone::fuzz::as_text(data + 1, size - 1);
  for (std::size_t i = 0; i < fields.size() && !rest.empty(); ++i) {
    const auto nl = rest.find('\n');
    const auto piece = rest.substr(0, nl);
    if (piece != "\x7f") fields[i] = std::string(piece);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  static const std::vector<std::string> kFormats = {"%d.%m.%Y %H:%M", "iso8601", "%Y%m%d%H%M%S%z"};
  try {
    for (const auto& f : fields) {
      if (!f) continue;
      check_number(detail::parse_number(*f, ','));
      check_number(detail::parse_number(*f, '.'));
      (void)detail::parse_time(*f, kFormats, "Europe/Berlin", (data[0] & 8U) != 0);
      (void)detail::parse_time(*f, kFormats, "UTC", false);
      if (const auto d = detail::parse_calendar_date(*f, kFormats)) {
        require(d->ok(), "an impossible calendar date was parsed");
      }
      (void)detail::valid_utf8(*f);
    }
    map_record(m, fields);
  } catch (const std::exception& e) {
    rootzone::fuzz::unexpected(e);
  }
  return 0;
}
