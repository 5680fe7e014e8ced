// The works side of the API (issue 5): submission with the conflicts in the answer, edits
// while the contractor holds the work, lifecycle transitions, history, conflicts per work and
// per tree, acknowledgements. The rules live in geo (work_lifecycle, work_validation) and
// auth.hpp; this file maps them to HTTP. Every write goes through LiveConflicts::write.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "auth.hpp"
#include "feature_json.hpp"
#include "items_query.hpp"
#include "live_conflicts.hpp"
#include "rootzone/geo/work_lifecycle.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "routes.hpp"
#include "work_body.hpp"
#include "work_conflicts.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using geo::Role;
using geo::WorkStatus;
using nlohmann::json;

constexpr const char* kGeoJson = "application/geo+json";

Problem not_found(const char* what, std::int64_t id) {
  return Problem{
      404, "Not Found", std::string("no ") + what + " " + std::to_string(id), "about:blank", {}};
}

geo::Work find_work(Service& service, std::int64_t id) {
  auto w = service.store().works().find(id);
  if (!w) throw not_found("work", id);
  return std::move(*w);
}

void only_params(const Request& req, std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : req.query) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw Problem{
          400,
          "Unknown query parameter",
          name + ": not a parameter of this endpoint" +
              (list.empty() ? std::string(" (it takes none)") : " (parameters: " + list + ")"),
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown",
          {}};
    }
  }
}

geo::Actor actor_of(const Caller& caller, const geo::Work& w) {
  return {caller.user->role, caller.sees_details_of(w)};
}

Problem other_organisation(const Caller& caller, const geo::Work& w, const std::string& action) {
  return Problem{403,
                 "Forbidden",
                 "work " + std::to_string(w.id) + " belongs to another organisation than " +
                     caller.user->organisation + ": a contractor may only " + action +
                     " its own organisation's works",
                 "about:blank",
                 {}};
}

// A contractor acts only on its own organisation's works.
void require_own(const Caller& caller, const geo::Work& w, const std::string& action) {
  if (caller.has_role(Role::contractor) && !caller.sees_details_of(w)) {
    throw other_organisation(caller, w, action);
  }
}

// Conflicts are not public (DOMAIN.md): the public 401, field staff 403.
void require_conflict_reader(const Caller& caller) {
  require_role(caller, {Role::contractor, Role::planner, Role::admin}, "read conflicts");
}

std::string names(const std::vector<WorkStatus>& list) {
  if (list.empty()) return "none";
  std::string out;
  for (auto s : list) out += (out.empty() ? "" : ", ") + std::string(geo::to_string(s));
  return out;
}

std::string work_url(const Request& req, std::int64_t id) {
  return base_url(req) + "/collections/works/items/" + std::to_string(id);
}

json work_links(const Request& req, std::int64_t id) {
  const auto self = work_url(req, id);
  return {{{"href", self}, {"rel", "self"}, {"type", kGeoJson}},
          {{"href", self + "/conflicts"}, {"rel", "conflicts"}, {"type", "application/json"}},
          {{"href", self + "/history"}, {"rel", "history"}, {"type", "application/json"}},
          {{"href", base_url(req) + "/collections/works"},
           {"rel", "collection"},
           {"type", "application/json"}}};
}

