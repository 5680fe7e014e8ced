// WZDx 4.x WorkZoneFeeds (US DOT Work Zone Data Exchange): one work per `work-zone` road
// event; detours are skipped with a reason. Each feature is checked against the official
// schema of the feed's own version (wzdx_schema.hpp), then against what the schema can't
// express: the spec's business rules ("Creating a WZDx feed": every core_details.data_source_id
// is declared in feed_info.data_sources; all times are UTC), an end after the start, ids unique
// in the feed, and a geometry inside the store CRS's area.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "import_common.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/support/json_nesting.hpp"
#include "values.hpp"
#include "work_writer.hpp"
#include "wzdx_schema.hpp"

namespace rootzone::importers::detail {

using Json = nlohmann::json;

namespace {

// WZDx TypeOfWork.type_name -> our kind. The most root-harmful kind of a road event's list
// wins (order below); no list: a lane closure without known works, traffic management.
const std::vector<std::pair<std::string, geo::WorkKind>>& type_of_work_kinds() {
  static const std::vector<std::pair<std::string, geo::WorkKind>> kinds{
      {"below-road-work", geo::WorkKind::trench},
      {"roadway-creation", geo::WorkKind::surface},
      {"roadway-relocation", geo::WorkKind::surface},
      {"surface-work", geo::WorkKind::surface},
      {"minor-road-defect-repair", geo::WorkKind::surface},
      {"maintenance", geo::WorkKind::surface},
      {"roadside-work", geo::WorkKind::surface},
      {"painting", geo::WorkKind::surface},
      {"overhead-work", geo::WorkKind::crane},
      {"barrier-work", geo::WorkKind::site_facility},
  };
  return kinds;
}

std::string text_of(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
  return j[key].get<std::string>();
}

// RFC 3339 in UTC: "...Z" or an offset of +00:00.
bool utc_text(const std::string& t) {
  return !t.empty() &&
         (t.back() == 'Z' || t.back() == 'z' || t.ends_with("+00:00") || t.ends_with("-00:00"));
}

// Hostile feeds: a feed larger than this is not read (its DOM would take about ten times as
// much memory), and one nested deeper is refused before parsing (copies and dumps of nlohmann
// values recurse). WZDx's own structure is at most 8 levels deep.
constexpr std::uintmax_t kMaxFeedBytes = 256u << 20;
constexpr std::size_t kMaxNesting = 64;
// A feature's violations listed one by one in the report; the rest are counted.
constexpr std::size_t kMaxViolationsListed = 20;

// The value at a violation, short: text as is, numbers as written, containers by size.
std::string value_at(const Json& root, const std::string& pointer) {
  const Json* v = &root;
  try {
    v = &root.at(Json::json_pointer(pointer));
  } catch (const Json::exception&) {
    return {};
  }
  std::string out;
  if (v->is_string()) {
    out = v->get<std::string>();
  } else if (v->is_array()) {
    out = v->empty() ? "[]" : "array of " + std::to_string(v->size());
  } else if (v->is_object()) {
    out = v->empty() ? "{}" : "object of " + std::to_string(v->size()) + " members";
  } else {
    out = v->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  if (out.size() > 120) {
    std::size_t cut = 117;  // not inside a UTF-8 sequence
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

struct DataSource {
  std::string organization;
  std::string contact;
};

// The feed's road events, one work each, as the works writer asks for them; every problem
// goes into the report.
class WzdxReader {
 public:
  WzdxReader(const Json& features, const WzdxSchema& schema,
             std::map<std::string, DataSource> sources, std::string publisher,
             const CrsGuard& guard, ProblemReport& report, std::string file)
      : features_(features),
        schema_(schema),
        sources_(std::move(sources)),
        publisher_(std::move(publisher)),
        guard_(guard),
        report_(report),
        file_(std::move(file)) {}

  bool operator()(MappedWork& m) {
    if (next_ == features_.size()) return false;
    map(features_[next_++], m);
    return true;
  }

 private:
  void map(const Json& f, MappedWork& m);
  void problem(MappedWork& m, Severity sev, std::string field, std::string value,
               std::string why) const;
  bool check_schema(MappedWork& m, const Json& f) const;
  bool check_core_details(MappedWork& m, const Json& core) const;
  void assign_source(MappedWork& m, const std::string& source_id) const;
  static geo::WorkKind kind_of(const Json& p);
  void read_time_window(MappedWork& m, const Json& p) const;
  void check_unique(MappedWork& m, const std::string& id);
  void read_geometry(MappedWork& m, const Json& gj) const;

  const Json& features_;
  const WzdxSchema& schema_;
  const std::map<std::string, DataSource> sources_;
  const std::string publisher_;
  const CrsGuard& guard_;
  ProblemReport& report_;
  const std::string file_;
  std::size_t next_ = 0;
  std::int64_t record_ = 0;
  std::unordered_map<std::string, std::int64_t> seen_;
};

bool refused(const MappedWork& m) { return m.fate == MappedWork::Fate::refused; }

void WzdxReader::problem(MappedWork& m, Severity sev, std::string field, std::string value,
                         std::string why) const {
  if (sev == Severity::refused) m.fate = MappedWork::Fate::refused;
  report_.add({sev, m.at.file, m.at.record, m.at.line, m.at.id, std::move(field), std::move(value),
               std::move(why)});
}

// Every violation of the schema of the feed's version, at its JSON Pointer inside the feature.
bool WzdxReader::check_schema(MappedWork& m, const Json& f) const {
  const auto violations = schema_.check_feature(f);
  const std::string why = "schema: WZDx " + schema_.version() + " (" + schema_.feed_document() +
                          ", RoadEventFeature.json): ";
  for (std::size_t i = 0; i < violations.size() && i < kMaxViolationsListed; ++i) {
    const auto& v = violations[i];
    problem(m, Severity::refused, v.pointer.empty() ? "/" : v.pointer, value_at(f, v.pointer),
            why + v.message);
  }
  if (violations.size() > kMaxViolationsListed) {
    problem(m, Severity::refused, "/", "",
            why + std::to_string(violations.size() - kMaxViolationsListed) +
                " more violations not listed");
  }
  return violations.empty();
}

// False for a detour, which is skipped rather than mapped. The schema has checked the members'
// presence and types, and that the event type is work-zone or detour.
bool WzdxReader::check_core_details(MappedWork& m, const Json& core) const {
  const auto event_type = text_of(core, "event_type");
  if (event_type == "detour") {
    problem(m, Severity::skipped, "/properties/core_details/event_type", event_type,
            "detour: a detour route is no work site, not imported");
    m.fate = MappedWork::Fate::skipped;
    return false;
  }
  const auto source_id = text_of(core, "data_source_id");
  if (!sources_.contains(source_id)) {
    problem(m, Severity::refused, "/properties/core_details/data_source_id", source_id,
            "WZDx: data_source_id not in feed_info.data_sources");
  }
  return true;
}

void WzdxReader::assign_source(MappedWork& m, const std::string& source_id) const {
  m.work.source = "wzdx " + publisher_;
  if (const auto it = sources_.find(source_id); it != sources_.end()) {
    m.work.contractor = it->second.organization;
    m.work.contact = it->second.contact;
  }
}

std::string title_of(const Json& core) {
  std::string roads;
  if (core.contains("road_names") && core["road_names"].is_array()) {
    for (const auto& r : core["road_names"]) {
      if (r.is_string()) roads += (roads.empty() ? "" : ", ") + r.get<std::string>();
    }
  }
  const auto description = text_of(core, "description");
  return roads + (description.empty() ? "" : (roads.empty() ? "" : ": ") + description);
}

// The most root-harmful of the types of work.
geo::WorkKind WzdxReader::kind_of(const Json& p) {
  const auto& kinds = type_of_work_kinds();
  std::size_t best = kinds.size();
  if (p.contains("types_of_work") && p["types_of_work"].is_array()) {
    for (const auto& t : p["types_of_work"]) {
      const auto name = text_of(t, "type_name");
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (kinds[i].first == name && i < best) best = i;
      }
    }
  }
  return best < kinds.size() ? kinds[best].second : geo::WorkKind::traffic_management;
}

// RFC 3339 (the schema's date-time format), in UTC, the end after the start.
void WzdxReader::read_time_window(MappedWork& m, const Json& p) const {
  std::optional<geo::Timestamp> times[2];
  const char* keys[2] = {"start_date", "end_date"};
  for (int i = 0; i < 2; ++i) {
    const auto t = text_of(p, keys[i]);
    if (t.empty()) continue;
    times[i] = parse_time(t, {"iso8601"}, "UTC", false);
    if (!times[i]) {
      problem(m, Severity::refused, std::string("/properties/") + keys[i], t,
              std::string("unparsable date: ") + keys[i] + " is not RFC 3339 date-time");
    } else if (!utc_text(t)) {
      problem(m, Severity::refused, std::string("/properties/") + keys[i], t,
              "WZDx: all times are UTC (\"Z\"), this one has another offset");
    }
  }
  if (times[0] && times[1]) {
    m.work.starts_at = *times[0];
    m.work.ends_at = *times[1];
    if (*times[1] < *times[0]) {
      problem(m, Severity::refused, "/properties/end_date", text_of(p, "end_date"),
              "end before start: end_date " + text_of(p, "end_date") + " is before start_date " +
                  text_of(p, "start_date"));
    }
  }
}

void WzdxReader::check_unique(MappedWork& m, const std::string& id) {
  if (id.empty()) return;
  const auto [it, fresh] = seen_.emplace(id, m.at.record);
  if (!fresh) {
    problem(m, Severity::refused, "/id", id,
            "duplicate id: also feature " + std::to_string(it->second) +
                " of this feed; the first one is imported");
  }
}

// LineString or MultiPoint (the schema has checked that).
void WzdxReader::read_geometry(MappedWork& m, const Json& gj) const {
  const auto type = text_of(gj, "type");
  GeometryPtr g(OGR_G_CreateGeometryFromJson(gj.dump().c_str()));
  if (!g) {
    problem(m, Severity::refused, "/geometry", type, "invalid geometry: not GeoJSON");
    return;
  }
  const auto sink = [&](Severity sev, std::string field, std::string value, std::string why) {
    problem(m, sev, std::move(field), std::move(value), std::move(why));
  };
  if (prepare_geometry(g.get(), guard_, sink, "/geometry")) {
    std::vector<std::uint8_t> wkb(static_cast<std::size_t>(OGR_G_WkbSize(g.get())));
    OGR_G_ExportToIsoWkb(g.get(), wkbNDR, wkb.data());
    m.work.geometry = geo::Geometry(std::move(wkb));
  }
}

void WzdxReader::map(const Json& f, MappedWork& m) {
  m.at = {file_, ++record_, std::nullopt, text_of(f, "id")};
  if (!check_schema(m, f)) return;
  const auto& p = f["properties"];
  const std::string id = text_of(f, "id");
  const auto& core = p["core_details"];
  if (!check_core_details(m, core)) return;
  auto& w = m.work;
  w.reference = id;
  w.status = geo::WorkStatus::approved;  // a DOT publishes works it has authorised
  assign_source(m, text_of(core, "data_source_id"));
  w.title = title_of(core);
  w.kind = kind_of(p);
  read_time_window(m, p);
  check_unique(m, id);
  if (refused(m)) return;
  read_geometry(m, f["geometry"]);
}

}  // namespace

ImportResult import_wzdx(storage::Store& store, const ImportOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::string file = o.file.string();
  std::error_code ec;
  if (!std::filesystem::exists(o.file, ec)) throw InputMissing("input " + file + ": no such file");
  if (o.mapping) {
    throw MappingError("WZDx feeds are read with the built-in WZDx mapping: drop --mapping");
  }
  const auto bytes = std::filesystem::file_size(o.file, ec);
  if (!ec && bytes > kMaxFeedBytes) {
    throw InputUnreadable("input " + file + ": WZDx feed of " + std::to_string(bytes) +
                          " bytes, more than the " + std::to_string(kMaxFeedBytes >> 20) +
                          " MiB rootzone reads");
  }
  std::ifstream in(o.file, std::ios::binary);
  std::ostringstream read;
  read << in.rdbuf();
  const std::string text = std::move(read).str();
  if (const auto [depth, at] = support::json_nesting(text, kMaxNesting); depth > kMaxNesting) {
    throw InputUnreadable("input " + file + ": not a WZDx feed: JSON nested deeper than " +
                          std::to_string(kMaxNesting) + " levels (at byte " + std::to_string(at) +
                          ")");
  }
  Json feed;
  try {
    feed = Json::parse(text);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for "1e400"
    throw InputUnreadable("input " + file + ": not a WZDx feed: " + e.what());
  }
  // The version chooses the schema; 4.0 names the header road_event_feed_info, 4.1 and 4.2
  // feed_info (and still accept the old name).
  const Json* info = nullptr;
  if (feed.is_object()) {
    for (const char* key : {"feed_info", "road_event_feed_info"}) {
      if (!info && feed.contains(key) && feed[key].is_object()) info = &feed[key];
    }
  }
  if (!info || !info->contains("version")) {
    throw InputUnreadable("input " + file +
                          ": not a WZDx feed: no feed_info.version (nor road_event_feed_info."
                          "version) to choose the schema by");
  }
  if (!(*info)["version"].is_string()) {
    throw InputUnreadable("input " + file + ": WZDx: feed_info.version must be text such as " +
                          "\"4.2\", not " + value_at(*info, "/version"));
  }
  const auto version = text_of(*info, "version");
  const auto* schema = WzdxSchema::for_version(version);
  if (!schema) {
    throw InputUnreadable("input " + file + ": WZDx version '" + value_at(*info, "/version") +
                          "' is not supported: rootzone validates feeds against the schemas of " +
                          WzdxSchema::supported_versions());
  }
  // The header against the feed document, the features left out: each is checked on its own.
  Json header = Json::object();
  for (const auto& [key, value] : feed.items()) {
    if (key != "features" || !value.is_array()) header[key] = value;
  }
  if (feed.contains("features") && feed["features"].is_array()) header["features"] = Json::array();
  if (const auto violations = schema->check_header(header); !violations.empty()) {
    std::string list;
    for (std::size_t i = 0; i < violations.size() && i < kMaxViolationsListed; ++i) {
      list += "\n  " + (violations[i].pointer.empty() ? "/" : violations[i].pointer) + " (" +
              value_at(header, violations[i].pointer) + "): " + violations[i].message;
    }
    if (violations.size() > kMaxViolationsListed) {
      list += "\n  and " + std::to_string(violations.size() - kMaxViolationsListed) + " more";
    }
    throw InputUnreadable("input " + file + ": not a valid WZDx " + version + " feed (schema " +
                          schema->feed_document() + "):" + list);
  }
  std::map<std::string, DataSource> sources;
  for (const auto& ds : (*info)["data_sources"]) {
    const auto id = text_of(ds, "data_source_id");
    if (!id.empty()) sources[id] = {text_of(ds, "organization_name"), text_of(ds, "contact_email")};
  }

  ImportResult result;
  auto* wgs84 = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(wgs84, 4326);
  const SrsPtr srs(wgs84);
  const CrsGuard guard(srs.get(), store.srid());
  const auto& features = feed["features"];
  Progress progress(o, static_cast<std::int64_t>(features.size()));
  WzdxReader reader(features, *schema, std::move(sources), text_of(*info, "publisher"), guard,
                    result.report, file);
  // The feed sets every field of a work it has.
  const auto all_mapped = [](const char*) { return true; };
  write_works(store, o, result, progress, all_mapped, std::ref(reader));
  result.summary.seconds = seconds_since(start);
  return result;
}

}  // namespace rootzone::importers::detail
