// The works overview and the work statement in the OpenAPI document (/api).
#include <nlohmann/json.hpp>

#include "crs_uris.hpp"
#include "openapi_parts.hpp"
#include "routes.hpp"

namespace rootzone::api {

void describe_work_review_routes(nlohmann::json& paths, const Service& service) {
  using nlohmann::json;
  using openapi::param;
  const json crs_enum = supported_crs_uris(service.srid());
  json statement_ok = {
      {"description",
       "The statement as one printable HTML document (German first, English second): the work, "
       "a map sketch (inline SVG), the conflict table, the clashes, the rules cited and the "
       "decision"},
      {"content", {{"text/html; charset=utf-8", {{"schema", {{"type", "string"}}}}}}}};
  statement_ok = openapi::with_headers(
      statement_ok,
      {{"Content-Security-Policy", "No script; inline styles and data: images only"}});
  json statement_answers = {{"200", statement_ok}};
  openapi::add_problems(statement_answers, {400, 401, 403, 404});
  paths["/collections/works/items/{featureId}/statement"]["get"] = {
      {"summary", "The printable statement on a work, for the permit"},
      {"description",
       "Planners and admins any work; a contractor its own organisation's works (403 for "
       "another's); public 401, field staff 403. Times in Europe/Berlin local time."},
      {"parameters", {param("featureId", "path", {{"type", "integer"}}, "Work id", true)}},
      {"responses", statement_answers}};

  json overview_answers = {
      {"200",
       openapi::with_headers(openapi::response("Works with their conflict counts", "WorksOverview"),
                             {{"Content-Crs", "CRS of the bbox members, as <URI>"}})}};
  openapi::add_problems(overview_answers, {400, 401, 403});
  paths["/collections/works/overview"]["get"] = {
      {"summary", "Works overview: the review queue and a contractor's own works"},
      {"description",
       "Works with their stored conflicts counted by severity, worst conflict first (critical, "
       "high, medium, none), then by starts_at, then by id. Planners and admins see every work; "
       "a contractor only its own organisation's (403 without one); public 401, field staff "
       "403. Unknown parameters are a 400."},
      {"parameters",
       {param("status", "query", {{"type", "string"}},
              "Comma-separated statuses (draft, submitted, approved, refused, changes_requested, "
              "in_progress, completed, cancelled); another name is a 400"),
        param("datetime", "query", {{"type", "string"}},
              "Instant or interval start/end (RFC 3339 date-time or date, '..' open): works whose "
              "time window overlaps it"),
        param(
            "bbox", "query",
            {{"type", "array"}, {"minItems", 4}, {"maxItems", 4}, {"items", {{"type", "number"}}}},
            "minlon,minlat,maxlon,maxlat (CRS84): works whose footprint meets it"),
        param("area", "query", {{"type", "string"}, {"maxLength", 32768}},
              "A GeoJSON Polygon or MultiPolygon geometry in CRS84, URL-encoded, at most 32 KiB: "
              "works whose footprint (width or radius included) meets it"),
        param("limit", "query",
              {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}},
              "Works per page"),
        param("offset", "query", {{"type", "integer"}, {"minimum", 0}, {"default", 0}},
              "Works to skip (the next link carries it)"),
        param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
              "CRS of the bbox members (default CRS84)")}},
      {"responses", overview_answers}};
}

}  // namespace rootzone::api