// The work in detail with its conflicts: what the submitter and the reviewer act on.
Response work_answer(Service& service, const Request& req, const geo::Work& w,
                     const WorkConflicts& conflicts, const OutputCrs& crs, int status = 200) {
  json f = work_feature(w, crs, service.srid(), true);
  f["conflicts"] =
      conflicts_json(service.store(), conflicts.trees, conflicts.works, w.id, crs, service.srid());
  if (!conflicts.geometry_note.empty()) f["geometry_note"] = conflicts.geometry_note;
  f["links"] = work_links(req, w.id);
  Response res = json_response(f, kGeoJson);
  res.status = status;
  res.header("ETag", etag("work", w.id, w.version));
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

Problem reference_taken(const std::string& reference, std::int64_t other) {
  return Problem{409,
                 "Conflict",
                 "reference '" + reference + "' is already used by work " + std::to_string(other),
                 "about:blank",
                 {}};
}

// ---- POST /collections/works/items

Response submit(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::contractor, Role::admin}, "submit works");
  only_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());
  const auto body = json_body(req);

  geo::Work w;
  w.source = "api";
  w.status = WorkStatus::submitted;
  w.contractor = caller.user->organisation;
  const bool contractor = caller.has_role(Role::contractor);
  if (contractor && w.contractor.empty()) {
    throw Problem{403,
                  "Forbidden",
                  "user " + caller.user->name +
                      " has no organisation: a contractor submits works for its organisation "
                      "(rootzone users add ... --organisation)",
                  "about:blank",
                  {}};
  }
  if (body.contains("properties") && body["properties"].is_object() &&
      body["properties"].contains("contractor")) {
    const auto& named = body["properties"]["contractor"];
    if (!named.is_string()) {
      throw Problem{400,
                    "Invalid request body",
                    "properties.contractor: must be a string",
                    "about:blank",
                    {}};
    }
    if (contractor && named.get<std::string>() != w.contractor) {
      throw Problem{403,
                    "Forbidden",
                    "contractor '" + named.get<std::string>() + "': user " + caller.user->name +
                        " submits works only for its own organisation '" + w.contractor + "'",
                    "about:blank",
                    {}};
    }
    w.contractor = named.get<std::string>();  // an admin submits on an organisation's behalf
  }
  apply_work_body(w, body, req, service.srid(), WorkBodyMode::create);
  if (w.contractor.empty()) {
    throw unprocessable(
        "contractor: missing (an admin without an organisation names the "
        "organisation it submits for)");
  }

  const auto [stored, conflicts] = service.live_conflicts().write([&](LiveConflicts::Session& s) {
    if (const auto other = s.store.works().find_by_reference(w.reference)) {
      throw reference_taken(w.reference, other->id);
    }
    const auto id = s.store.works().insert(w, caller.name());
    auto work = s.store.works().get(id);
    auto c = refresh_work_conflicts(s, work);
    return std::pair(std::move(work), std::move(c));
  });
  auto res = work_answer(service, req, stored, conflicts, crs, 201);
  res.header("Location", work_url(req, stored.id));
  return res;
}

// ---- PUT / PATCH /collections/works/items/{id}

Response edit(Service& service, Request& req, WorkBodyMode mode) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::contractor, Role::admin}, "edit works");
  only_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());
  const auto id = path_id(req, "id", "work");
  find_work(service, id);
  const auto expected = if_match_version(req, "work", id);
  const auto body = json_body(req);

  const auto [stored, conflicts] = service.live_conflicts().write([&](LiveConflicts::Session& s) {
    auto w = s.store.works().get(id);
    require_own(caller, w, "edit");
    if (w.version != expected) throw stale_version("work", id, w.version);
    if (!geo::is_editable(w.status)) {
      throw Problem{409,
                    "Conflict",
                    "work " + std::to_string(id) + " is " + std::string(geo::to_string(w.status)) +
                        ": a work can be edited only while draft or changes_requested",
                    "about:blank",
                    {}};
    }
    const auto before = work_footprint(w);
    apply_work_body(w, body, req, service.srid(), mode);
    if (const auto other = s.store.works().find_by_reference(w.reference);
        other && other->id != id) {
      throw reference_taken(w.reference, other->id);
    }
    auto work = s.store.works().update(w, expected);
    s.changed.areas.push_back(before);
    auto c = refresh_work_conflicts(s, work);
    return std::pair(std::move(work), std::move(c));
  });
  return work_answer(service, req, stored, conflicts, crs);
}

