// The OpenAPI 3.0 document at /api: every endpoint, with the limits the handlers enforce.
#include <nlohmann/json.hpp>

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

json response(const std::string& description, const std::string& type) {
  return {{"description", description}, {"content", {{type, {{"schema", {{"type", "object"}}}}}}}};
}

json problem() { return response("Problem details (RFC 7807)", "application/problem+json"); }

}  // namespace openapi

json openapi_document(const Service& service) {
  using openapi::param;
  using openapi::problem;
  using openapi::response;
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
  json paths = {
      {"/", {{"get", {{"summary", "Landing page"}, {"responses", {{"200", response("Links")}}}}}}},
      {"/conformance",
       {{"get",
         {{"summary", "Conformance classes"}, {"responses", {{"200", response("conformsTo")}}}}}}},
      {"/api",
       {{"get",
         {{"summary", "This document"}, {"responses", {{"200", response("OpenAPI 3.0")}}}}}}},
      {"/collections",
       {{"get", {{"summary", "Collections"}, {"responses", {{"200", response("Collections")}}}}}}},
      {"/health", {{"get", {{"summary", "Liveness"}, {"responses", {{"200", response("ok")}}}}}}},
  };
  for (const auto& [id, collection] :
       {std::pair<std::string, storage::Collection>{"trees", storage::Collection::trees},
        {"works", storage::Collection::works},
        {"conflicts", storage::Collection::tree_work_conflicts}}) {
    json params = common_params;
    if (collection == storage::Collection::works) {
      params.push_back(param("datetime", "query", {{"type", "string"}},
                             "Instant or interval (RFC 3339, '..' open): works whose time window "
                             "intersects it"));
    }
    for (const auto& q : storage::queryables(collection)) {
      params.push_back(param(q.name, "query", {{"type", schema_type(q.type)}},
                             "Equals filter (queryable): " + q.description));
    }
    describe_filter_parameters(params, id, service);
    const std::string base = "/collections/" + id;
    paths[base] = {{"get",
                    {{"summary", "The " + id + " collection"},
                     {"responses", {{"200", response("Collection")}, {"404", problem()}}}}}};
    paths[base + "/queryables"] = {
        {"get",
         {{"summary", "Queryables of " + id},
          {"responses", {{"200", response("JSON Schema", "application/schema+json")}}}}}};
    paths[base + "/items"] = {
        {"get",
         {{"summary", "Features of " + id},
          {"parameters", params},
          {"responses",
           {{"200", response("Features", "application/geo+json")}, {"400", problem()}}}}}};
    paths[base + "/items/{featureId}"] = {
        {"get",
         {{"summary", "One feature of " + id + " (with its ETag)"},
          {"parameters",
           {param("featureId", "path", {{"type", "integer"}}, "Feature id", true),
            param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
                  "CRS of the geometry")}},
          {"responses",
           {{"200", response("Feature", "application/geo+json")}, {"404", problem()}}}}}};
  }
  describe_tree_edit_routes(paths, service);
  describe_work_routes(paths, service);
  describe_tile_routes(paths, service);
  describe_web_routes(paths, service);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", o.title},
            {"version", "0.1.0"},
            {"description", "Protected trees and construction works (OGC API - Features)"}}},
          {"paths", paths}};
}

}  // namespace rootzone::api
