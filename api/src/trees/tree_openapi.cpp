// The tree endpoints of tree_routes.cpp in the OpenAPI document: bodies with the limits
// tree_input.cpp enforces, If-Match, roles and every answer a handler gives.
#include <nlohmann/json.hpp>

#include "crs_uris.hpp"
#include "openapi_parts.hpp"
#include "routes.hpp"
#include "trees/tree_input.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;
using openapi::param;
using openapi::response;
using openapi::with_headers;

json text(int max_chars, const std::string& description) {
  return {{"type", "string"},
          {"nullable", true},
          {"maxLength", max_chars},
          {"description", description}};
}

json size(double max, const std::string& description) {
  return {{"type", "number"},         {"nullable", true}, {"minimum", 0},
          {"exclusiveMinimum", true}, {"maximum", max},   {"description", description}};
}

json read_only(json schema, const std::string& description) {
  schema["readOnly"] = true;
  schema["description"] = description;
  return schema;
}

json date(const std::string& description) {
  return {{"type", "string"}, {"format", "date"}, {"nullable", true}, {"description", description}};
}

json tree_properties_schema() {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"description",
           "A tree's properties as the items output names them; unknown ones are refused with "
           "400. Merge patch: null clears a field, an omitted field is kept."},
          {"properties",
           {{"source_id",
             {{"type", "string"},
              {"minLength", 1},
              {"maxLength", 64},
              {"description", "The city's tree number: required, unique (409 when taken)"}}},
            {"site", text(200, "Street or green space")},
            {"district", text(200, "District")},
            {"species_botanical",
             text(200, "Botanical name; columnar cultivars ('Fastigiata' ...) are recognised")},
            {"species_german", text(200, "German name")},
            {"genus", text(200, "Genus")},
            {"development_phase", text(200, "Development phase")},
            {"stem_circumferences_cm",
             {{"type", "array"},
              {"nullable", true},
              {"maxItems", kMaxStems},
              {"items",
               {{"type", "number"},
                {"minimum", 0},
                {"exclusiveMinimum", true},
                {"maximum", kMaxCircumferenceCm}}},
              {"description",
               "Circumference of each stem in cm at the rule set's measuring height; the "
               "ordinance's protection follows from them"}}},
            {"crown_diameter_m", size(kMaxCrownM, "Crown diameter in m; unknown is null, never 0")},
            {"height_m", size(kMaxHeightM, "Height in m")},
            {"planting_year",
             {{"type", "integer"},
              {"nullable", true},
              {"minimum", 1000},
              {"description", "Not after this year (a planned tree's up to " +
                                  std::to_string(kPlannedYearsAhead) + " years ahead)"}}},
            {"vitality",
             {{"type", "integer"},
              {"nullable", true},
              {"minimum", 0},
              {"maximum", 3},
              {"description", "Vitality stage after Roloff (0-3)"}}},
            {"status",
             {{"type", "string"},
              {"enum", {"existing", "planned", "felled"}},
              {"description",
               "existing or planned; felled only through POST .../felling, and a felled tree "
               "stays felled (409)"}}},
            {"columnar",
             {{"type", "boolean"},
              {"nullable", true},
              {"description", "Set by hand; null: recognised from the botanical name"}}},
            {"protection_source",
             {{"type", "string"},
              {"enum", {"ordinance", "manual"}},
              {"description",
               "ordinance (default): protected and protection_reason are computed from the active "
               "rule set on every write; manual: both are taken as given, a reason is required"}}},
            {"protected",
             {{"type", "boolean"},
              {"description", "Written only with protection_source manual; otherwise derived"}}},
            {"protection_reason",
             {{"type", "string"},
              {"maxLength", 200},
              {"description",
               "Required with protection_source manual (natural monument, replacement planting "
               "...); otherwise the ordinance's reason"}}},
            {"felled_on", read_only(date(""), "Set by POST .../felling; sent back unchanged only")},
            {"last_inspection",
             read_only(date(""), "Set by POST .../inspections; sent back unchanged only")},
            {"next_inspection",
             read_only(date(""), "Set by POST .../inspections; sent back unchanged only")},
            {"version", read_only({{"type", "integer"}}, "Ignored when sent: see the ETag")},
            {"updated_at", read_only({{"type", "string"}}, "Ignored when sent")}}}};
}

