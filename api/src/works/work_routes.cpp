// The works side of the API: submission with the conflicts in the answer, edits while the
// contractor holds the work, lifecycle transitions, history, conflicts per work and per tree,
// acknowledgements. The rules are core's use cases (core/work_cases.hpp); this file reads
// requests and writes answers.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "ogc/feature_json.hpp"
#include "ogc/items_query.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/storage/store.hpp"
#include "route.hpp"
#include "routes.hpp"
#include "works/preview_routes.hpp"
#include "works/work_body.hpp"
#include "works/work_json.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using core::Action;
using geo::WorkStatus;
using nlohmann::json;

constexpr const char* kGeoJson = "application/geo+json";

std::string work_url(const Request& req, std::int64_t id) {
  return base_url(req) + "/collections/works/items/" + std::to_string(id);
}

json work_links(const Request& req, std::int64_t id) {
  const auto self = work_url(req, id);
  return {{{"href", self}, {"rel", "self"}, {"type", kGeoJson}},
          {{"href", self + "/conflicts"}, {"rel", "conflicts"}, {"type", "application/json"}},
          {{"href", self + "/history"}, {"rel", "history"}, {"type", "application/json"}},
          {{"href", self + "/statement"}, {"rel", "statement"}, {"type", "text/html"}},
          {{"href", base_url(req) + "/collections/works"},
           {"rel", "collection"},
           {"type", "application/json"}}};
}

// The work in detail with its conflicts: what the submitter and the reviewer act on.
json work_answer_json(Service& service, const Request& req, const geo::Work& w,
                      const core::WorkConflicts& conflicts, const OutputCrs& crs) {
  json f = work_feature(w, crs, service.srid(), true);
  f["conflicts"] = conflicts_json(conflicts, w, crs, service.srid());
  if (!conflicts.geometry_note.empty()) f["geometry_note"] = conflicts.geometry_note;
  f["links"] = work_links(req, w.id);
  return f;
}

Response work_answer(const json& body, const geo::Work& w, const OutputCrs& crs, int status) {
  Response res = json_response(body, kGeoJson);
  res.status = status;
  res.header("ETag", etag("work", w.id, w.version));
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

// ---- POST /collections/works/items

Response submit(Service& service, Call& call) {
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto body = json_body(call.req);
  geo::Work w;
  w.source = "api";
  w.status = WorkStatus::submitted;
  w.contractor = core::submitting_organisation(call.caller, named_contractor(body));
  apply_work_body(w, body, call.req, service.srid(), WorkBodyMode::create, work_limits(service));
  const auto answer = core::submit_work(service.app(), call.caller, w);
  auto res = work_answer(work_answer_json(service, call.req, answer.work, answer.conflicts, crs),
                         answer.work, crs, 201);
  res.header("Location", work_url(call.req, answer.work.id));
  return res;
}

// ---- PUT / PATCH /collections/works/items/{id}

Response edit(Service& service, Call& call, WorkBodyMode mode) {
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto id = call.id();
  core::find_work(service.store(), id);
  const auto expected = if_match_version(call.req, "work", id);
  const auto body = json_body(call.req);
  const auto answer = core::edit_work(service.app(), call.caller, id, expected, [&](geo::Work& w) {
    apply_work_body(w, body, call.req, service.srid(), mode, work_limits(service));
  });
  return work_answer(work_answer_json(service, call.req, answer.work, answer.conflicts, crs),
                     answer.work, crs, 200);
}

// ---- status transitions (and DELETE, which is the cancellation)

Response change_status(Service& service, Call& call) {
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto id = call.id();
  core::find_work(service.store(), id);
  const auto expected = if_match_version(call.req, "work", id);
  const auto r = status_request(json_body(call.req));
  const auto moved = core::move_work(service.app(), call.caller, id, expected, r);
  auto body = work_answer_json(service, call.req, moved.work, moved.conflicts, crs);
  body["change"] = status_change_json(moved.change);
  return work_answer(body, moved.work, crs, 200);
}

// DELETE cancels: every work and its history are kept.
Response cancel(Service& service, Call& call) {
  const auto id = call.id();
  core::find_work(service.store(), id);
  const auto expected = if_match_version(call.req, "work", id);
  const auto moved = core::cancel_work(service.app(), call.caller, id, expected);
  Response res;
  res.status = 204;
  res.content_type.clear();
  res.header("ETag", etag("work", id, moved.work.version));
  return res;
}

// ---- reads: history and conflicts

Response history(Service& service, Call& call) {
  const auto id = call.id();
  json rows = json::array();
  for (const auto& c : core::work_history(service.app(), call.caller, id)) {
    rows.push_back(status_change_json(c));
  }
  return json_response({{"work_id", id}, {"history", rows}, {"links", work_links(call.req, id)}});
}

Problem invalid_param(std::string detail) {
  return Problem{400,
                 "Invalid query parameter",
                 std::move(detail),
                 "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid",
                 {}};
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
      throw invalid_param("severity=" + *given + ": '" + name +
                          "' is not critical, high or medium");
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
    if (n > 1) throw invalid_param(std::string(name) + ": given more than once");
  }
}

