// The work preview: the body of a submission in, the submission's answer out, computed by the
// live engine's readers (core/work_preview.hpp) without storing anything. Rate-limited per API
// key, since a drawing client asks on every change.
#include "works/preview_routes.hpp"

#include <memory>
#include <string>

#include "ogc/feature_json.hpp"
#include "ogc/items_query.hpp"
#include "rate_limit.hpp"
#include "rootzone/core/work_preview.hpp"
#include "rootzone/geo/number_text.hpp"
#include "route.hpp"
#include "routes.hpp"
#include "works/work_body.hpp"
#include "works/work_json.hpp"
#include "write_limit.hpp"
#include "write_request.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

constexpr const char* kGeoJson = "application/geo+json";

// Per valid key: the route authenticated the key before, so its prefix names one key.
void limit(const Request& req, TokenBuckets& buckets, const ServiceOptions& o) {
  const auto verdict = buckets.take(api_key_prefix(req));
  if (verdict.allowed) return;
  const auto wait = std::to_string(verdict.retry_after_s);
  throw Problem{429,
                "Too Many Requests",
                "work previews: at most " + geo::number_text(o.preview_rate) +
                    " per second per API key (" + geo::number_text(o.preview_burst) +
                    " at once); retry in " + wait + " s",
                "about:blank",
                {{"Retry-After", wait}}};
}

// The other work of a clash: what the works' public layer shows of it, its contact only to
// those who see its details (core::ClashPartner).
json partner_json(const core::ClashPartner& p) {
  json out = {{"id", p.work.id},
              {"reference", p.work.reference},
              {"title", p.work.title},
              {"contractor", p.work.contractor},
              {"kind", geo::to_string(p.work.kind)},
              {"status", geo::to_string(p.work.status)},
              {"starts_at", geo::format_utc(p.work.starts_at)},
              {"ends_at", geo::format_utc(p.work.ends_at)}};
  if (p.details) out["contact"] = p.work.contact;
  return out;
}

// What a submission would answer, with null where the store would have given an id.
json preview_json(const core::WorkPreview& p, const OutputCrs& crs, int srid) {
  json f = work_feature(p.work, crs, srid, true);
  f["id"] = nullptr;
  json trees = json::array();
  for (std::size_t i = 0; i < p.conflicts.trees.size(); ++i) {
    const auto& c = p.conflicts.trees[i];
    const auto& tree = p.conflicts.zoned.at(i);
    auto feature = conflict_feature(c, tree.location, crs, srid);
    feature["id"] = nullptr;
    feature["properties"]["work_id"] = nullptr;
    add_clearance(feature["properties"], tree.zone, p.work.kind, c.min_distance_m);
    trees.push_back(std::move(feature));
  }
  json works = json::array();
  for (std::size_t i = 0; i < p.conflicts.works.size(); ++i) {
    const auto& c = p.conflicts.works[i];
    auto clash = work_clash_json(c, p.work.id);
    clash["id"] = nullptr;
    if (c.work_a == p.work.id) clash["work_a"] = nullptr;
    if (c.work_b == p.work.id) clash["work_b"] = nullptr;
    clash["other_work"] = partner_json(p.partners.at(i));
    works.push_back(std::move(clash));
  }
  f["conflicts"] = {{"trees", std::move(trees)}, {"works", std::move(works)}};
  if (!p.conflicts.geometry_note.empty()) f["geometry_note"] = p.conflicts.geometry_note;
  f["preview"] = true;
  return f;
}

Response preview(Service& service, Call& call, TokenBuckets& buckets) {
  limit(call.req, buckets, service.options());
  const auto crs = parse_crs_param(call.req, service.srid());
  const auto body = json_body(call.req);
  geo::Work w;
  w.source = "api";
  w.status = geo::WorkStatus::submitted;
  w.contractor = core::organisation_of_new_work(call.caller, named_contractor(body));
  apply_work_body(w, body, call.req, service.srid(), WorkBodyMode::create, work_limits(service));
  const auto answer = core::preview_work(service.app(), call.caller, std::move(w));
  Response res = json_response(preview_json(answer, crs, service.srid()), kGeoJson);
  res.header("Content-Crs", "<" + crs.uri + ">");
  return res;
}

}  // namespace

void add_preview_route(Router& router, Service& service) {
  const auto& o = service.options();
  auto buckets = std::make_shared<TokenBuckets>(o.preview_rate, o.preview_burst);
  add_route(router, service,
            {Method::post,
             "/collections/works/preview",
             core::Action::preview_works,
             std::vector<std::string>{"crs"},
             {},
             true},
            [buckets](Service& s, Call& c) { return preview(s, c, *buckets); });
}

}  // namespace rootzone::api
