// OGC API - Features Part 1 (core, geojson, oas30), Part 2 (crs), Part 3 (queryables, filter
// with CQL2: docs/filtering.md).
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "auth/auth.hpp"
#include "crs_uris.hpp"
#include "ogc/feature_json.hpp"
#include "ogc/items_query.hpp"
#include "ogc/sort_cursor.hpp"
#include "ogc/tree_pages.hpp"
#include "rootzone/core/application.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;
using storage::Collection;

constexpr const char* kGeoJson = "application/geo+json";

struct CollectionInfo {
  const char* id;
  Collection collection;
  const char* title;
  const char* description;
};

constexpr CollectionInfo kCollections[] = {
    {"trees", Collection::trees, "Trees",
     "The city's tree cadastre: species, size, condition and protected status"},
    {"works", Collection::works, "Works",
     "Construction works with their kind, time window and lifecycle status"},
    {"conflicts", Collection::tree_work_conflicts, "Conflicts",
     "Works reaching into protection zones of protected trees, with severity and rule"},
};

const CollectionInfo& collection_of(const Request& req) {
  const auto id = req.param("collection");
  for (const auto& c : kCollections) {
    if (id == c.id) return c;
  }
  throw Problem{404,
                "Unknown collection",
                "no collection '" + id + "': trees, works, conflicts",
                "about:blank",
                {}};
}

json link(const std::string& href, const char* rel, const char* type,
          const std::string& title = "") {
  json l = {{"href", href}, {"rel", rel}, {"type", type}};
  if (!title.empty()) l["title"] = title;
  return l;
}

std::string epsg_uri(int code) {
  return "http://www.opengis.net/def/crs/EPSG/0/" + std::to_string(code);
}

