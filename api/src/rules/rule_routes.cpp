// GET /rules and GET /rules/active: which ordinance derives the protected status of the trees,
// for everyone (issue 17). Read only: the rule set is chosen and changed with `rootzone rules`
// (docs/rules.md). Both answers carry a strong ETag of their bytes and are revalidated
// (no-cache): another process's `rules use` changes them without the server writing anything.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openapi_parts.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/tile_cache.hpp"
#include "rootzone/tiles/tile_service.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

json link(const std::string& href, const char* rel, const char* title) {
  return {{"href", href}, {"rel", rel}, {"type", "application/json"}, {"title", title}};
}

// The body with its ETag; 304 without it when If-None-Match names it.
Response revalidated(const Request& req, std::string body) {
  Response res;
  const auto tag = tiles::etag_of(body);
  res.header("ETag", tag);
  res.header("Cache-Control", "public, no-cache");
  if (const auto inm = req.header("if-none-match"); inm && tiles::etag_matches(*inm, tag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.body = std::move(body);
  return res;
}

// The shipped rule sets first, the default first among them (RuleSet::builtin_names), then the
// store's own by name. A stored rule set is what the store uses, so its citation wins over
// the shipped one of the same name.
Response rule_sets(Service& service, Call& call) {
  auto& store = service.store();
  std::vector<std::string> stored;
  geo::RuleSet active;
  std::vector<geo::RuleSet> listed;
  {
    storage::StoreSnapshot snapshot(store);  // names and active from one state
    auto& repo = store.rule_sets();
    stored = repo.names();
    active = repo.active();
    for (const auto name : geo::RuleSet::builtin_names()) {
      const auto kept = repo.get(name);
      listed.push_back(kept ? *kept : *geo::RuleSet::builtin(name));
    }
    for (const auto& name : stored) {
      if (!geo::RuleSet::builtin(name)) listed.push_back(*repo.get(name));
    }
  }
  const auto base = base_url(call.req);
  json sets = json::array();
  for (const auto& r : listed) {
    const bool is_stored = std::find(stored.begin(), stored.end(), r.name) != stored.end();
    sets.push_back({{"name", r.name},
                    {"ordinance", r.ordinance},
                    {"active", r.name == active.name},
                    {"shipped", geo::RuleSet::builtin(r.name).has_value()},
                    {"stored", is_stored}});
  }
  const json body = {{"active", active.name},
                     {"rule_sets", sets},
                     {"links",
                      {link(base + "/rules", "self", "The rule sets"),
                       link(base + "/rules/active", "item", "The active rule set as its file")}}};
  return revalidated(call.req, body.dump());
}

// The active rule set exactly as a rule set file (docs/rules.md "The rule set file"): saved,
// it can be given to `rootzone rules add` as it is.
Response active_rule_set(Service& service, Call& call) {
  auto res = revalidated(call.req, service.store().rule_sets().active().to_json());
  res.header("Link", "<" + base_url(call.req) + "/rules>; rel=\"collection\"");
  return res;
}

}  // namespace

void add_rule_routes(Router& router, Service& service) {
  // Public reads: the role table's "read" for everyone; no query parameter is taken.
  add_route(router, service, {Method::get, "/rules", std::nullopt, std::vector<std::string>{}, {}},
            rule_sets);
  add_route(router, service,
            {Method::get, "/rules/active", std::nullopt, std::vector<std::string>{}, {}},
            active_rule_set);
}

void describe_rule_routes(nlohmann::json& paths) {
  using openapi::with_headers;
  const std::pair<const char*, const char*> etag = {"ETag", "A strong ETag of the answer"};
  const std::pair<const char*, const char*> cache = {"Cache-Control", "public, no-cache"};
  const auto answers = [&](json ok) {
    json r = {{"200", with_headers(std::move(ok), {etag, cache})},
              {"304", with_headers(openapi::empty_response("Not modified (If-None-Match)"),
                                   {etag, cache})}};
    openapi::add_problems(r, {400, 401});
    return r;
  };
  paths["/rules"] = {
      {"get",
       {{"summary", "The rule sets: shipped and stored, which is active, each one's citation"},
        {"responses", answers(openapi::response("The rule sets", "RuleSets"))}}}};
  paths["/rules/active"] = {
      {"get",
       {{"summary",
         "The active rule set as a rule set file (docs/rules.md), its citation in ordinance"},
        {"responses", answers(with_headers(openapi::response("The active rule set", "RuleSet"),
                                           {{"Link", "<.../rules>; rel=\"collection\""}}))}}}};
}

}  // namespace rootzone::api