Response replace(Service& service, Request& req) {
  return edit(service, req, WorkBodyMode::replace);
}
Response patch(Service& service, Request& req) { return edit(service, req, WorkBodyMode::merge); }

// ---- status transitions (and DELETE, which is the cancellation)

struct StatusRequest {
  WorkStatus to = WorkStatus::cancelled;
  std::string comment;
  std::string conditions;
};

// Moves the work; the answer's work, its recorded change and its conflicts after the move.
struct Moved {
  geo::Work work;
  geo::WorkStatusChange change;
  WorkConflicts conflicts;
};

Moved move_work(Service& service, const Caller& caller, std::int64_t id, std::int64_t expected,
                const StatusRequest& r) {
  return service.live_conflicts().write([&](LiveConflicts::Session& s) {
    const auto w = s.store.works().get(id);
    require_own(caller, w, "change the status of");
    if (w.version != expected) throw stale_version("work", id, w.version);
    const auto actor = actor_of(caller, w);
    if (!geo::is_transition(w.status, r.to)) {
      throw Problem{409,
                    "Illegal transition",
                    "work " + std::to_string(id) + " cannot go from " +
                        std::string(geo::to_string(w.status)) + " to " +
                        std::string(geo::to_string(r.to)) + "; from " +
                        std::string(geo::to_string(w.status)) +
                        " the lifecycle allows: " + names(geo::transitions_from(w.status)) +
                        " (for role " + std::string(geo::to_string(actor.role)) + ": " +
                        names(geo::transitions_for(actor, w.status)) + ")",
                    "about:blank",
                    {}};
    }
    if (!geo::may_transition(actor, w.status, r.to)) {
      throw Problem{403,
                    "Forbidden",
                    "role " + std::string(geo::to_string(actor.role)) + " may not move work " +
                        std::to_string(id) + " from " + std::string(geo::to_string(w.status)) +
                        " to " + std::string(geo::to_string(r.to)) + " (allowed for this role: " +
                        names(geo::transitions_for(actor, w.status)) + ")",
                    "about:blank",
                    {}};
    }
    if (const auto problem = geo::transition_record_problem(r.to, r.comment, r.conditions)) {
      throw unprocessable(*problem);
    }
    geo::WorkStatusChange change{.id = 0,
                                 .work_id = id,
                                 .from = std::nullopt,
                                 .to = r.to,
                                 .at = {},
                                 .user = caller.name(),
                                 .comment = r.comment,
                                 .conditions = r.conditions};
    change = s.store.works().set_status(change, expected);
    auto work = s.store.works().get(id);
    auto c = refresh_work_conflicts(s, work);
    return Moved{std::move(work), std::move(change), std::move(c)};
  });
}

StatusRequest status_request(const json& body) {
  const auto bad = [](const std::string& d) {
    return Problem{400, "Invalid request body", d, "about:blank", {}};
  };
  StatusRequest r;
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

Response change_status(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::contractor, Role::planner, Role::admin},
               "change the status of works");
  only_params(req, {"crs"});
  const auto crs = parse_crs_param(req, service.srid());
  const auto id = path_id(req, "id", "work");
  find_work(service, id);
  const auto expected = if_match_version(req, "work", id);
  const auto r = status_request(json_body(req));
  const auto moved = move_work(service, caller, id, expected, r);
  auto res = work_answer(service, req, moved.work, moved.conflicts, crs);
  json body = json::parse(res.body);
  body["change"] = status_change_json(moved.change);
  res.body = body.dump();
  return res;
}

// DELETE cancels: DOMAIN.md keeps every work and its history ("nothing is ever erased").
Response cancel(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::contractor, Role::admin}, "cancel works");
  only_params(req, {});
  const auto id = path_id(req, "id", "work");
  find_work(service, id);
  const auto expected = if_match_version(req, "work", id);
  const auto moved =
      move_work(service, caller, id, expected, {WorkStatus::cancelled, "cancelled (DELETE)", ""});
  Response res;
  res.status = 204;
  res.content_type.clear();
  res.header("ETag", etag("work", id, moved.work.version));
  return res;
}

