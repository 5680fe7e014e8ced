// WZDx 4.x WorkZoneFeeds (US DOT Work Zone Data Exchange): one work per `work-zone` road
// event; detours are skipped with a reason. Checks what the schema requires of the fields
// used here and the spec's business rules the schema can't check ("Creating a WZDx feed"):
// every core_details.data_source_id is declared in feed_info.data_sources; all times are UTC.
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
#include "values.hpp"
#include "work_writer.hpp"

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

struct DataSource {
  std::string organization;
  std::string contact;
};

// The feed's road events, one work each, as the works writer asks for them; every problem
// goes into the report.
class WzdxReader {
 public:
  WzdxReader(const Json& features, std::map<std::string, DataSource> sources, std::string publisher,
             const CrsGuard& guard, ProblemReport& report, std::string file)
      : features_(features),
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
  bool require(MappedWork& m, const Json& obj, const char* key, const std::string& where) const;
  bool check_core_details(MappedWork& m, const Json& core) const;
  void check_required_properties(MappedWork& m, const Json& p) const;
  void assign_source(MappedWork& m, const std::string& source_id) const;
  geo::WorkKind kind_of(MappedWork& m, const Json& p) const;
  void read_time_window(MappedWork& m, const Json& p) const;
  void check_unique(MappedWork& m, const std::string& id);
  void read_geometry(MappedWork& m, const Json& gj) const;