json collection_json(Service& service, const CollectionInfo& c, const std::string& base) {
  auto& store = service.store();
  const std::string self = base + "/collections/" + c.id;
  json out = {{"id", c.id},
              {"title", c.title},
              {"description", c.description},
              {"itemType", "feature"},
              {"crs", supported_crs_uris(service.srid())},
              {"storageCrs", epsg_uri(service.srid())},
              {"links",
               {link(self, "self", "application/json", c.title),
                link(self + "/items", "items", kGeoJson, c.title + std::string(" as GeoJSON")),
                link(self + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                     "application/schema+json", "Queryables")}}};
  if (const auto box = storage::extent(store, c.collection)) {
    // Corners and edges into CRS84: the envelope of the transformed outline.
    const auto* t = thread_transformer(service.srid(), 4326);
    double w = 180, s = 90, e = -180, n = -90;
    for (int i = 0; i <= 10; ++i) {
      const double f = i / 10.0;
      const double x = box->minx + f * (box->maxx - box->minx);
      const double y = box->miny + f * (box->maxy - box->miny);
      for (geo::Point p : {geo::Point{x, box->miny}, geo::Point{x, box->maxy},
                           geo::Point{box->minx, y}, geo::Point{box->maxx, y}}) {
        if (t != nullptr) p = t->forward(p);
        w = std::min(w, p.x);
        s = std::min(s, p.y);
        e = std::max(e, p.x);
        n = std::max(n, p.y);
      }
    }
    out["extent"]["spatial"] = {{"bbox", {{w, s, e, n}}}, {"crs", kCrs84}};
  }
  if (c.collection == Collection::works) {
    if (const auto time = storage::works_time_extent(store)) {
      out["extent"]["temporal"] = {
          // Explicit arrays: a braced pair of strings would become a JSON object.
          {"interval", json::array({json::array(
                           {geo::format_utc(time->first), geo::format_utc(time->second)})})},
          {"trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}};
    }
  }
  return out;
}

Response landing(Service& service, Request& req) {
  if (wants_page(req)) {
    Response to_page;
    to_page.status = 303;
    to_page.content_type.clear();
    return to_page.header("Location", "/map").header("Vary", "Accept");
  }
  const auto base = base_url(req);
  return json_response(
      {{"title", service.options().title},
       {"description",
        "Protected trees and construction works: OGC API - Features, conflicts after DIN 18920, "
        "RAS-LP 4 and BS 5837"},
       {"links",
        {link(base + "/", "self", "application/json", "This document"),
         link(base + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0",
              "The API definition"),
         link(base + "/conformance", "conformance", "application/json", "Conformance classes"),
         link(base + "/collections", "data", "application/json", "Collections"),
         link(base + "/rules", "describedby", "application/json",
              "The ordinance that derives the trees' protection (rule sets)")}}});
}

Response conformance(Service&, Request&) {
  return json_response(
      {{"conformsTo",
        {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
         "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
         "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
         "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
         "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
         "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
         "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
         "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
         "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
         "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
         "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
         "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
         "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
         "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
         "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
         "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions"}}});
}

Response collections(Service& service, Request& req) {
  const auto base = base_url(req);
  json list = json::array();
  for (const auto& c : kCollections) list.push_back(collection_json(service, c, base));
  return json_response({{"links", {link(base + "/collections", "self", "application/json")}},
                        {"collections", list},
                        {"crs", supported_crs_uris(service.srid())}});
}

Response one_collection(Service& service, Request& req) {
  return json_response(collection_json(service, collection_of(req), base_url(req)));
}

Response queryables(Service&, Request& req) {
  const auto& c = collection_of(req);
  json props = json::object();
  for (const auto& q : storage::queryables(c.collection)) {
    const char* type = "string";
    switch (q.type) {
      case storage::QueryableType::string:
        type = "string";
        break;
      case storage::QueryableType::number:
        type = "number";
        break;
      case storage::QueryableType::integer:
        type = "integer";
        break;
      case storage::QueryableType::boolean:
        type = "boolean";
        break;
    }
    if (q.geometry()) {
      // Part 3: a geometry is described by its format and role, not a JSON type.
      props[q.name] = {{"title", q.name},
                       {"description", q.description},
                       {"format", q.format},
                       {"x-ogc-role", "primary-geometry"}};
      continue;
    }
    props[q.name] = {{"title", q.name}, {"description", q.description}, {"type", type}};
    if (!q.format.empty()) props[q.name]["format"] = q.format;
    if (q.format == "date-time" && q.name == "starts_at") {
      props[q.name]["x-ogc-role"] = "primary-instant";
    }
  }
  return json_response({{"$schema", "https://json-schema.org/draft/2019-09/schema"},
                        {"$id", base_url(req) + "/collections/" + c.id + "/queryables"},
                        {"type", "object"},
                        {"title", c.title},
                        {"properties", props},
                        {"additionalProperties", false}},
                       "application/schema+json");
}

// Conflicts are not public: 401 for the public, 403 for field staff; a contractor reads only
// its own works' conflicts (the items filter them by its organisation, so one without is
// refused: its empty organisation would match every work imported without a contractor).
void require_reader(const Caller& caller, Collection collection) {
  if (collection == Collection::tree_work_conflicts) {
    core::require(caller, core::Action::read_conflicts);
    core::require_organisation(caller, "its own organisation's works' conflicts");
  }
}

Response items(Service& service, TreePages& memory, Call& call) {
  auto& req = call.req;
  const auto& caller = call.caller;
  const auto& c = collection_of(req);
  require_reader(caller, c.collection);
  auto& store = service.store();
  const int srid = service.srid();
  ItemsRequest r = parse_items_request(req, c.collection, srid, service.options());
  if (c.collection == Collection::tree_work_conflicts && caller.has_role(geo::Role::contractor)) {
    r.query.work_contractor = caller.user->organisation;
  }

  // The page is written as text as it is read: no DOM for a hundred features.
  std::string body;
  body.reserve(1024 + static_cast<std::size_t>(r.query.limit) * 800);  // a tree is ~720 bytes
  JsonWriter out(body);
  out.begin_object().key("type").string("FeatureCollection").key("features").begin_array();
  std::size_t count = 0;
  std::int64_t matched = 0;
  bool more = false;
  std::int64_t last_id = 0;
  std::vector<storage::SortValue> last_sort;
  const auto take = [&](const auto& page, const auto& write_feature) {
    for (const auto& item : page.items) write_feature(item);
    count = page.items.size();
    matched = page.matched;
    more = page.more;
    if (!page.items.empty()) last_id = page.items.back().id;
    last_sort = page.last_sort;
  };
  switch (c.collection) {
    case Collection::trees:
      if (const auto held = memory.page(store, r.query, r.crs, body)) {
        count = held->count;
        matched = held->matched;
        more = held->more;
        last_id = held->last_id;
        break;
      }
      take(storage::query_trees(store, r.query),
           [&](const geo::Tree& t) { write_tree_feature(out, t, r.crs, srid); });
      break;
    case Collection::works:
      take(storage::query_works(store, r.query), [&](const geo::Work& w) {
        out.raw(work_feature(w, r.crs, srid, caller.sees_details_of(w)).dump());
      });
      break;
    case Collection::tree_work_conflicts:
      take(storage::query_tree_work_conflicts(store, r.query), [&](const geo::TreeWorkConflict& k) {
        out.raw(conflict_feature(k, store.trees().get(k.tree_id).location, r.crs, srid).dump());
      });
      break;
  }
  const auto base = base_url(req) + "/collections/" + c.id;
  const auto self_query = encoded_query(req);
  json links = {
      link(base + "/items" + (self_query.empty() ? "" : "?" + self_query), "self", kGeoJson),
      link(base, "collection", "application/json")};
  if (more) {
    // Sorted: a token of the last feature's sort values and id; else the id, as always.
    const auto next = r.query.sort.empty()
                          ? encoded_query(req, last_id)
                          : encoded_query(req, std::optional(encode_cursor(last_sort, last_id)));
    links.push_back(link(base + "/items?" + next, "next", kGeoJson));
  }
  out.end_array();
  out.key("numberMatched").integer(matched);
  out.key("numberReturned").integer(static_cast<std::int64_t>(count));
  out.key("timeStamp").string(geo::format_utc(geo::now_utc()));
  out.key("links").raw(links.dump());
  out.end_object();
  Response res;
  res.content_type = kGeoJson;
  res.body = std::move(body);
  res.header("Content-Crs", "<" + r.crs.uri + ">");
  return res;
}

Response item(Service& service, Call& call) {
  auto& req = call.req;
  const auto& caller = call.caller;
  const auto& c = collection_of(req);
  require_reader(caller, c.collection);
  const auto crs = parse_crs_param(req, service.srid());
  const auto id = call.id();
  auto& store = service.store();
  const auto base = base_url(req) + "/collections/" + c.id;
  json feature;
  std::string tag;
  try {
    switch (c.collection) {
      case Collection::trees: {
        const auto t = store.trees().get(id);
        feature = tree_feature(t, crs, service.srid());
        tag = etag("tree", t.id, t.version);
        break;
      }
      case Collection::works: {
        const auto w = store.works().get(id);
        feature = work_feature(w, crs, service.srid(), caller.sees_details_of(w));
        tag = etag("work", w.id, w.version);
        break;
      }
      case Collection::tree_work_conflicts: {
        const auto k = store.conflicts().tree_work_conflict(id);
        if (caller.has_role(geo::Role::contractor) &&
            !caller.sees_details_of(store.works().get(k.work_id))) {
          throw Problem{403,
                        "Forbidden",
                        "conflict " + std::to_string(id) + " belongs to work " +
                            std::to_string(k.work_id) +
                            " of another organisation: a contractor reads only its own works' "
                            "conflicts",
                        "about:blank",
                        {}};
        }
        feature = conflict_feature(k, store.trees().get(k.tree_id).location, crs, service.srid());
        break;
      }
    }
  } catch (const storage::NotFound&) {
    throw Problem{404,
                  "Feature not found",
                  std::string("no feature ") + std::to_string(id) + " in " + c.id,
                  "about:blank",
                  {}};
  }
  feature["links"] = {link(base + "/items/" + std::to_string(id), "self", kGeoJson),
                      link(base, "collection", "application/json")};
  Response res = json_response(feature, kGeoJson);
  res.header("Content-Crs", "<" + crs.uri + ">");
  if (!tag.empty()) res.header("ETag", tag);
  return res;
}

Response openapi(Service& service, Request&) {
  return json_response(openapi_document(service), "application/vnd.oai.openapi+json;version=3.0");
}

}  // namespace

namespace {

// host[:port] as RFC 3986 writes it (a name or IPv4 of letters, digits, '-', '.', '_', '~',
// or a bracketed IPv6 literal), nothing else: a header goes into links and Location only when
// it cannot inject into them (bytes that are not UTF-8 made a committed POST answer 500).
bool valid_authority(std::string_view a) {
  if (a.empty() || a.size() > 261) return false;
  std::string_view host = a;
  if (a.front() == '[') {
    const auto close = a.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    for (const char c : a.substr(1, close - 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') return false;
    }
    host = {};
    a.remove_prefix(close + 1);
  } else {
    const auto colon = a.find(':');
    host = a.substr(0, colon);
    a = colon == std::string_view::npos ? std::string_view{} : a.substr(colon);
    if (host.empty()) return false;
  }
  for (const char c : host) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.' && c != '_' &&
        c != '~') {
      return false;
    }
  }
  if (a.empty()) return true;
  if (a.front() != ':' || a.size() < 2 || a.size() > 6) return false;
  return a.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string base_url(const Request& req) {
  if (!req.public_url.empty()) return req.public_url;  // serve --public-url: headers ignored
  auto proto = req.header("x-forwarded-proto").value_or("http");
  if (proto != "https") proto = "http";
  for (const char* name : {"x-forwarded-host", "host"}) {
    if (const auto h = req.header(name); h && valid_authority(*h)) return proto + "://" + *h;
  }
  return proto + "://" + (req.local.empty() ? std::string("127.0.0.1") : req.local);
}

std::optional<std::int64_t> canonical_integer(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 0 || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  return v;
}

std::int64_t path_id(const Request& req, const char* param, const char* what) {
  const auto text = req.param(param);
  if (const auto id = canonical_integer(text); id && *id > 0) return *id;
  throw Problem{404, "Not Found", std::string("no ") + what + " '" + text + "'", "about:blank", {}};
}

Response json_response(const nlohmann::json& body, std::string content_type) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = body.dump();
  return r;
}

void add_feature_routes(Router& router, Service& service) {
  // Reads every role may make; the conflicts collection asks the policy in its handlers. The
  // items query checks its own parameters (items_query.cpp).
  const auto add = [&](RouteSpec spec, CallHandler f) {
    add_route(router, service, std::move(spec), std::move(f));
  };
  const auto plain = [&](const char* pattern, Response (*f)(Service&, Request&)) {
    add({Method::get, pattern, std::nullopt, std::nullopt, {}},
        [f](Service& s, Call& c) { return f(s, c.req); });
  };
  plain("/", landing);
  plain("/conformance", conformance);
  plain("/api", openapi);
  plain("/collections", collections);
  plain("/collections/:collection", one_collection);
  plain("/collections/:collection/queryables", queryables);
  // Tree pages from memory, kept current by every write (ogc/tree_pages.hpp);
  // ROOTZONE_ITEMS_FROM_SQL=1 turns them off for tests and benchmarks that compare.
  auto& app = service.app();
  const char* sql_only = std::getenv("ROOTZONE_ITEMS_FROM_SQL");
  auto memory = std::make_shared<TreePages>(
      service.store(), service.srid(), sql_only == nullptr || std::string_view(sql_only) != "1",
      [&app](const std::function<void()>& f) { app.live().between_writes(f); });
  app.on_change([memory, &app](const core::DataChange& change) {
    memory->changed(app.store(), change.areas, change.everything, change.generation);
  });
  add({Method::get, "/collections/:collection/items", std::nullopt, std::nullopt, {}},
      [memory](Service& s, Call& c) { return items(s, *memory, c); });
  add({Method::get,
       "/collections/:collection/items/:id",
       std::nullopt,
       std::vector<std::string>{"crs", "f"},
       {{"id", "feature"}}},
      item);
}

}  // namespace rootzone::api
