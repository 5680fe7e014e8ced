// The works endpoints in the OpenAPI document (/api): parameters, bodies, responses, and the
// If-Match precondition of every change.
#include <nlohmann/json.hpp>

#include "crs_uris.hpp"
#include "openapi_parts.hpp"
#include "routes.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;
using openapi::add_problems;
using openapi::param;
using openapi::response;
using openapi::with_headers;

constexpr std::pair<const char*, const char*> kEtag = {"ETag", "The work's new version"};
constexpr std::pair<const char*, const char*> kContentCrs = {"Content-Crs",
                                                             "CRS of the geometries, as <URI>"};

json size(double maximum, const std::string& description) {
  json out = {{"type", "number"},
              {"exclusiveMinimum", true},
              {"minimum", 0},
              {"maximum", maximum},
              {"nullable", true}};
  if (!description.empty()) out["description"] = description;
  return out;
}

json work_properties_schema() {
  return {
      {"type", "object"},
      {"required", {"reference", "title", "kind", "starts_at", "ends_at"}},
      {"properties",
       {{"reference", {{"type", "string"}, {"description", "External reference number, unique"}}},
        {"title", {{"type", "string"}}},
        {"contractor",
         {{"type", "string"},
          {"description",
           "Set from the caller's organisation; a contractor may only repeat its own, an admin "
           "names the organisation it submits for. Never changes afterwards."}}},
        {"contact",
         {{"type", "string"},
          {"description", "Private: only the contractor itself, planners and admins see it"}}},
        {"kind",
         {{"type", "string"},
          {"enum",
           {"trench", "pit", "drilling", "surface", "site_facility", "storage", "scaffolding",
            "crane", "traffic_management"}}}},
        {"width_m", size(100, "Width of a line work in metres (required for lines)")},
        {"radius_m", size(1000, "Radius of a point work in metres (required for points)")},
        {"depth_m", size(100, "Excavation depth in metres, where known")},
        {"starts_at", {{"type", "string"}, {"format", "date-time"}}},
        {"ends_at",
         {{"type", "string"}, {"format", "date-time"}, {"description", "Not before starts_at"}}},
        {"status",
         {{"type", "string"},
          {"enum", {"draft", "submitted"}},
          {"default", "submitted"},
          {"description",
           "On creation draft or submitted; on PUT/PATCH it must equal the stored status "
           "(transitions go through .../status)"}}}}}};
}

json work_body_schema() {
  return {{"type", "object"},
          {"required", {"type", "geometry", "properties"}},
          {"properties",
           {{"type", {{"type", "string"}, {"enum", {"Feature"}}}},
            {"geometry",
             {{"type", "object"},
              {"description",
               "Polygon or MultiPolygon; LineString/MultiLineString with width_m; Point with "
               "radius_m. In CRS84 unless Content-Crs says otherwise. Invalid geometries "
               "(e.g. self-intersecting) are refused with GEOS's reason, never repaired silently; "
               "coordinates outside the store CRS's area of use are refused."}}},
            {"properties", work_properties_schema()}}}};
}

json body(const json& schema, const std::string& description,
          std::initializer_list<const char*> types = {"application/geo+json", "application/json"}) {
  json content = json::object();
  for (const char* t : types) content[t] = {{"schema", schema}};
  return {{"required", true}, {"description", description}, {"content", content}};
}

}  // namespace