  const Json& features_;
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

bool WzdxReader::require(MappedWork& m, const Json& obj, const char* key,
                         const std::string& where) const {
  if (obj.is_object() && obj.contains(key) && !obj[key].is_null()) return true;
  problem(m, Severity::refused, where + key, "",
          "missing required field: WZDx " + where + key + " (RoadEventFeature.json)");
  return false;
}

// False for a detour, which is skipped rather than mapped.
bool WzdxReader::check_core_details(MappedWork& m, const Json& core) const {
  for (const char* key : {"event_type", "data_source_id", "direction", "road_names"}) {
    require(m, core, key, "core_details.");
  }
  const auto event_type = text_of(core, "event_type");
  if (event_type == "detour") {
    problem(m, Severity::skipped, "core_details.event_type", event_type,
            "detour: a detour route is no work site, not imported");
    m.fate = MappedWork::Fate::skipped;
    return false;
  }
  if (!refused(m) && event_type != "work-zone") {
    problem(m, Severity::refused, "core_details.event_type", event_type,
            "not a work zone: WZDx event_type '" + event_type + "' (work-zone, detour)");
  }
  const auto source_id = text_of(core, "data_source_id");
  if (!source_id.empty() && !sources_.contains(source_id)) {
    problem(m, Severity::refused, "core_details.data_source_id", source_id,
            "WZDx: data_source_id not in feed_info.data_sources");
  }
  return true;
}

void WzdxReader::check_required_properties(MappedWork& m, const Json& p) const {
  for (const char* key : {"start_date", "end_date", "vehicle_impact", "location_method"}) {
    require(m, p, key, "properties.");
  }
  const std::pair<const char*, const char*> either[] = {
      {"is_start_date_verified", "start_date_accuracy"},
      {"is_end_date_verified", "end_date_accuracy"},
      {"is_start_position_verified", "beginning_accuracy"},
      {"is_end_position_verified", "ending_accuracy"}};
  for (const auto& [a, b] : either) {
    if (!p.contains(a) && !p.contains(b)) {
      problem(m, Severity::refused, std::string("properties.") + a, "",
              std::string("missing required field: WZDx properties.") + a + " or " + b +
                  " (RoadEventFeature.json)");
    }
  }
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
geo::WorkKind WzdxReader::kind_of(MappedWork& m, const Json& p) const {
  const auto& kinds = type_of_work_kinds();
  std::size_t best = kinds.size();
  if (p.contains("types_of_work") && p["types_of_work"].is_array()) {
    for (const auto& t : p["types_of_work"]) {
      const auto name = text_of(t, "type_name");
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (kinds[i].first == name && i < best) best = i;
      }
      if (name.empty()) {
        problem(m, Severity::refused, "types_of_work.type_name", "",
                "missing required field: WZDx TypeOfWork.type_name");
      }
    }
  }
  return best < kinds.size() ? kinds[best].second : geo::WorkKind::traffic_management;
}

// RFC 3339, UTC.
void WzdxReader::read_time_window(MappedWork& m, const Json& p) const {
  std::optional<geo::Timestamp> times[2];
  const char* keys[2] = {"start_date", "end_date"};
  for (int i = 0; i < 2; ++i) {
    const auto t = text_of(p, keys[i]);
    if (t.empty()) continue;
    times[i] = parse_time(t, {"iso8601"}, "UTC", false);
    if (!times[i]) {
      problem(m, Severity::refused, std::string("properties.") + keys[i], t,
              std::string("unparsable date: ") + keys[i] + " is not RFC 3339 date-time");
    } else if (!utc_text(t)) {
      problem(m, Severity::refused, std::string("properties.") + keys[i], t,
              "WZDx: all times are UTC (\"Z\"), this one has another offset");
    }
  }
  if (times[0] && times[1]) {
    m.work.starts_at = *times[0];
    m.work.ends_at = *times[1];
    if (*times[1] < *times[0]) {
      problem(m, Severity::refused, "properties.end_date", text_of(p, "end_date"),
              "end before start: end_date " + text_of(p, "end_date") + " is before start_date " +
                  text_of(p, "start_date"));
    }
  }
}

void WzdxReader::check_unique(MappedWork& m, const std::string& id) {
  if (id.empty()) return;
  const auto [it, fresh] = seen_.emplace(id, m.at.record);
  if (!fresh) {
    problem(m, Severity::refused, "id", id,
            "duplicate id: also feature " + std::to_string(it->second) +
                " of this feed; the first one is imported");
  }
}

// LineString or MultiPoint (RoadEventFeature.json).
void WzdxReader::read_geometry(MappedWork& m, const Json& gj) const {
  const auto type = text_of(gj, "type");
  if (type != "LineString" && type != "MultiPoint") {
    problem(m, Severity::refused, "geometry", type,
            "invalid geometry: WZDx road events are LineString or MultiPoint");
    return;
  }
  GeometryPtr g(OGR_G_CreateGeometryFromJson(gj.dump().c_str()));
  if (!g) {
    problem(m, Severity::refused, "geometry", type, "invalid geometry: not GeoJSON");
    return;
  }
  const auto sink = [&](Severity sev, std::string field, std::string value, std::string why) {
    problem(m, sev, std::move(field), std::move(value), std::move(why));
  };
  if (prepare_geometry(g.get(), guard_, sink, "geometry")) {
    std::vector<std::uint8_t> wkb(static_cast<std::size_t>(OGR_G_WkbSize(g.get())));
    OGR_G_ExportToIsoWkb(g.get(), wkbNDR, wkb.data());
    m.work.geometry = geo::Geometry(std::move(wkb));
  }
}

void WzdxReader::map(const Json& f, MappedWork& m) {
  m.at = {file_, ++record_, std::nullopt, text_of(f, "id")};
  for (const char* key : {"id", "type", "properties", "geometry"}) require(m, f, key, "");
  if (refused(m)) return;
  const auto& p = f["properties"];
  const std::string id = text_of(f, "id");
  if (!require(m, p, "core_details", "properties.")) return;
  const auto& core = p["core_details"];
  if (!check_core_details(m, core)) return;
  check_required_properties(m, p);
  auto& w = m.work;
  w.reference = id;
  w.status = geo::WorkStatus::approved;  // a DOT publishes works it has authorised
  assign_source(m, text_of(core, "data_source_id"));
  w.title = title_of(core);
  w.kind = kind_of(m, p);
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
  std::ifstream in(o.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  Json feed;
  try {
    feed = Json::parse(text.str());
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for "1e400"
    throw InputUnreadable("input " + file + ": not a WZDx feed: " + e.what());
  }
  if (!feed.is_object() || text_of(feed, "type") != "FeatureCollection" ||
      !feed.contains("features") || !feed["features"].is_array()) {
    throw InputUnreadable("input " + file +
                          ": not a WZDx WorkZoneFeed (WorkZoneFeed.json requires type "
                          "\"FeatureCollection\" and features)");
  }
  const Json* info = nullptr;
  if (feed.contains("feed_info"))
    info = &feed["feed_info"];
  else if (feed.contains("road_event_feed_info"))
    info = &feed["road_event_feed_info"];
  if (!info || !info->is_object()) {
    throw InputUnreadable("input " + file + ": WZDx: feed_info is required (WorkZoneFeed.json)");
  }
  for (const char* key : {"update_date", "version", "publisher", "data_sources"}) {
    if (!info->contains(key)) {
      throw InputUnreadable("input " + file + ": WZDx: feed_info." + key +
                            " is required (FeedInfo.json)");
    }
  }
  const auto version = text_of(*info, "version");
  if (version.rfind("4.", 0) != 0) {
    throw InputUnreadable("input " + file + ": WZDx version '" + version +
                          "' is not supported (4.x is)");
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
  WzdxReader reader(features, std::move(sources), text_of(*info, "publisher"), guard, result.report,
                    file);
  // The feed sets every field of a work it has.
  const auto all_mapped = [](const char*) { return true; };
  write_works(store, o, result, progress, all_mapped, std::ref(reader));
  result.summary.seconds = seconds_since(start);
  return result;
}

}  // namespace rootzone::importers::detail
