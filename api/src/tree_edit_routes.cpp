// What field staff do from a phone (DOMAIN.md "Trees", issue 5): add a tree, replace or patch
// it with optimistic locking, record inspections, mark it felled, read its history. Trees are
// never deleted. Every write goes through LiveConflicts::write (tree_write.hpp), so a tree made
// protected, moved or grown has its conflicts in the same transaction, and a felled one none.
#include <nlohmann/json.hpp>
#include <optional>

#include "auth.hpp"
#include "feature_json.hpp"
#include "items_query.hpp"
#include "live_conflicts.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "routes.hpp"
#include "tree_input.hpp"
#include "tree_write.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

constexpr const char* kGeoJson = "application/geo+json";
constexpr const char* kItems = "/collections/trees/items";

// DOMAIN.md "Who may do what": field staff edit trees, record inspections and fellings; admins
// may do everything. Planners read everything but change works, not trees.
void require_editor(const Caller& caller, std::string_view action) {
  require_role(caller, {geo::Role::field_staff, geo::Role::admin}, action);
}

// History and inspections are the city's evidence of its duty of care (findings such as
// "dead wood over the footpath", who changed what): staff read them, the public and
// contractors do not.
void require_staff(const Caller& caller, std::string_view action) {
  require_role(caller, {geo::Role::field_staff, geo::Role::planner, geo::Role::admin}, action);
}

void only_query_params(const Request& req, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : req.query) {
    bool known = false;
    for (const auto a : allowed) known = known || name == a;
    if (!known) {
      throw Problem{
          400,
          "Unknown query parameter",
          name + ": not a parameter of this endpoint",
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown",
          {}};
    }
  }
}

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
    throw invalid_value("id", it->dump() + " is not tree " + std::to_string(id) + " of the path");
  }
}

std::string tree_url(const Request& req, std::int64_t id) {
  return base_url(req) + kItems + "/" + std::to_string(id);
}