json point_schema() {
  return {
      {"type", "object"},
      {"required", {"type", "coordinates"}},
      {"properties",
       {{"type", {{"type", "string"}, {"enum", {"Point"}}}},
        {"coordinates",
         {{"type", "array"}, {"minItems", 2}, {"maxItems", 3}, {"items", {{"type", "number"}}}}}}},
      {"description",
       "The stem's location in the Content-Crs (CRS84 lon/lat by default); other geometry "
       "types and coordinates outside the store CRS's area of use are refused with 422"}};
}

json tree_feature_schema(bool complete) {
  json s = {{"type", "object"},
            {"properties",
             {{"type", {{"type", "string"}, {"enum", {"Feature"}}}},
              {"geometry", point_schema()},
              {"properties", tree_properties_schema()},
              {"id", {{"description", "Ignored on POST; on PUT and PATCH the path's id"}}}}}};
  if (complete) s["required"] = {"type", "geometry", "properties"};
  return s;
}

json body(const json& schema, std::initializer_list<const char*> types, bool required = true) {
  json content = json::object();
  for (const char* t : types) content[t] = {{"schema", schema}};
  return {{"required", required}, {"content", content}};
}

json responses(std::initializer_list<std::pair<const char*, json>> specific,
               std::initializer_list<std::pair<const char*, const char*>> problems) {
  json out = json::object();
  for (const auto& [status, r] : specific) out[status] = r;
  for (const auto& [status, description] : problems) out[status] = openapi::problem(description);
  return out;
}

}  // namespace