// ---- reads: history and conflicts

Response history(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  only_params(req, {});
  const auto id = path_id(req, "id", "work");
  const auto w = find_work(service, id);
  if (!caller.sees_details_of(w)) {
    if (caller.has_role(Role::contractor))
      throw other_organisation(caller, w, "read the history of");
    require_role(caller, {Role::contractor, Role::planner, Role::admin},
                 "read the history of works");
  }
  json rows = json::array();
  for (const auto& c : service.store().works().status_history(id))
    rows.push_back(status_change_json(c));
  return json_response({{"work_id", id}, {"history", rows}, {"links", work_links(req, id)}});
}

// ?severity=critical,high: 400 for a name that is not a severity.
std::set<geo::Severity> severity_filter(const Request& req) {
  std::set<geo::Severity> out;
  const auto given = req.query_value("severity");
  if (!given) return out;
  std::size_t start = 0;
  for (;;) {
    const auto end = given->find(',', start);
    const auto name = given->substr(start, end == std::string::npos ? end : end - start);
    const auto s = geo::severity_from_string(name);
    if (!s) {
      throw Problem{
          400,
          "Invalid query parameter",
          "severity=" + *given + ": '" + name + "' is not critical, high or medium",
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid",
          {}};
    }
    out.insert(*s);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::vector<geo::TreeWorkConflict> with_severity(std::vector<geo::TreeWorkConflict> all,
                                                 const std::set<geo::Severity>& wanted) {
  if (wanted.empty()) return all;
  std::erase_if(all, [&](const auto& c) { return !wanted.contains(c.severity); });
  return all;
}

void single_params(const Request& req) {
  for (const char* name : {"severity", "crs"}) {
    int n = 0;
    for (const auto& [k, v] : req.query) n += k == name;
    if (n > 1) {
      throw Problem{
          400,
          "Invalid query parameter",
          std::string(name) + ": given more than once",
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid",
          {}};
    }
  }
}

Response work_conflicts(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_conflict_reader(caller);
  only_params(req, {"severity", "crs"});
  single_params(req);
  const auto wanted = severity_filter(req);
  const auto crs = parse_crs_param(req, service.srid());
  const auto id = path_id(req, "id", "work");
  const auto w = find_work(service, id);
  require_own(caller, w, "read the conflicts of");
  auto& store = service.store();
  const auto trees = with_severity(store.conflicts().tree_work_conflicts_for_work(id), wanted);
  const auto works = store.conflicts().work_work_conflicts_for_work(id);
  json body = {{"work_id", id}, {"status", geo::to_string(w.status)}};
  body["conflicts"] = conflicts_json(store, trees, works, id, crs, service.srid());
  body["links"] = work_links(req, id);
  Response res = json_response(body);
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

Response tree_conflicts(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_conflict_reader(caller);
  only_params(req, {"severity", "crs"});
  single_params(req);
  const auto wanted = severity_filter(req);
  const auto crs = parse_crs_param(req, service.srid());
  const auto id = path_id(req, "id", "tree");
  auto& store = service.store();
  const auto tree = store.trees().find(id);
  if (!tree) throw not_found("tree", id);
  auto conflicts = with_severity(store.conflicts().tree_work_conflicts_for_tree(id), wanted);
  if (caller.has_role(Role::contractor)) {
    // A contractor sees the conflicts of its own organisation's works only.
    std::erase_if(conflicts, [&](const geo::TreeWorkConflict& c) {
      return !caller.sees_details_of(store.works().get(c.work_id));
    });
  }
  json features = json::array();
  for (const auto& c : conflicts)
    features.push_back(conflict_feature(c, tree->location, crs, service.srid()));
  Response res = json_response({{"type", "FeatureCollection"},
                                {"tree_id", id},
                                {"features", features},
                                {"numberReturned", features.size()}},
                               kGeoJson);
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

// ---- acknowledgements

std::string ack_comment(const json& body) {
  for (const auto& [name, value] : body.items()) {
    if (name != "comment") {
      throw Problem{400,
                    "Invalid request body",
                    name + ": not a member of an acknowledgement (comment)",
                    "about:blank",
                    {}};
    }
    if (!value.is_string()) {
      throw Problem{400, "Invalid request body", "comment: must be a string", "about:blank", {}};
    }
  }
  const auto comment = body.value("comment", std::string());
  if (comment.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw unprocessable("comment: missing (an acknowledgement says why the conflict is accepted)");
  }
  return comment;
}

Response acknowledge_tree_conflict(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::planner, Role::admin}, "acknowledge conflicts");
  only_params(req, {});
  const auto id = path_id(req, "id", "conflict");
  const auto comment = ack_comment(json_body(req));
  const auto ack = service.live_conflicts().write([&](LiveConflicts::Session& s) {
    try {
      auto c = s.store.conflicts().acknowledge_tree_work_conflict(
          id, {.user = caller.name(), .at = {}, .comment = comment});
      const auto at = s.store.trees().get(c.tree_id).location;
      s.changed.areas.push_back({at.x, at.y, at.x, at.y});
      return std::pair(c, at);
    } catch (const storage::NotFound&) {
      throw not_found("conflict", id);
    }
  });
  const auto crs = parse_crs_param(req, service.srid());
  return json_response(conflict_feature(ack.first, ack.second, crs, service.srid()), kGeoJson);
}

Response acknowledge_work_clash(Service& service, Request& req) {
  const auto caller = authenticate(req, service);
  require_role(caller, {Role::planner, Role::admin}, "acknowledge conflicts");
  only_params(req, {});
  const auto work_id = path_id(req, "id", "work");
  const auto clash_id = path_id(req, "clash", "work clash");
  const auto comment = ack_comment(json_body(req));
  const auto c = service.live_conflicts().write([&](LiveConflicts::Session& s) {
    std::optional<geo::WorkWorkConflict> found;
    for (const auto& k : s.store.conflicts().work_work_conflicts_for_work(work_id)) {
      if (k.id == clash_id) found = k;
    }
    if (!found) {
      throw Problem{404,
                    "Not Found",
                    "no clash " + std::to_string(clash_id) + " of work " + std::to_string(work_id),
                    "about:blank",
                    {}};
    }
    auto acked = s.store.conflicts().acknowledge_work_work_conflict(
        clash_id, {.user = caller.name(), .at = {}, .comment = comment});
    for (const auto w : {acked.work_a, acked.work_b}) {
      s.changed.areas.push_back(work_footprint(s.store.works().get(w)));
    }
    return acked;
  });
  return json_response(work_clash_json(c, work_id));
}

}  // namespace

void add_work_routes(Router& router, Service& service) {
  const auto bind = [&service](Response (*f)(Service&, Request&)) {
    return [&service, f](Request& req) { return f(service, req); };
  };
  const std::string item = "/collections/works/items/:id";
  router.add(Method::post, "/collections/works/items", bind(submit));
  router.add(Method::put, item, bind(replace));
  router.add(Method::patch, item, bind(patch));
  router.add(Method::del, item, bind(cancel));
  router.add(Method::post, item + "/status", bind(change_status));
  router.add(Method::get, item + "/history", bind(history));
  router.add(Method::get, item + "/conflicts", bind(work_conflicts));
  router.add(Method::post, item + "/clashes/:clash/acknowledgement", bind(acknowledge_work_clash));
  router.add(Method::get, "/collections/trees/items/:id/conflicts", bind(tree_conflicts));
  router.add(Method::post, "/collections/conflicts/items/:id/acknowledgement",
             bind(acknowledge_tree_conflict));
}

}  // namespace rootzone::api
