// The OpenAPI 3.0 document at /api: every endpoint, with the limits the handlers enforce.
#include <nlohmann/json.hpp>
#include <tuple>

#include "crs_uris.hpp"
#include "openapi_parts.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

const char* schema_type(storage::QueryableType t) {
  switch (t) {
    case storage::QueryableType::number:
      return "number";
    case storage::QueryableType::integer:
      return "integer";
    case storage::QueryableType::boolean:
      return "boolean";
    case storage::QueryableType::string:
      break;
  }
  return "string";
}

}  // namespace

namespace openapi {

json param(const std::string& name, const std::string& in, const json& schema,
           const std::string& description, bool required) {
  return {{"name", name},
          {"in", in},
          {"required", required},
          {"schema", schema},
          {"description", description}};
}

}  // namespace openapi

json openapi_document(const Service& service) {
  using openapi::param;
  using openapi::response;
  using openapi::with_headers;
  const auto& o = service.options();
  const json crs_enum = supported_crs_uris(service.srid());
  const json common_params = {
      param("limit", "query",
            {{"type", "integer"},
             {"minimum", 1},
             {"maximum", o.max_limit},
             {"default", o.default_limit}},
            "Features per page; more than the maximum is refused with 400"),
      param("cursor", "query", {{"type", "integer"}, {"minimum", 0}},
            "Paging cursor from the next link (keyset paging: stable while features are added)"),
      param("bbox", "query",
            {{"type", "array"}, {"minItems", 4}, {"maxItems", 4}, {"items", {{"type", "number"}}}},
            "minx,miny,maxx,maxy in bbox-crs (default CRS84)"),
      param("bbox-crs", "query", {{"type", "string"}, {"enum", crs_enum}}, "CRS of bbox"),
      param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
            "CRS of the response geometries (default CRS84)"),
  };
  // Every route answers 401 to a wrong key (the route table authenticates before anything).
  const auto answers = [](json ok, std::initializer_list<int> problems) {
    openapi::add_problems(ok, problems);
    return ok;
  };
  const auto get = [&](const std::string& summary, json ok, std::initializer_list<int> problems) {
    return json{{"get", {{"summary", summary}, {"responses", answers(std::move(ok), problems)}}}};
  };
  json paths = {
      {"/", get("Landing page", {{"200", response("Links", "LandingPage")}}, {401})},
      {"/conformance",
       get("Conformance classes", {{"200", response("conformsTo", "Conformance")}}, {401})},
      {"/api", get("This document",
                   {{"200", response("OpenAPI 3.0", "OpenApiDocument",
                                     "application/vnd.oai.openapi+json;version=3.0")}},
                   {401})},
      {"/collections",
       get("Collections", {{"200", response("Collections", "Collections")}}, {401})},
      // Answered by the server itself, before routing and authentication.
      {"/health", get("Liveness", {{"200", response("ok", "Health")}}, {})},
  };
  const std::pair<const char*, const char*> content_crs = {"Content-Crs",
                                                           "CRS of the geometries, as <URI>"};
  // Trees and works carry a version (the ETag a change's If-Match names); conflicts do not.
  const auto item_ok = [&](json ok, storage::Collection c) {
    if (c == storage::Collection::tree_work_conflicts) return with_headers(ok, {content_crs});
    return with_headers(ok, {content_crs, {"ETag", "The feature's version"}});
  };
  for (const auto& [id, collection, feature] :
       {std::tuple<std::string, storage::Collection, std::string>{
            "trees", storage::Collection::trees, "TreeFeature"},
        {"works", storage::Collection::works, "WorkFeature"},
        {"conflicts", storage::Collection::tree_work_conflicts, "ConflictFeature"}}) {
    json params = common_params;
    if (collection == storage::Collection::works) {
      params.push_back(param("datetime", "query", {{"type", "string"}},
                             "Instant or interval (RFC 3339, '..' open): works whose time window "
                             "intersects it"));
    }
    for (const auto& q : storage::queryables(collection)) {
      if (q.geometry()) continue;  // filtered by bbox or CQL2's spatial functions, not equality
      params.push_back(param(q.name, "query", {{"type", schema_type(q.type)}},
                             "Equals filter (queryable): " + q.description));
    }
    // Conflicts are not public: 401 without a key, 403 for field staff (work_openapi.cpp).
    const bool guarded = collection == storage::Collection::tree_work_conflicts;
    describe_filter_parameters(params, id, service);
    const std::string base = "/collections/" + id;
    paths[base] =
        get("The " + id + " collection", {{"200", response("Collection", "Collection")}}, {401});
    paths[base + "/queryables"] =
        get("Queryables of " + id,
            {{"200", response("JSON Schema", "Queryables", "application/schema+json")}}, {401});
    paths[base + "/items"] = {
        {"get",
         {{"summary", "Features of " + id},
          {"parameters", params},
          {"responses", answers({{"200", with_headers(response("Features", feature + "Collection",
                                                               "application/geo+json"),
                                                      {content_crs})}},
                                guarded ? std::initializer_list<int>{400, 401, 403}
                                        : std::initializer_list<int>{400, 401})}}}};
    paths[base + "/items/{featureId}"] = {
        {"get",
         {{"summary", "One feature of " + id + " (with its ETag)"},
          {"parameters",
           {param("featureId", "path", {{"type", "integer"}}, "Feature id", true),
            param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
                  "CRS of the geometry")}},
          {"responses",
           answers(
               {{"200", item_ok(response("Feature", feature, "application/geo+json"), collection)}},
               guarded ? std::initializer_list<int>{400, 401, 403, 404}
                       : std::initializer_list<int>{400, 401, 404})}}}};
  }
  describe_tree_edit_routes(paths, service);
  describe_work_routes(paths, service);
  describe_work_review_routes(paths, service);
  describe_tile_routes(paths, service);
  describe_web_routes(paths, service);
  describe_rule_routes(paths);
  describe_write_limits(paths, service);
  openapi::add_problem_headers(paths);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", o.title},
            {"version", "0.1.0"},
            {"description",
             "Protected trees and construction works (OGC API - Features). Every refusal is "
             "application/problem+json (RFC 9457, components/schemas/Problem); beyond the "
             "statuses listed per path, a server shutting down answers 503 and a fault 500."}}},
          {"paths", paths},
          {"components", {{"schemas", openapi::component_schemas()}}}};
}

}  // namespace rootzone::api
