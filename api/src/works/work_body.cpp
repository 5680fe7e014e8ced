#include "works/work_body.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "crs_uris.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/work_lifecycle.hpp"
#include "rootzone/geo/work_validation.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

Problem unreadable(const std::string& detail) {
  return Problem{400, "Invalid request body", detail, "about:blank", {}};
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// The names a client writes; version, updated_at and source are read-only and ignored, so a
// feature fetched with GET can be sent back as it is.
constexpr const char* kWritable[] = {"reference", "title",   "contractor", "contact",
                                     "kind",      "width_m", "radius_m",   "depth_m",
                                     "starts_at", "ends_at", "status"};
constexpr const char* kReadOnly[] = {"version", "updated_at", "source"};

bool one_of(const std::string& name, const auto& names) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

std::string list(const auto& names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::string text_member(const json& v, const std::string& name) {
  if (!v.is_string()) throw unreadable("properties." + name + ": must be a string");
  return v.get<std::string>();
}

std::optional<double> size_member(const json& v, const std::string& name) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number())
    throw unreadable("properties." + name + ": must be a number of metres or null");
  return v.get<double>();
}

geo::Timestamp time_member(const json& v, const std::string& name) {
  if (!v.is_string()) throw unreadable("properties." + name + ": must be an RFC 3339 time string");
  const auto t = geo::parse_utc(v.get<std::string>());
  if (!t) {
    throw unreadable("properties." + name + ": '" + v.get<std::string>() +
                     "' is not an RFC 3339 time (e.g. 2027-03-01T07:00:00+01:00)");
  }
  return *t;
}

// The store CRS has an area of use too: coordinates sent in it (Content-Crs) are checked
// against it like lon/lat ones (write_request checks those before the transform).
void check_area(const geo::Geometry& g, int store_srid) {
  const auto b = g.bounds();
  const auto* to_lonlat = thread_transformer(store_srid, 4326);
  const auto area = geo::describe_crs(store_srid).area;
  for (const geo::Point p : {geo::Point{b.minx, b.miny}, geo::Point{b.maxx, b.maxy},
                             geo::Point{b.minx, b.maxy}, geo::Point{b.maxx, b.miny}}) {
    geo::Point ll = p;
    try {
      if (to_lonlat != nullptr) ll = to_lonlat->forward(p);
    } catch (const geo::CrsError&) {
      ll = {1e9, 1e9};
    }
    if (!std::isfinite(ll.x) || !std::isfinite(ll.y) || !area.contains_lonlat(ll)) {
      throw unprocessable("geometry: coordinates " + std::to_string(p.x) + "," +
                          std::to_string(p.y) + " (EPSG:" + std::to_string(store_srid) +
                          ") lie outside the area of use of EPSG:" + std::to_string(store_srid) +
                          " (" + area.name + ")");
    }
  }
}

}  // namespace

WorkLimits work_limits(const Service& service) {
  return {service.options().max_work_vertices, service.options().max_work_extent_m};
}

std::optional<std::string> named_contractor(const json& body) {
  const auto props = body.find("properties");
  if (props == body.end() || !props->is_object() || !props->contains("contractor")) return {};
  const auto& named = (*props)["contractor"];
  if (!named.is_string()) throw unreadable("properties.contractor: must be a string");
  return named.get<std::string>();
}

Problem unprocessable(const std::string& detail) {
  return Problem{422, "Unprocessable work", detail, "about:blank", {}};
}