Response work_conflicts(Service& service, Call& call) {
  single_params(call.req);
  const auto wanted = severity_filter(call.req);
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto id = call.id();
  const auto stored = core::conflicts_of_work(service.app(), call.caller, id);
  json body = {{"work_id", id}, {"status", geo::to_string(stored.work.status)}};
  body["conflicts"] = conflicts_json(service.store(), with_severity(stored.trees, wanted),
                                     stored.works, id, crs, service.srid());
  body["links"] = work_links(call.req, id);
  Response res = json_response(body);
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

Response tree_conflicts(Service& service, Call& call) {
  single_params(call.req);
  const auto wanted = severity_filter(call.req);
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto id = call.id();
  const auto stored = core::conflicts_of_tree(service.app(), call.caller, id);
  json features = json::array();
  for (const auto& c : with_severity(stored.conflicts, wanted)) {
    features.push_back(conflict_feature(c, stored.location, crs, service.srid()));
  }
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
  return body.value("comment", std::string());
}

Response acknowledge_tree_conflict(Service& service, Call& call) {
  const auto comment = ack_comment(json_body(call.req));
  const auto [conflict, at] =
      core::acknowledge_tree_conflict(service.app(), call.caller, call.id(), comment);
  const auto crs = parse_crs_param(call.req, service.srid());
  return json_response(conflict_feature(conflict, at, crs, service.srid()), kGeoJson);
}

Response acknowledge_work_clash(Service& service, Call& call) {
  const auto work_id = call.id();
  const auto comment = ack_comment(json_body(call.req));
  const auto c =
      core::acknowledge_work_clash(service.app(), call.caller, work_id, call.id("clash"), comment);
  return json_response(work_clash_json(c, work_id));
}

}  // namespace

void add_work_routes(Router& router, Service& service) {
  const auto add = [&](RouteSpec spec, CallHandler f) {
    add_route(router, service, std::move(spec), std::move(f));
  };
  const std::string items = "/collections/works/items";
  const std::string item = items + "/:id";
  const std::vector<std::pair<std::string, std::string>> work_id = {{"id", "work"}};
  const std::vector<std::string> crs = {"crs"};
  const std::vector<std::string> none;
  add({Method::post, items, Action::submit_works, crs, {}}, submit);
  add_preview_route(router, service);
  add({Method::put, item, Action::edit_works, crs, work_id},
      [](Service& s, Call& c) { return edit(s, c, WorkBodyMode::replace); });
  add({Method::patch, item, Action::edit_works, crs, work_id},
      [](Service& s, Call& c) { return edit(s, c, WorkBodyMode::merge); });
  add({Method::del, item, Action::cancel_works, none, work_id}, cancel);
  add({Method::post, item + "/status", Action::change_work_status, crs, work_id}, change_status);
  // Who reads a work's history depends on the work (a contractor: its own): the use case.
  add({Method::get, item + "/history", std::nullopt, none, work_id}, history);
  const std::vector<std::string> filters = {"severity", "crs"};
  add({Method::get, item + "/conflicts", Action::read_conflicts, filters, work_id}, work_conflicts);
  add({Method::post,
       item + "/clashes/:clash/acknowledgement",
       Action::acknowledge_conflicts,
       none,
       {{"id", "work"}, {"clash", "work clash"}}},
      acknowledge_work_clash);
  add({Method::get,
       "/collections/trees/items/:id/conflicts",
       Action::read_conflicts,
       filters,
       {{"id", "tree"}}},
      tree_conflicts);
  add({Method::post,
       "/collections/conflicts/items/:id/acknowledgement",
       Action::acknowledge_conflicts,
       none,
       {{"id", "conflict"}}},
      acknowledge_tree_conflict);
}

}  // namespace rootzone::api