// The tree as the items output has it, with its conflicts counted. Field staff may not read
// conflicts (they name works and severities: planners' and contractors' business), so a write
// answers how many and how bad; the list is at .../conflicts for the roles that may read it.
Response tree_response(const Request& req, const Service& service, const StoredTree& stored,
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

template <class F>
StoredTree write_tree(Service& service, std::int64_t id, F&& change) {
  return mapping_version_conflict(id, [&] {
    return service.live_conflicts().write(
        [&](LiveConflicts::Session& s) { return std::forward<F>(change)(s); });
  });
}

Response create(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_editor(caller, "add trees");
  only_query_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto body = json_body(req);
  const auto fb = feature_body(body, true);
  geo::Tree tree;
  apply_tree_properties(fb.properties, tree);
  tree.location = tree_location(*fb.geometry, req, service.srid());
  check_tree(tree, berlin_today());
  const auto at = geo::now_utc();
  const auto stored = write_tree(service, 0, [&](LiveConflicts::Session& s) {
    return store_new_tree(s, tree, caller.name(), at);
  });
  return tree_response(req, service, stored, crs, 201);
}

// PUT (complete) and PATCH (RFC 7396 merge patch): If-Match names the version the client saw.
Response edit(Service& service, Request& req, bool complete) {
  const auto caller = authenticate(req, service);
  require_editor(caller, "edit trees");
  only_query_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = path_id(req, "id", "tree");
  const auto expected = if_match_version(req, "tree", id);
  const auto body = json_body(req);
  const auto fb = feature_body(body, complete);
  check_body_id(body, id);
  std::optional<geo::Point> location;
  if (fb.geometry != nullptr) location = tree_location(*fb.geometry, req, service.srid());
  const auto today = berlin_today();
  const auto at = geo::now_utc();
  const auto stored = write_tree(service, id, [&](LiveConflicts::Session& s) {
    const auto before = stored_tree(s.store, id);
    if (before.version != expected) throw stale_version("tree", id, before.version);
    geo::Tree after = complete ? replaceable_part_removed(before) : before;
    apply_tree_properties(fb.properties, after);
    if (location) after.location = *location;
    check_tree(after, today);
    return store_tree_change(s, before, std::move(after), caller.name(), at);
  });
  return tree_response(req, service, stored, crs, 200);
}

Response replace(Service& service, Request& req) { return edit(service, req, true); }
Response patch(Service& service, Request& req) { return edit(service, req, false); }

Response refuse_delete(Service&, Request& req) {
  const auto id = req.param("id");
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

// An inspection is a fact from the field: If-Match is optional (a phone that queued it
// offline must not lose it to someone's species correction), checked when given.
Response add_inspection(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_editor(caller, "record inspections");
  only_query_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = path_id(req, "id", "tree");
  std::optional<std::int64_t> expected;
  if (req.header("if-match")) expected = if_match_version(req, "tree", id);
  auto inspection = parse_inspection(json_body(req), caller.name(), berlin_today());
  const auto at = geo::now_utc();
  inspection.tree_id = id;
  inspection.recorded_by = caller.name();
  inspection.recorded_at = at;
  std::int64_t inspection_id = 0;
  const auto stored = write_tree(service, id, [&](LiveConflicts::Session& s) {
    const auto before = stored_tree(s.store, id);
    if (before.status == geo::TreeStatus::felled) {
      throw Problem{409,
                    "Tree is felled",
                    "tree " + std::to_string(id) + " was felled on " +
                        geo::format_date(before.felled_on.value_or(geo::Date{})) +
                        ": there is nothing left to inspect",
                    "about:blank",
                    {}};
    }
    if (expected && *expected != before.version) {
      throw stale_version("tree", id, before.version);
    }
    inspection_id = s.store.trees().add_inspection(inspection);
    // The tree's dates follow its latest inspection: one queued offline that is older than
    // the last recorded one is kept, but does not move them back.
    geo::Tree after = before;
    if (!before.last_inspection || inspection.inspected_on >= *before.last_inspection) {
      after.last_inspection = inspection.inspected_on;
      if (inspection.next_inspection) {
        after.next_inspection = inspection.next_inspection;
      } else if (after.next_inspection && *after.next_inspection <= inspection.inspected_on) {
        after.next_inspection.reset();  // the scheduled one took place
      }
    }
    return store_tree_change(s, before, std::move(after), caller.name(), at);
  });
  inspection.id = inspection_id;
  auto tree_res = tree_response(req, service, stored, crs, 201);
  // The tree moved on to a new version: its ETag is what the phone's next edit needs.
  json out = {{"inspection", inspection_json(inspection)},
              {"tree", json::parse(tree_res.body)},
              {"tree_etag", etag("tree", stored.tree.id, stored.tree.version)}};
  Response res = json_response(out);
  res.status = 201;
  res.header("Location", tree_url(req, id) + "/inspections/" + std::to_string(inspection_id));
  return res;
}

Response list_inspections(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_staff(caller, "read inspections");
  only_query_params(req, {});
  const auto id = path_id(req, "id", "tree");
  auto& store = service.store();
  stored_tree(store, id);
  json list = json::array();
  for (const auto& i : store.trees().inspections(id)) list.push_back(inspection_json(i));
  return json_response({{"tree_id", id},
                        {"inspections", list},
                        {"links",
                         {{{"href", tree_url(req, id) + "/inspections"},
                           {"rel", "self"},
                           {"type", "application/json"}},
                          {{"href", tree_url(req, id)}, {"rel", "up"}, {"type", kGeoJson}}}}});
}

Response one_inspection(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_staff(caller, "read inspections");
  only_query_params(req, {});
  const auto id = path_id(req, "id", "tree");
  auto& store = service.store();
  stored_tree(store, id);
  const auto wanted = req.param("inspection");
  for (const auto& i : store.trees().inspections(id)) {
    if (std::to_string(i.id) == wanted) return json_response(inspection_json(i));
  }
  throw Problem{404,
                "Not Found",
                "tree " + std::to_string(id) + " has no inspection '" + wanted + "'",
                "about:blank",
                {}};
}

Response fell(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_editor(caller, "mark trees felled");
  only_query_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());  // before the write: a bad one is a 400
  const auto id = path_id(req, "id", "tree");
  const auto expected = if_match_version(req, "tree", id);
  const auto felling = parse_felling(json_body(req), berlin_today());
  const auto at = geo::now_utc();
  const auto stored = write_tree(service, id, [&](LiveConflicts::Session& s) {
    const auto before = stored_tree(s.store, id);
    // Before the version: a second felling is told what happened, not only that it is stale.
    if (before.status != geo::TreeStatus::existing) {
      throw Problem{
          409,
          before.status == geo::TreeStatus::felled ? "Tree is felled" : "Tree is only planned",
          before.status == geo::TreeStatus::felled
              ? "tree " + std::to_string(id) + " was already felled on " +
                    geo::format_date(before.felled_on.value_or(geo::Date{}))
              : "tree " + std::to_string(id) +
                    " is planned, not standing: change its status instead",
          "about:blank",
          {}};
    }
    if (before.version != expected) throw stale_version("tree", id, before.version);
    if (before.planting_year &&
        static_cast<int>(felling.felled_on.year()) < *before.planting_year) {
      throw invalid_value("felled_on", geo::format_date(felling.felled_on) +
                                           " lies before the planting year " +
                                           std::to_string(*before.planting_year));
    }
    geo::Tree after = before;
    after.status = geo::TreeStatus::felled;
    after.felled_on = felling.felled_on;
    auto out = store_tree_change(s, before, std::move(after), caller.name(), at);
    s.store.trees().add_history_note({.tree_id = id,
                                      .at = at,
                                      .user = caller.name(),
                                      .field = "felling_reason",
                                      .old_value = std::nullopt,
                                      .new_value = felling.reason});
    return out;
  });
  return tree_response(req, service, stored, crs, 200);
}

Response history(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_staff(caller, "read tree history");
  only_query_params(req, {});
  const auto id = path_id(req, "id", "tree");
  auto& store = service.store();
  stored_tree(store, id);
  json changes = json::array();
  const auto text = [](const std::optional<std::string>& v) {
    return v ? json(*v) : json(nullptr);
  };
  for (const auto& c : store.trees().history(id)) {
    changes.push_back({{"id", c.id},
                       {"at", geo::format_utc(c.at)},
                       {"user", c.user},
                       {"field", c.field},
                       {"old_value", text(c.old_value)},
                       {"new_value", text(c.new_value)}});
  }
  return json_response(
      {{"tree_id", id},
       {"changes", changes},
       {"links",
        {{{"href", tree_url(req, id) + "/history"}, {"rel", "self"}, {"type", "application/json"}},
         {{"href", tree_url(req, id)}, {"rel", "up"}, {"type", kGeoJson}}}}});
}

}  // namespace

void add_tree_edit_routes(Router& router, Service& service) {
  const auto bind = [&service](Response (*f)(Service&, Request&)) {
    return [&service, f](Request& req) { return f(service, req); };
  };
  const std::string item = std::string(kItems) + "/:id";
  router.add(Method::post, kItems, bind(create));
  router.add(Method::put, item, bind(replace));
  router.add(Method::patch, item, bind(patch));
  router.add(Method::del, item, bind(refuse_delete));
  router.add(Method::post, item + "/inspections", bind(add_inspection));
  router.add(Method::get, item + "/inspections", bind(list_inspections));
  router.add(Method::get, item + "/inspections/:inspection", bind(one_inspection));
  router.add(Method::post, item + "/felling", bind(fell));
  router.add(Method::get, item + "/history", bind(history));
}

}  // namespace rootzone::api