void describe_tree_edit_routes(json& paths, const Service& service) {
  const json crs_enum = supported_crs_uris(service.srid());
  const auto id = param("featureId", "path", {{"type", "integer"}}, "Tree id", true);
  const auto crs = param("crs", "query", {{"type", "string"}, {"enum", crs_enum}},
                         "CRS of the answer's geometry (default CRS84)");
  const auto content_crs =
      param("Content-Crs", "header", {{"type", "string"}, {"enum", crs_enum}},
            "CRS of the body's geometry, as a URI (optionally in <>); default CRS84");
  const auto if_match =
      param("If-Match", "header", {{"type", "string"}},
            "The ETag of the version the client last read: \"tree-<id>-v<n>\"", true);
  const char* editors = "Roles: field staff, admin (401 without a key, 403 for other roles).";
  const char* staff =
      "Roles: field staff, planner, admin (401 without a key, 403 for "
      "contractors): inspections and history are the city's evidence.";
  const auto tree_ok = [](const char* description) {
    return with_headers(response(description, "TreeWritten", "application/geo+json"),
                        {{"ETag", "The tree's new version"}, {"Content-Crs", "CRS of geometry"}});
  };
  const auto write_note =
      " The answer is the tree feature with `conflicts`: {count, by_severity} of the tree's "
      "conflicts after the write (recomputed in the same transaction; the list is at "
      ".../conflicts for roles that may read conflicts).";

  const std::string items = "/collections/trees/items";
  const std::string item = items + "/{featureId}";
  paths[items]["post"] = {
      {"summary", "Add a tree"},
      {"description", std::string(editors) +
                          " Protected status is computed from the active rule set unless "
                          "protection_source is manual (with a reason). A 'created' history "
                          "row names the caller." +
                          write_note},
      {"parameters", {crs, content_crs}},
      {"requestBody",
       body(tree_feature_schema(true), {"application/geo+json", "application/json"})},
      {"responses",
       responses({{"201",
                   with_headers(tree_ok("The stored tree"), {{"Location", "The new tree's URL"}})}},
                 {{"400", "Malformed JSON, not a Feature, unknown field, wrong JSON type"},
                  {"401", "No or an invalid API key"},
                  {"403", "Role may not add trees"},
                  {"409", "source_id already taken"},
                  {"413", "Body over the server's limit"},
                  {"415", "Not application/json or application/geo+json"},
                  {"422",
                   "Impossible value, no Point, outside the store's area, missing "
                   "source_id"},
                  {"503", "Another process holds the store's write lock"}})}};

  const auto edit = [&](const char* summary, const char* how, bool complete,
                        std::initializer_list<const char*> types) {
    return json{
        {"summary", summary},
        {"description", std::string(editors) + " " + how +
                            " Protected status is recomputed on every edit; each changed "
                            "field is one history row with the caller's name; an edit that "
                            "changes nothing keeps the version." +
                            write_note},
        {"parameters", {id, if_match, crs, content_crs}},
        {"requestBody", body(tree_feature_schema(complete), types)},
        {"responses",
         responses({{"200", tree_ok("The stored tree")}},
                   {{"400", "Malformed JSON, not a Feature, unknown field, wrong JSON type"},
                    {"401", "No or an invalid API key"},
                    {"403", "Role may not edit trees"},
                    {"404", "No such tree"},
                    {"409", "source_id taken by another tree, or status of a felled tree"},
                    {"412", "If-Match is not the current version (the current ETag is sent)"},
                    {"413", "Body over the server's limit"},
                    {"415", "Unsupported Content-Type"},
                    {"422", "Impossible value, no Point, outside the store's area"},
                    {"428", "If-Match missing"},
                    {"503", "Another process holds the store's write lock"}})}};
  };
  paths[item]["put"] = edit("Replace a tree",
                            "Every property not sent is cleared, except those only their "
                            "endpoints change (status, felling and inspection dates).",
                            true, {"application/geo+json", "application/json"});
  paths[item]["patch"] = edit("Update a tree (JSON merge patch, RFC 7396)",
                              "Members given replace, null clears, omitted ones are kept.", false,
                              {"application/merge-patch+json", "application/json"});
  paths[item]["delete"] = {
      {"summary", "Not allowed: trees are never deleted"},
      {"description",
       "A felled tree keeps its record and history (docs/domain.md); record a "
       "felling with POST .../felling."},
      {"parameters", {id}},
      {"responses",
       responses(
           {},
           {{"401", "A wrong, revoked or malformed API key"},
            {"405", "Always; Allow lists the methods, the detail names the felling endpoint"}})}};

  const json inspection_schema = {{"type", "object"},
                                  {"additionalProperties", false},
                                  {"required", {"inspected_on", "kind"}},
                                  {"properties",
                                   {{"inspected_on",
                                     {{"type", "string"},
                                      {"format", "date"},
                                      {"description", "Not after today (Europe/Berlin)"}}},
                                    {"kind",
                                     {{"type", "string"},
                                      {"enum", {"regular", "additional"}},
                                      {"description", "FLL Regelkontrolle or Zusatzkontrolle"}}},
                                    {"inspector",
                                     {{"type", "string"},
                                      {"minLength", 1},
                                      {"maxLength", 200},
                                      {"description", "Default: the caller"}}},
                                    {"findings", {{"type", "string"}, {"maxLength", 4000}}},
                                    {"measures", {{"type", "string"}, {"maxLength", 4000}}},
                                    {"measures_deadline", date("Not before inspected_on")},
                                    {"next_inspection", date("After inspected_on")}}}};
  paths[item + "/inspections"]["post"] = {
      {"summary", "Record an FLL inspection (append-only)"},
      {"description",
       std::string(editors) +
           " The tree's last_inspection and next_inspection follow its latest inspection "
           "(through the tree's history). If-Match is optional: an inspection queued offline "
           "is not lost to another edit; when given it is checked."},
      {"parameters",
       {id, param("If-Match", "header", {{"type", "string"}}, "Optional ETag of the tree"), crs}},
      {"requestBody", body(inspection_schema, {"application/json"})},
      {"responses",
       responses({{"201", with_headers(response("The inspection, the tree after it and its ETag",
                                                "InspectionRecorded"),
                                       {{"Location", "The inspection's URL"}})}},
                 {{"400", "Malformed JSON, unknown field, wrong JSON type"},
                  {"401", "No or an invalid API key"},
                  {"403", "Role may not record inspections"},
                  {"404", "No such tree"},
                  {"409", "The tree is felled"},
                  {"412", "If-Match given and stale"},
                  {"413", "Body over the server's limit"},
                  {"415", "Unsupported Content-Type"},
                  {"422", "Missing or impossible date or kind"},
                  {"503", "Another process holds the store's write lock"}})}};
  paths[item + "/inspections"]["get"] = {
      {"summary", "The tree's inspections, oldest first"},
      {"description", staff},
      {"parameters", {id}},
      {"responses", responses({{"200", response("Oldest first", "Inspections")}},
                              {{"400", "A query parameter (it takes none)"},
                               {"401", "No or an invalid API key"},
                               {"403", "Role may not read inspections"},
                               {"404", "No such tree"}})}};
  paths[item + "/inspections/{inspectionId}"]["get"] = {
      {"summary", "One inspection"},
      {"description", staff},
      {"parameters",
       {id, param("inspectionId", "path", {{"type", "integer"}}, "Inspection id", true)}},
      {"responses", responses({{"200", response("The inspection", "Inspection")}},
                              {{"400", "A query parameter (it takes none)"},
                               {"401", "No or an invalid API key"},
                               {"403", "Role may not read inspections"},
                               {"404", "No such tree or inspection"}})}};
  paths[item + "/felling"]["post"] = {
      {"summary", "Mark a tree felled"},
      {"description", std::string(editors) +
                          " Status felled with the date; the reason is kept as a history row "
                          "(felling_reason). The tree's conflicts are removed." +
                          write_note},
      {"parameters", {id, if_match, crs}},
      {"requestBody",
       body({{"type", "object"},
             {"additionalProperties", false},
             {"required", {"felled_on", "reason"}},
             {"properties",
              {{"felled_on",
                {{"type", "string"},
                 {"format", "date"},
                 {"description", "Not after today, not before the planting year"}}},
               {"reason", {{"type", "string"}, {"minLength", 1}, {"maxLength", 4000}}}}}},
            {"application/json"})},
      {"responses",
       responses({{"200", tree_ok("The felled tree")}},
                 {{"400", "Malformed JSON, unknown field, wrong JSON type"},
                  {"401", "No or an invalid API key"},
                  {"403", "Role may not mark trees felled"},
                  {"404", "No such tree"},
                  {"409", "Already felled, or only planned"},
                  {"412", "If-Match is not the current version"},
                  {"413", "Body over the server's limit"},
                  {"415", "Unsupported Content-Type"},
                  {"422", "Missing reason, date in the future or before the planting year"},
                  {"428", "If-Match missing"},
                  {"503", "Another process holds the store's write lock"}})}};
  paths[item + "/history"]["get"] = {
      {"summary", "The tree's append-only history, oldest first"},
      {"description", std::string(staff) +
                          " One row per changed field: who, when, field, old and new value as "
                          "text; plus 'created' and 'felling_reason' rows."},
      {"parameters", {id}},
      {"responses", responses({{"200", response("Oldest first", "TreeHistory")}},
                              {{"400", "A query parameter (it takes none)"},
                               {"401", "No or an invalid API key"},
                               {"403", "Role may not read the history"},
                               {"404", "No such tree"}})}};
}

}  // namespace rootzone::api
