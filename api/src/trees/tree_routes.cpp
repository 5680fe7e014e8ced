// What field staff do from a phone: add a tree, replace or patch it with optimistic locking,
// record inspections, mark it felled, read its history. The rules are core's use cases
// (core/tree_cases.hpp); this file reads requests and writes answers.
#include <nlohmann/json.hpp>
#include <optional>

#include "ogc/feature_json.hpp"
#include "ogc/items_query.hpp"
#include "rootzone/core/tree_cases.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "route.hpp"
#include "routes.hpp"
#include "trees/tree_input.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

constexpr const char* kGeoJson = "application/geo+json";
constexpr const char* kItems = "/collections/trees/items";

// The body's geometry as the tree's location in the store CRS.
geo::Point tree_location(const json& geometry, const Request& req, int srid) {
  if (geometry.is_null()) {
    throw invalid_value("geometry", "a tree keeps its location: null is not one");
  }
  const auto g = body_geometry(geometry, req, srid);
  const auto type = g.type_name();
  if (type != "Point") {
    throw invalid_value("geometry", "a tree's location is a Point, not a " + type);
  }
  try {
    const auto b = g.bounds();
    return {b.minx, b.miny};
  } catch (const geo::GeometryError&) {
    throw invalid_value("geometry", "an empty Point is no location");
  }
}

// A body's "id" names the tree it was read from: another one is a client's mix-up.
void check_body_id(const json& body, std::int64_t id) {
  const auto it = body.find("id");
  if (it == body.end()) return;
  const bool same = (it->is_number_integer() && it->get<std::int64_t>() == id) ||
                    (it->is_string() && it->get<std::string>() == std::to_string(id));
  if (!same) {
    throw invalid_value("id",
                        shown_value(*it) + " is not tree " + std::to_string(id) + " of the path");
  }
}

std::string tree_url(const Request& req, std::int64_t id) {
  return base_url(req) + kItems + "/" + std::to_string(id);
}

// The tree as the items output has it, with its conflicts counted. Field staff may not read
// conflicts (they name works and severities: planners' and contractors' business), so a write
// answers how many and how bad; the list is at .../conflicts for the roles that may read it.
Response tree_response(const Request& req, const Service& service, const core::StoredTree& stored,
                       const OutputCrs& crs, int status) {
  json feature = tree_feature(stored.tree, crs, service.srid());
  const auto self = tree_url(req, stored.tree.id);
  json by_severity = {{"critical", 0}, {"high", 0}, {"medium", 0}};
  for (const auto& c : stored.conflicts) {
    auto& n = by_severity[std::string(geo::to_string(c.severity))];
    n = n.get<int>() + 1;
  }
  feature["conflicts"] = {{"count", stored.conflicts.size()}, {"by_severity", by_severity}};
  feature["links"] = {
      {{"href", self}, {"rel", "self"}, {"type", kGeoJson}},
      {{"href", base_url(req) + "/collections/trees"},
       {"rel", "collection"},
       {"type", "application/json"}},
      {{"href", self + "/history"}, {"rel", "version-history"}, {"type", "application/json"}},
      {{"href", self + "/conflicts"},
       {"rel", "related"},
       {"type", kGeoJson},
       {"title", "Conflicts of this tree (for the roles that may read conflicts)"}}};
  Response res = json_response(feature, kGeoJson);
  res.status = status;
  res.header("ETag", etag("tree", stored.tree.id, stored.tree.version));
  res.header("Content-Crs", "<" + crs.uri + ">");
  if (status == 201) res.header("Location", self);
  return res;
}

Response create(Service& service, Call& call) {
  const auto& req = call.req;
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto body = json_body(req);
  const auto fb = feature_body(body, true);
  geo::Tree tree;
  apply_tree_properties(fb.properties, tree);
  tree.location = tree_location(*fb.geometry, req, service.srid());
  check_tree(tree, berlin_today());
  const auto stored = core::add_tree(service.app(), call.caller, tree, geo::now_utc());
  return tree_response(req, service, stored, crs, 201);
}

// PUT (complete) and PATCH (RFC 7396 merge patch): If-Match names the version the client saw.
Response edit(Service& service, Call& call, bool complete) {
  const auto& req = call.req;
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = call.id();
  const auto expected = if_match_version(req, "tree", id);
  const auto body = json_body(req);
  const auto fb = feature_body(body, complete);
  check_body_id(body, id);
  std::optional<geo::Point> location;
  if (fb.geometry != nullptr) location = tree_location(*fb.geometry, req, service.srid());
  const auto today = berlin_today();
  const auto revise = [&](const geo::Tree& before) {
    geo::Tree after = complete ? replaceable_part_removed(before) : before;
    apply_tree_properties(fb.properties, after);
    if (location) after.location = *location;
    check_tree(after, today);
    return after;
  };
  const auto stored =
      core::edit_tree(service.app(), call.caller, id, expected, revise, geo::now_utc());
  return tree_response(req, service, stored, crs, 200);
}

Response refuse_delete(Service&, Call& call) {
  const auto id = call.req.param("id");
  throw Problem{405,
                "Method Not Allowed",
                "trees are never deleted: a felled tree keeps its record and history as "
                "evidence. Record a felling with POST /collections/trees/items/" +
                    id + "/felling (felled_on, reason; If-Match)",
                "about:blank",
                {{"Allow", "GET, HEAD, PUT, PATCH, OPTIONS"}}};
}