namespace {

// A GeoJSON Feature, and for a replacement the feature of the path's work.
void check_feature(const json& body, const geo::Work& work, WorkBodyMode mode) {
  const bool whole = mode != WorkBodyMode::merge;
  if ((whole || body.contains("type")) && (!body.contains("type") || body["type"] != "Feature")) {
    const std::string given =
        body.contains("type") ? shown_value(body["type"]) : std::string("no type member");
    throw unreadable("a work is a GeoJSON Feature: \"type\" must be \"Feature\" (got " + given +
                     ")");
  }
  if (mode == WorkBodyMode::replace && body.contains("id") && !body["id"].is_null() &&
      body["id"] != json(work.id)) {
    throw unreadable("id " + shown_value(body["id"]) + " is not the id of work " +
                     std::to_string(work.id) + " in the path");
  }
}

// The properties member, every name a work's field.
json properties_of(const json& body, bool whole) {
  json props = json::object();
  if (body.contains("properties")) {
    if (!body["properties"].is_object()) throw unreadable("properties: must be a JSON object");
    props = body["properties"];
  } else if (whole) {
    throw unreadable("properties: missing (a Feature's properties hold the work's fields)");
  }
  for (const auto& [name, value] : props.items()) {
    if (!one_of(name, kWritable) && !one_of(name, kReadOnly)) {
      throw unreadable("properties." + name +
                       ": not a field of a work (fields: " + list(kWritable) + ")");
    }
  }
  return props;
}

// Writes the fields the body gives onto the work; what cannot be stored goes to `problems`.
struct FieldWriter {
  const json& props;
  geo::Work& work;
  WorkBodyMode mode;
  std::vector<std::string>& problems;

  bool given(const char* name) const { return props.contains(name); }
  bool set(const char* name) const { return given(name) && !props[name].is_null(); }

  void texts() {
    if (set("reference")) work.reference = text_member(props["reference"], "reference");
    if (set("title")) work.title = text_member(props["title"], "title");
    if (given("contact")) {
      work.contact = props["contact"].is_null() ? "" : text_member(props["contact"], "contact");
    } else if (mode == WorkBodyMode::replace) {
      work.contact.clear();
    }
  }

  void kind() {
    if (!set("kind")) return;
    const auto kind_text = text_member(props["kind"], "kind");
    if (const auto k = geo::work_kind_from_string(kind_text)) {
      work.kind = *k;
    } else {
      problems.push_back("kind '" + kind_text +
                         "' is unknown: trench, pit, drilling, surface, site_facility, storage, "
                         "scaffolding, crane or traffic_management");
    }
  }

  void sizes_and_times() {
    for (auto [name, slot] :
         {std::pair{"width_m", &work.width_m}, std::pair{"radius_m", &work.radius_m},
          std::pair{"depth_m", &work.depth_m}}) {
      if (given(name)) {
        *slot = size_member(props[name], name);
      } else if (mode == WorkBodyMode::replace) {
        slot->reset();
      }
    }
    if (set("starts_at")) work.starts_at = time_member(props["starts_at"], "starts_at");
    if (set("ends_at")) work.ends_at = time_member(props["ends_at"], "ends_at");
  }

  // A new work starts as draft or submitted; afterwards the status changes only through its
  // endpoint, and the contractor never.
  void status_and_contractor() {
    if (given("status")) {
      const auto text = text_member(props["status"], "status");
      const auto s = geo::work_status_from_string(text);
      if (mode == WorkBodyMode::create) {
        if (!s || !geo::is_initial_status(*s)) {
          problems.push_back("status '" + text + "': a new work is draft or submitted");
        } else {
          work.status = *s;
        }
      } else if (!s || *s != work.status) {
        problems.push_back("status '" + text + "': work " + std::to_string(work.id) + " is " +
                           std::string(geo::to_string(work.status)) +
                           "; the status changes through POST /collections/works/items/" +
                           std::to_string(work.id) + "/status");
      }
    }
    if (given("contractor") && mode != WorkBodyMode::create) {
      const auto text = text_member(props["contractor"], "contractor");
      if (text != work.contractor) {
        problems.push_back("contractor '" + text + "': the contractor of a work does not change");
      }
    }
  }
};

// Positions in a GeoJSON geometry's coordinates (and a collection's members), counted before
// anything is transformed; the body's depth is bounded by json_body, so the recursion is too.
std::size_t vertex_count(const json& geometry) {
  std::size_t n = 0;
  const auto positions = [&n](const auto& self, const json& c) -> void {
    if (!c.is_array()) return;
    if (!c.empty() && c[0].is_number()) {
      ++n;
      return;
    }
    for (const auto& member : c) self(self, member);
  };
  if (const auto c = geometry.find("coordinates"); c != geometry.end()) positions(positions, *c);
  if (const auto g = geometry.find("geometries"); g != geometry.end() && g->is_array()) {
    for (const auto& member : *g) {
      if (member.is_object()) n += vertex_count(member);
    }
  }
  return n;
}

void check_vertices(const json& geometry, const WorkLimits& limits) {
  if (!geometry.is_object()) return;  // body_geometry names what is wrong with it
  const auto n = vertex_count(geometry);
  if (n > limits.max_vertices) {
    throw unprocessable("geometry: " + std::to_string(n) + " vertices, at most " +
                        std::to_string(limits.max_vertices) +
                        " (the server's limit, serve --max-work-vertices)");
  }
}

void check_extent(const geo::Work& work, const WorkLimits& limits) {
  const auto b = work.geometry.bounds();
  if (b.empty()) return;
  const double reach = work.radius_m ? *work.radius_m : work.width_m ? *work.width_m / 2 : 0.0;
  const double across = std::max(b.maxx - b.minx, b.maxy - b.miny) + 2 * reach;
  if (across > limits.max_extent_m) {
    throw unprocessable("geometry: " + std::to_string(static_cast<long long>(std::ceil(across))) +
                        " m across with its width or radius, at most " +
                        std::to_string(static_cast<long long>(limits.max_extent_m)) +
                        " m (the server's limit, serve --max-work-extent-m)");
  }
}

}  // namespace