void describe_work_routes(json& paths, const Service& service) {
  const json crs_enum = supported_crs_uris(service.srid());
  const json crs = param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
                         "CRS of the response geometries (default CRS84)");
  const json content_crs =
      param("Content-Crs", "header", {{"type", "string"}},
            "CRS of the body's geometry, e.g. <http://www.opengis.net/def/crs/EPSG/0/" +
                std::to_string(service.srid()) + "> (default CRS84)");
  const json if_match =
      param("If-Match", "header", {{"type", "string"}},
            "The ETag last seen (\"work-<id>-v<version>\"): 428 without it, 412 when stale", true);
  const json work_id = param("featureId", "path", {{"type", "integer"}}, "Work id", true);
  const json severity =
      param("severity", "query", {{"type", "string"}},
            "Comma-separated severities (critical, high, medium); another name is a 400");
  // Every route here takes a key and has a role rule (401, 403), checks its query parameters
  // (400) and, with a body, its Content-Type and size (415, 413).
  const auto answers = [](json ok, std::initializer_list<int> problems) {
    add_problems(ok, {400, 401, 403});
    add_problems(ok, problems);
    return ok;
  };
  const std::initializer_list<int> write_problems = {404, 409, 412, 413, 415, 422, 428, 503};
  const std::string item = "/collections/works/items/{featureId}";

  paths["/collections/works/items"]["post"] = {
      {"summary", "Submit a work (contractor for its own organisation, admin)"},
      {"description",
       "Stores the work with its first status in the history and answers with the work and its "
       "conflicts, computed by the live conflict engine in the same request: tree conflicts "
       "(severity, rule, min_distance_m, overlap_m2, overlap_share) and clashes with other works."},
      {"parameters", {crs, content_crs}},
      {"requestBody", body(work_body_schema(), "A GeoJSON Feature")},
      {"responses",
       answers({{"201", with_headers(response("The work with its conflicts", "WorkWritten",
                                              "application/geo+json"),
                                     {{"Location", "The work's URL"}, kEtag, kContentCrs})},
                {"409", openapi::problem("Reference taken by another work")}},
               {413, 415, 422, 503})}};

  paths["/collections/works/preview"]["post"] = {
      {"summary", "Preview a work's conflicts without storing it (contractor, planner, admin)"},
      {"description",
       "The body of a submission (same validation, limits and 400/422 problems). Answers what the "
       "201 of the submission would answer, computed by the live conflict engine without the "
       "write lock and without the store: id, conflict ids and work_id null, computed_at now, "
       "\"preview\": true, no Location or ETag. Each tree conflict has zone (R_t, R_r and the "
       "rule that drew R_r) and clear_by_m (how far the work must move to leave each zone). "
       "Clashes name the other work as the public layer of works shows it (its contact only for "
       "planners, admins and its own organisation). A contractor previews only for its own "
       "organisation. At most serve --preview-rate previews per second per API key "
       "(--preview-burst at once): 429 with Retry-After beyond."},
      {"parameters", {crs, content_crs}},
      {"requestBody", body(work_body_schema(), "A GeoJSON Feature, as for a submission")},
      {"responses",
       answers({{"200", with_headers(response("The work as it would be stored, with its conflicts",
                                              "WorkPreview", "application/geo+json"),
                                     {kContentCrs})}},
               {413, 415, 422, 429})}};

  const json edit_responses =
      answers({{"200", with_headers(response("The work with its recomputed conflicts",
                                             "WorkWritten", "application/geo+json"),
                                    {kEtag, kContentCrs})}},
              write_problems);
  paths[item]["put"] = {
      {"summary", "Replace a work (its contractor while draft or changes_requested; admin)"},
      {"description", "409 when the work is in another status. Conflicts are recomputed."},
      {"parameters", {work_id, if_match, crs, content_crs}},
      {"requestBody", body(work_body_schema(), "The whole work as a GeoJSON Feature")},
      {"responses", edit_responses}};
  paths[item]["patch"] = {
      {"summary", "Change fields of a work (JSON merge patch, RFC 7396)"},
      {"description",
       "Members present replace the stored ones, null removes an optional one. Same rules as PUT."},
      {"parameters", {work_id, if_match, crs, content_crs}},
      {"requestBody", body({{"type", "object"}}, "A merge patch of the Feature",
                           {"application/merge-patch+json", "application/json"})},
      {"responses", edit_responses}};
  paths[item]["delete"] = {
      {"summary", "Cancel a work (its contractor, admin)"},
      {"description",
       "Nothing is erased (docs/domain.md): DELETE moves the work to cancelled, recorded in its "
       "history, and removes its conflicts. The work stays readable with status cancelled. 409 "
       "for a work that is no longer open (refused, completed, cancelled)."},
      {"parameters", {work_id, if_match}},
      {"responses", answers({{"204", with_headers(openapi::empty_response("Cancelled"), {kEtag})}},
                            {404, 409, 412, 428, 503})}};

  paths[item + "/status"]["post"] = {
      {"summary", "Move a work along its lifecycle"},
      {"description",
       "draft -> submitted -> approved | refused | changes_requested; changes_requested -> "
       "submitted; approved -> in_progress -> completed; cancelled from any open state. A "
       "contractor submits, cancels, starts and completes its own works; a planner approves (with "
       "conditions), refuses or requests changes (with a comment saying why); an admin may do "
       "all. 409 for a transition the lifecycle lacks (the allowed ones named), 403 for one the "
       "role may not make. Leaving the open states removes the work's conflicts."},
      {"parameters", {work_id, if_match, crs}},
      {"requestBody",
       body({{"type", "object"},
             {"required", {"to"}},
             {"properties",
              {{"to", {{"type", "string"}}},
               {"comment", {{"type", "string"}}},
               {"conditions", {{"type", "string"}, {"description", "Only with to=approved"}}}}}},
            "The transition", {"application/json"})},
      {"responses",
       answers({{"200", with_headers(response("The work, the recorded change and its conflicts",
                                              "WorkWritten", "application/geo+json"),
                                     {kEtag, kContentCrs})}},
               write_problems)}};

  paths[item + "/history"]["get"] = {
      {"summary", "Status history of a work: who, when, from, to, comment, conditions"},
      {"description", "Its contractor, planners and admins"},
      {"parameters", {work_id}},
      {"responses", answers({{"200", response("History, oldest first", "WorkHistory")}}, {404})}};
  paths[item + "/conflicts"]["get"] = {
      {"summary", "Conflicts of a work with protected trees, and its clashes with other works"},
      {"description",
       "Its contractor, planners and admins (public 401, field staff 403). severity filters the "
       "tree conflicts."},
      {"parameters", {work_id, severity, crs}},
      {"responses",
       answers({{"200", response("Tree conflicts as features and clashes with other works",
                                 "WorkConflicts")}},
               {404})}};
  paths[item + "/clashes/{clashId}/acknowledgement"]["post"] = {
      {"summary", "Acknowledge a clash between two works (planner, admin)"},
      {"description", "Kept while the clash still holds."},
      {"parameters", {work_id, param("clashId", "path", {{"type", "integer"}}, "Clash id", true)}},
      {"requestBody", body({{"type", "object"},
                            {"required", {"comment"}},
                            {"properties", {{"comment", {{"type", "string"}}}}}},
                           "Why the clash is accepted", {"application/json"})},
      {"responses",
       answers({{"200", response("The clash", "WorkClash")}}, {404, 413, 415, 422, 503})}};
  paths["/collections/trees/items/{featureId}/conflicts"]["get"] = {
      {"summary", "Conflicts of one tree"},
      {"description",
       "Planners and admins see all; a contractor those of its own works; public 401, field staff "
       "403."},
      {"parameters",
       {param("featureId", "path", {{"type", "integer"}}, "Tree id", true), severity, crs}},
      {"responses", answers({{"200", response("Conflicts as features at the tree", "TreeConflicts",
                                              "application/geo+json")}},
                            {404})}};
  paths["/collections/conflicts/items/{featureId}/acknowledgement"]["post"] = {
      {"summary", "Acknowledge a tree-work conflict (planner, admin)"},
      {"description",
       "Kept while the conflict still holds at the same or a lower severity; a worse severity is "
       "a new finding and drops it."},
      {"parameters", {param("featureId", "path", {{"type", "integer"}}, "Conflict id", true)}},
      {"requestBody", body({{"type", "object"},
                            {"required", {"comment"}},
                            {"properties", {{"comment", {{"type", "string"}}}}}},
                           "Why the conflict is accepted", {"application/json"})},
      {"responses",
       answers({{"200", response("The conflict", "ConflictFeature", "application/geo+json")}},
               {404, 413, 415, 422, 503})}};

  // The reads the role policy shapes (features.cpp).
  for (const char* path :
       {"/collections/conflicts/items", "/collections/conflicts/items/{featureId}"}) {
    if (paths.contains(path)) {
      paths[path]["get"]["description"] =
          "Conflicts are not public: 401 without a key, 403 for field staff; a contractor sees "
          "its own works' conflicts only, planners and admins all.";
    }
  }
  if (paths.contains("/collections/works/items")) {
    paths["/collections/works/items"]["get"]["description"] =
        "contact (and source) appear only for the work's own contractor, planners and admins.";
  }
}

}  // namespace rootzone::api