json inspection_json(const geo::Inspection& i) {
  const auto date = [](const std::optional<geo::Date>& d) {
    return d ? json(geo::format_date(*d)) : json(nullptr);
  };
  return {{"id", i.id},
          {"tree_id", i.tree_id},
          {"inspected_on", geo::format_date(i.inspected_on)},
          {"kind", geo::to_string(i.kind)},
          {"inspector", i.inspector},
          {"findings", i.findings},
          {"measures", i.measures},
          {"measures_deadline", date(i.measures_deadline)},
          {"next_inspection", date(i.next_inspection)},
          {"recorded_at", geo::format_utc(i.recorded_at)},
          {"recorded_by", i.recorded_by}};
}

// An inspection is a fact from the field: If-Match is optional (core::record_inspection).
Response add_inspection(Service& service, Call& call) {
  const auto& req = call.req;
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = call.id();
  std::optional<std::int64_t> expected;
  if (req.header("if-match")) expected = if_match_version(req, "tree", id);
  const auto inspection = parse_inspection(json_body(req), call.caller.name(), berlin_today());
  const auto recorded =
      core::record_inspection(service.app(), call.caller, id, expected, inspection, geo::now_utc());
  auto tree_res = tree_response(req, service, recorded.tree, crs, 201);
  // The tree moved on to a new version: its ETag is what the phone's next edit needs.
  json out = {{"inspection", inspection_json(recorded.inspection)},
              {"tree", json::parse(tree_res.body)},
              {"tree_etag", etag("tree", recorded.tree.tree.id, recorded.tree.tree.version)}};
  Response res = json_response(out);
  res.status = 201;
  res.header("Location",
             tree_url(req, id) + "/inspections/" + std::to_string(recorded.inspection.id));
  return res;
}

json inspections_body(const Request& req, std::int64_t id,
                      const std::vector<geo::Inspection>& inspections) {
  json list = json::array();
  for (const auto& i : inspections) list.push_back(inspection_json(i));
  return {{"tree_id", id},
          {"inspections", list},
          {"links",
           {{{"href", tree_url(req, id) + "/inspections"},
             {"rel", "self"},
             {"type", "application/json"}},
            {{"href", tree_url(req, id)}, {"rel", "up"}, {"type", kGeoJson}}}}};
}

Response list_inspections(Service& service, Call& call) {
  const auto id = call.id();
  return json_response(
      inspections_body(call.req, id, core::tree_inspections(service.app(), call.caller, id)));
}

Response one_inspection(Service& service, Call& call) {
  const auto id = call.id();
  const auto wanted = call.req.param("inspection");
  for (const auto& i : core::tree_inspections(service.app(), call.caller, id)) {
    if (std::to_string(i.id) == wanted) return json_response(inspection_json(i));
  }
  throw Problem{404,
                "Not Found",
                "tree " + std::to_string(id) + " has no inspection '" + wanted + "'",
                "about:blank",
                {}};
}

Response fell(Service& service, Call& call) {
  const auto& req = call.req;
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = call.id();
  const auto expected = if_match_version(req, "tree", id);
  const auto felling = parse_felling(json_body(req), berlin_today());
  const auto stored =
      core::fell_tree(service.app(), call.caller, id, expected, felling, geo::now_utc());
  return tree_response(req, service, stored, crs, 200);
}

Response history(Service& service, Call& call) {
  const auto id = call.id();
  json changes = json::array();
  const auto text = [](const std::optional<std::string>& v) {
    return v ? json(*v) : json(nullptr);
  };
  for (const auto& c : core::tree_history(service.app(), call.caller, id)) {
    changes.push_back({{"id", c.id},
                       {"at", geo::format_utc(c.at)},
                       {"user", c.user},
                       {"field", c.field},
                       {"old_value", text(c.old_value)},
                       {"new_value", text(c.new_value)}});
    if (c.rule_set) {
      changes.back()["rule_set"] = *c.rule_set;
      changes.back()["rule_set_citation"] = c.rule_set_citation.value_or("");
    }
  }
  const auto& req = call.req;
  return json_response(
      {{"tree_id", id},
       {"changes", changes},
       {"links",
        {{{"href", tree_url(req, id) + "/history"}, {"rel", "self"}, {"type", "application/json"}},
         {{"href", tree_url(req, id)}, {"rel", "up"}, {"type", kGeoJson}}}}});
}

}  // namespace

void add_tree_edit_routes(Router& router, Service& service) {
  using core::Action;
  const auto add = [&](RouteSpec spec, CallHandler f) {
    add_route(router, service, std::move(spec), std::move(f));
  };
  const std::string item = std::string(kItems) + "/:id";
  const std::vector<std::pair<std::string, std::string>> tree_id = {{"id", "tree"}};
  const std::vector<std::string> crs = {"crs"};
  const std::vector<std::string> none;
  add({Method::post, kItems, Action::add_trees, crs, {}}, create);
  add({Method::put, item, Action::edit_trees, crs, tree_id},
      [](Service& s, Call& c) { return edit(s, c, true); });
  add({Method::patch, item, Action::edit_trees, crs, tree_id},
      [](Service& s, Call& c) { return edit(s, c, false); });
  add({Method::del, item, std::nullopt, std::nullopt, {}}, refuse_delete);
  add({Method::post, item + "/inspections", Action::record_inspections, crs, tree_id},
      add_inspection);
  add({Method::get, item + "/inspections", Action::read_inspections, none, tree_id},
      list_inspections);
  add({Method::get, item + "/inspections/:inspection", Action::read_inspections, none, tree_id},
      one_inspection);
  add({Method::post, item + "/felling", Action::fell_trees, crs, tree_id}, fell);
  add({Method::get, item + "/history", Action::read_tree_history, none, tree_id}, history);
}

}  // namespace rootzone::api