void apply_work_body(geo::Work& work, const json& body, const Request& req, int store_srid,
                     WorkBodyMode mode, const WorkLimits& limits) {
  const bool whole = mode != WorkBodyMode::merge;
  check_feature(body, work, mode);
  // Properties first: a line's width decides nothing about parsing, but a problem list in
  // field order reads best.
  const json props = properties_of(body, whole);
  std::vector<std::string> missing;
  for (const char* name : {"reference", "title", "kind", "starts_at", "ends_at"}) {
    if ((whole && !props.contains(name)) || (props.contains(name) && props[name].is_null())) {
      missing.push_back(name);
    }
  }
  std::vector<std::string> problems;
  FieldWriter fields{props, work, mode, problems};
  fields.texts();
  fields.kind();
  fields.sizes_and_times();
  fields.status_and_contractor();

  if (body.contains("geometry") && !body["geometry"].is_null()) {
    check_vertices(body["geometry"], limits);
    work.geometry = body_geometry(body["geometry"], req, store_srid);
  } else if (whole || body.contains("geometry")) {
    missing.insert(missing.begin(), "geometry");
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    problems.insert(problems.begin(), "missing: " + names);
  }
  if (!problems.empty()) throw unprocessable(join(problems));
  for (const auto& p : geo::work_problems(work)) problems.push_back(p.message);
  if (!problems.empty()) throw unprocessable(join(problems));
  check_area(work.geometry, store_srid);
  check_extent(work, limits);
}

core::StatusRequest status_request(const nlohmann::json& body) {
  const auto bad = [](const std::string& d) {
    return Problem{400, "Invalid request body", d, "about:blank", {}};
  };
  core::StatusRequest r;
  for (const auto& [name, value] : body.items()) {
    if (name != "to" && name != "comment" && name != "conditions") {
      throw bad(name + ": not a member of a status change (to, comment, conditions)");
    }
    if (!value.is_string()) throw bad(name + ": must be a string");
  }
  if (!body.contains("to")) throw unprocessable("to: missing (the status to move the work to)");
  const auto to = body["to"].get<std::string>();
  const auto s = geo::work_status_from_string(to);
  if (!s) {
    throw unprocessable("to '" + to +
                        "' is not a status: draft, submitted, approved, refused, "
                        "changes_requested, in_progress, completed, cancelled");
  }
  r.to = *s;
  if (body.contains("comment")) r.comment = body["comment"].get<std::string>();
  if (body.contains("conditions")) r.conditions = body["conditions"].get<std::string>();
  return r;
}

}  // namespace rootzone::api
