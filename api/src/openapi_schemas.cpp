// components/schemas of the OpenAPI document: every body the API answers with, as the writers
// write it (ogc/feature_json.cpp, works/work_json.cpp, trees/tree_routes.cpp, ogc/features.cpp,
// tiles/tilejson.cpp, http's problem_response). A member a writer always writes is required; one
// it writes as null is nullable; one only some callers see (a work's contact) is optional and
// says who. Objects are closed (additionalProperties false), so a member added to a writer
// without its schema fails tests/api/test_openapi_contract.cpp.
#include <nlohmann/json.hpp>

#include "openapi_parts.hpp"

namespace rootzone::api::openapi {

namespace {

using nlohmann::json;

json typed(const char* type, const std::string& description = "") {
  json s = {{"type", type}};
  if (!description.empty()) s["description"] = description;
  return s;
}

json text(const std::string& description = "") { return typed("string", description); }
json number(const std::string& description = "") { return typed("number", description); }
json integer(const std::string& description = "") { return typed("integer", description); }
json boolean(const std::string& description = "") { return typed("boolean", description); }

json nullable(json s) {
  s["nullable"] = true;
  return s;
}

json names(std::initializer_list<const char*> values, const std::string& description = "") {
  json s = text(description);
  s["enum"] = json::array();
  for (const char* v : values) s["enum"].push_back(v);
  return s;
}

json array_of(json items, int exactly = -1) {
  json s = {{"type", "array"}, {"items", std::move(items)}};
  if (exactly >= 0) s["minItems"] = s["maxItems"] = exactly;
  return s;
}

json date(const std::string& description = "") {
  json s = text(description);
  s["format"] = "date";
  return s;
}

json date_time(const std::string& description = "") {
  json s = text(description);
  s["format"] = "date-time";
  return s;
}

// An object with exactly these members, every one present except those named optional.
json closed(json properties, std::initializer_list<const char*> optional = {}) {
  json required = json::array();
  for (const auto& [name, schema] : properties.items()) {
    bool is_optional = false;
    for (const char* o : optional) is_optional = is_optional || name == o;
    if (!is_optional) required.push_back(name);
  }
  json s = {{"type", "object"}, {"additionalProperties", false}, {"properties", properties}};
  if (!required.empty()) s["required"] = required;
  return s;
}

json severity() { return names({"critical", "high", "medium"}); }

json work_status(const std::string& description = "") {
  return names({"draft", "submitted", "approved", "refused", "changes_requested", "in_progress",
                "completed", "cancelled"},
               description);
}

json acknowledgement_members(json members) {
  members["acknowledged"] = boolean("Acknowledged by a planner; the three members below with it");
  members["acknowledged_by"] = text();
  members["acknowledged_at"] = date_time();
  members["acknowledgement_comment"] = text();
  return members;
}

// A tree conflict's properties, stored (work_id an integer) or previewed (work_id null).
json tree_conflict_members(json work_id) {
  return acknowledgement_members({{"tree_id", integer()},
                                  {"work_id", std::move(work_id)},
                                  {"severity", severity()},
                                  {"rule", text("The rule that fired, with figures")},
                                  {"min_distance_m", number()},
                                  {"overlap_m2", number()},
                                  {"overlap_share", number()},
                                  {"computed_at", date_time()},
                                  {"zone", ref("ConflictZone")},
                                  {"clear_by_m", ref("Clearance")}});
}

constexpr std::initializer_list<const char*> kAckOptional = {"acknowledged_by", "acknowledged_at",
                                                             "acknowledgement_comment"};

json feature_collection(const std::string& feature) {
  return closed({{"type", names({"FeatureCollection"})},
                 {"features", array_of(ref(feature))},
                 {"numberMatched", integer("Features matching the query, all pages")},
                 {"numberReturned", integer()},
                 {"timeStamp", date_time()},
                 {"links", ref("Links")}});
}

json ogc_schemas() {
  return {
      {"Problem", closed({{"type", text("about:blank or the URI of the requirement broken (OGC's "
                                        "/req/core/query-param-invalid ...)")},
                          {"title", text()},
                          {"status", {{"type", "integer"}, {"minimum", 400}, {"maximum", 599}}},
                          {"detail", text("What was wrong, naming the field or parameter")}},
                         {"detail"})},
      {"Link", closed({{"href", text()}, {"rel", text()}, {"type", text()}, {"title", text()}},
                      {"type", "title"})},
      {"Links", array_of(ref("Link"))},
      {"LandingPage",
       closed({{"title", text()}, {"description", text()}, {"links", ref("Links")}})},
      {"Conformance", closed({{"conformsTo", array_of(text())}})},
      {"Collection",
       closed({{"id", names({"trees", "works", "conflicts"})},
               {"title", text()},
               {"description", text()},
               {"itemType", names({"feature"})},
               {"crs", array_of(text())},
               {"storageCrs", text()},
               {"links", ref("Links")},
               {"extent",
                closed({{"spatial",
                         closed({{"bbox", array_of(array_of(number(), 4))}, {"crs", text()}})},
                        {"temporal", closed({{"interval", array_of(array_of(date_time(), 2))},
                                             {"trs", text()}})}},
                       {"spatial", "temporal"})}},
              {"extent"})},
      {"Collections", closed({{"links", ref("Links")},
                              {"collections", array_of(ref("Collection"))},
                              {"crs", array_of(text())}})},
      {"Queryables",
       closed(
           {{"$schema", text()},
            {"$id", text()},
            {"type", names({"object"})},
            {"title", text()},
            {"properties",
             {{"type", "object"},
              {"additionalProperties",
               // A geometry has a format and a role instead of a JSON type (Part 3).
               closed({{"title", text()},
                       {"description", text()},
                       {"type", names({"string", "number", "integer", "boolean"})},
                       {"format", names({"date", "date-time", "geometry-point", "geometry-any"})},
                       {"x-ogc-role", names({"primary-geometry", "primary-instant"})}},
                      {"type", "format", "x-ogc-role"})}}},
            {"additionalProperties", boolean()}})},
      {"OpenApiDocument",
       {{"type", "object"},
        {"required", {"openapi", "info", "paths", "components"}},
        {"properties",
         {{"openapi", {{"type", "string"}, {"pattern", "^3\\.0\\.[0-9]+$"}}},
          {"info", typed("object")},
          {"paths", typed("object")},
          {"components", typed("object")}}}}},
      {"Health", closed({{"status", names({"ok"})}})},
      {"Me", closed({{"name", text()},
                     {"role", names({"contractor", "field_staff", "planner", "admin"})},
                     {"organisation", text("a contractor's organisation; empty for most users")}})},
      {"MapConfig", closed({{"basemap", nullable(closed({{"kind", names({"xyz", "wms", "style"})},
                                                         {"url", text()}}))}})},
      {"PointGeometry",
       closed({{"type", names({"Point"})}, {"coordinates", array_of(number(), 2)}})},
      {"Geometry",
       closed({{"type", names({"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString",
                               "MultiPolygon", "GeometryCollection"})},
               {"coordinates", typed("array")},
               {"geometries", array_of(ref("Geometry"))}},
              {"coordinates", "geometries"})},
  };
}

json tree_schemas() {
  const auto how_many = integer();
  return {
      {"TreeProperties",
       closed({{"source_id", text("The city's tree number")},
               {"site", text()},
               {"district", text()},
               {"species_botanical", text()},
               {"species_german", text()},
               {"genus", text()},
               {"stem_circumferences_cm", array_of(number())},
               {"crown_diameter_m", nullable(number())},
               {"height_m", nullable(number())},
               {"planting_year", nullable(integer())},
               {"vitality", nullable({{"type", "integer"}, {"minimum", 0}, {"maximum", 3}})},
               {"development_phase", text()},
               {"last_inspection", nullable(date())},
               {"next_inspection", nullable(date())},
               {"status", names({"existing", "planned", "felled"})},
               {"felled_on", nullable(date())},
               {"columnar", nullable(boolean("null: recognised from the botanical name"))},
               {"protected", boolean()},
               {"protection_source", names({"ordinance", "manual"})},
               {"protection_reason", text()},
               {"version", integer("The version the ETag names")},
               {"updated_at", date_time()}})},
      {"ConflictCounts",
       closed({{"count", how_many},
               {"by_severity",
                closed({{"critical", how_many}, {"high", how_many}, {"medium", how_many}})}})},
      {"TreeFeature", closed({{"type", names({"Feature"})},
                              {"id", integer()},
                              {"geometry", ref("PointGeometry")},
                              {"properties", ref("TreeProperties")},
                              {"conflicts", ref("ConflictCounts")},
                              {"links", ref("Links")}},
                             {"conflicts", "links"})},
      {"TreeWritten",
       {{"description", "The tree after a write, with its conflicts counted"},
        {"allOf", {ref("TreeFeature"), {{"required", {"conflicts", "links"}}}}}}},
      {"TreeFeatureCollection", feature_collection("TreeFeature")},
      {"Inspection", closed({{"id", integer()},
                             {"tree_id", integer()},
                             {"inspected_on", date()},
                             {"kind", names({"regular", "additional"})},
                             {"inspector", text()},
                             {"findings", text()},
                             {"measures", text()},
                             {"measures_deadline", nullable(date())},
                             {"next_inspection", nullable(date())},
                             {"recorded_at", date_time()},
                             {"recorded_by", text()}})},
      {"Inspections", closed({{"tree_id", integer()},
                              {"inspections", array_of(ref("Inspection"))},
                              {"links", ref("Links")}})},
      {"InspectionRecorded", closed({{"inspection", ref("Inspection")},
                                     {"tree", ref("TreeWritten")},
                                     {"tree_etag", text("The tree's new ETag")}})},
      {"TreeHistory",
       closed({{"tree_id", integer()},
               {"changes", array_of(closed({{"id", integer()},
                                            {"at", date_time()},
                                            {"user", text()},
                                            {"field", text("A property, 'created' or "
                                                           "'felling_reason'")},
                                            {"old_value", nullable(text())},
                                            {"new_value", nullable(text())},
                                            {"rule_set", text("The rule set whose switch made "
                                                              "this change (rootzone rules use)")},
                                            {"rule_set_citation", text()}},
                                           {"rule_set", "rule_set_citation"}))},
               {"links", ref("Links")}})},
  };
}

json work_schemas() {
  return {
      {"WorkProperties",
       closed({{"reference", text()},
               {"title", text()},
               {"contractor", text()},
               {"contact", text("Only for the work's own contractor, planners and admins")},
               {"source", text("Only for the work's own contractor, planners and admins")},
               {"kind", names({"trench", "pit", "drilling", "surface", "site_facility", "storage",
                               "scaffolding", "crane", "traffic_management"})},
               {"width_m", nullable(number())},
               {"radius_m", nullable(number())},
               {"depth_m", nullable(number())},
               {"starts_at", date_time()},
               {"ends_at", date_time()},
               {"status", work_status()},
               {"version", integer("The version the ETag names")},
               {"updated_at", date_time()}},
              {"contact", "source"})},
      {"WorkFeature", closed({{"type", names({"Feature"})},
                              {"id", integer()},
                              {"geometry", ref("Geometry")},
                              {"properties", ref("WorkProperties")},
                              {"conflicts", ref("WorkConflictLists")},
                              {"geometry_note", text()},
                              {"change", ref("StatusChange")},
                              {"links", ref("Links")}},
                             {"conflicts", "geometry_note", "change", "links"})},
      {"WorkWritten",
       {{"description", "The work in detail after a write, with its conflicts"},
        {"allOf",
         {ref("WorkFeature"),
          {{"required", {"conflicts", "links"}},
           {"properties", {{"properties", {{"required", {"contact", "source"}}}}}}}}}}},
      {"WorkFeatureCollection", feature_collection("WorkFeature")},
      {"StatusChange", closed({{"id", integer()},
                               {"from", nullable(work_status("null for the first status"))},
                               {"to", work_status()},
                               {"at", date_time()},
                               {"user", text()},
                               {"comment", text()},
                               {"conditions", text()}})},
      {"WorkHistory", closed({{"work_id", integer()},
                              {"history", array_of(ref("StatusChange"))},
                              {"links", ref("Links")}})},
      {"ConflictFeature",
       closed({{"type", names({"Feature"})},
               {"id", integer()},
               {"geometry", ref("PointGeometry")},
               {"properties", closed(tree_conflict_members(integer()),
                                     {"acknowledged_by", "acknowledged_at",
                                      "acknowledgement_comment", "zone", "clear_by_m"})},
               {"links", ref("Links")}},
              {"links"})},
      {"ConflictZone",
       closed({{"trench_distance_m", number("R_t: no excavation closer to the stem")},
               {"root_zone_m", number("R_r: the root zone")},
               {"rule", text("The rule that drew R_r, with its figures")},
               {"basis",
                names({"din18920", "din18920_columnar", "bs5837_no_crown", "bs5837", "as4970"})}})},
      {"Clearance",
       closed({{"trench_distance",
                nullable(number("Metres the work must move to leave R_t (0: outside); null for "
                                "a work that does not dig"))},
               {"root_zone", number("Metres the work must move to leave R_r (0: outside)")}})},
      {"PreviewConflictFeature",
       closed({{"type", names({"Feature"})},
               {"id", nullable(integer("Always null: nothing is stored"))},
               {"geometry", ref("PointGeometry")},
               {"properties",
                closed(tree_conflict_members(nullable(integer("Always null: nothing is stored"))),
                       kAckOptional)}})},
      {"PreviewClash",
       closed(acknowledgement_members(
                  {{"id", nullable(integer("Always null: nothing is stored"))},
                   {"work_a", nullable(integer("null: the previewed work"))},
                   {"work_b", nullable(integer("null: the previewed work"))},
                   {"other_work_id", integer()},
                   {"distance_m", number()},
                   {"overlap_start", date_time()},
                   {"overlap_end", date_time()},
                   {"computed_at", date_time()},
                   {"other_work",
                    closed({{"id", integer()},
                            {"reference", text()},
                            {"title", text()},
                            {"contractor", text()},
                            {"kind", text()},
                            {"status", work_status()},
                            {"starts_at", date_time()},
                            {"ends_at", date_time()},
                            {"contact", text("Only for the work's own contractor, planners and "
                                             "admins")}},
                           {"contact"})}}),
              kAckOptional)},
      {"WorkPreview",
       closed(
           {{"type", names({"Feature"})},
            {"id", nullable(integer("Always null: nothing is stored"))},
            {"geometry", ref("Geometry")},
            {"properties", ref("WorkProperties")},
            {"conflicts", closed({{"trees", array_of(ref("PreviewConflictFeature"))},
                                  {"works", array_of(ref("PreviewClash"))}})},
            {"geometry_note", text("GEOS's note when the shape had to be repaired")},
            {"preview", {{"type", "boolean"}, {"enum", {true}}, {"description", "Always true"}}}},
           {"geometry_note"})},
      {"ConflictFeatureCollection", feature_collection("ConflictFeature")},
      {"TreeConflicts", closed({{"type", names({"FeatureCollection"})},
                                {"tree_id", integer()},
                                {"features", array_of(ref("ConflictFeature"))},
                                {"numberReturned", integer()}})},
      {"WorkClash", closed(acknowledgement_members({{"id", integer()},
                                                    {"work_a", integer()},
                                                    {"work_b", integer()},
                                                    {"other_work_id", integer()},
                                                    {"distance_m", number()},
                                                    {"overlap_start", date_time()},
                                                    {"overlap_end", date_time()},
                                                    {"computed_at", date_time()}}),
                           kAckOptional)},
      {"WorkConflictLists", closed({{"trees", array_of(ref("ConflictFeature"))},
                                    {"works", array_of(ref("WorkClash"))}})},
      {"WorkConflicts", closed({{"work_id", integer()},
                                {"status", work_status()},
                                {"conflicts", ref("WorkConflictLists")},
                                {"links", ref("Links")}})},
  };
}

// The works overview (works/work_review_routes.cpp).
json work_overview_schemas() {
  const auto count = [](const char* what) {
    json s = integer(what);
    s["minimum"] = 0;
    return s;
  };
  return {
      {"WorkOverviewEntry",
       closed(
           {{"id", integer()},
            {"reference", text()},
            {"title", text()},
            {"contractor", text()},
            {"kind", names({"trench", "pit", "drilling", "surface", "site_facility", "storage",
                            "scaffolding", "crane", "traffic_management"})},
            {"status", work_status()},
            {"starts_at", date_time()},
            {"ends_at", date_time()},
            {"version", integer("The version the ETag names")},
            {"bbox",
             {{"type", "array"},
              {"items", number()},
              {"minItems", 4},
              {"maxItems", 4},
              {"description",
               "The work's footprint (width or radius included) in the crs asked: "
               "minx, miny, maxx, maxy (EPSG:4326 by URI: latitude first)"}}},
            {"conflicts", closed({{"critical", count("Tree conflicts of this severity")},
                                  {"high", count("Tree conflicts of this severity")},
                                  {"medium", count("Tree conflicts of this severity")},
                                  {"unacknowledged",
                                   count("Tree conflicts and clashes no planner acknowledged yet")},
                                  {"clashes", count("Clashes with other works")}})},
            {"worst", nullable(names({"critical", "high", "medium"},
                                     "The worst tree conflict; null without one"))}})},
      {"WorksOverview", closed({{"works", array_of(ref("WorkOverviewEntry"))},
                                {"numberMatched", integer("Works matching, all pages")},
                                {"numberReturned", integer()},
                                {"links", ref("Links")}})},
  };
}

json tile_schemas() {
  return {
      {"Tilesets",
       closed({{"tilesets", array_of(closed({{"id", text()},
                                             {"description", text()},
                                             {"tilejson", text("URL of its TileJSON")}}))}})},
      {"TileJson",
       closed({{"tilejson", names({"3.0.0"})},
               {"name", text()},
               {"description", text()},
               {"version", text()},
               {"scheme", names({"xyz"})},
               {"tiles", array_of(text())},
               {"minzoom", integer()},
               {"maxzoom", integer()},
               {"bounds", array_of(number(), 4)},
               {"center", array_of(number(), 3)},
               {"vector_layers",
                array_of(closed(
                    {{"id", text()},
                     {"description", text()},
                     {"minzoom", integer()},
                     {"maxzoom", integer()},
                     {"fields", {{"type", "object"}, {"additionalProperties", text()}}}}))}})},
  };
}

// Why each status is answered, where a route says nothing more precise.
std::string reason(int status) {
  switch (status) {
    case 400:
      return "Invalid or unknown query parameter, or a malformed body (the detail names it)";
    case 401:
      return "No valid API key: a wrong, revoked or malformed key on any route, or none where "
             "the route needs one";
    case 403:
      return "The caller's role, or its organisation, may not do this";
    case 404:
      return "No such resource, or an id that is not a canonical positive integer";
    case 405:
      return "Method not allowed (Allow lists the methods)";
    case 409:
      return "Not possible in the stored state (the detail says why)";
    case 412:
      return "If-Match is not the current version (the current ETag is sent)";
    case 413:
      return "Body over the server's limit (--max-body)";
    case 415:
      return "Content-Type is not application/json, application/geo+json or "
             "application/merge-patch+json";
    case 422:
      return "Well-formed but impossible content (the detail names the field)";
    case 428:
      return "If-Match missing";
    case 429:
      return "Too many requests for this API key (Retry-After: whole seconds to wait)";
    case 503:
      return "Another process holds the store's write lock (Retry-After)";
    default:
      return "Problem";
  }
}

}  // namespace

json ref(const std::string& schema_name) {
  return {{"$ref", "#/components/schemas/" + schema_name}};
}

json response(const std::string& description, const std::string& schema_name,
              const std::string& type) {
  return {{"description", description}, {"content", {{type, {{"schema", ref(schema_name)}}}}}};
}

json with_headers(json response,
                  std::initializer_list<std::pair<const char*, const char*>> headers) {
  for (const auto& [name, description] : headers) {
    response["headers"][name] = {
        {"description", description}, {"required", true}, {"schema", {{"type", "string"}}}};
  }
  return response;
}

void add_problem_headers(json& paths) {
  const std::pair<const char*, std::pair<const char*, const char*>> kHeaders[] = {
      {"401", {"WWW-Authenticate", "Bearer realm=\"rootzone\""}},
      {"405", {"Allow", "The methods the path takes"}},
      {"429", {"Retry-After", "Seconds to wait"}},
      {"503", {"Retry-After", "Seconds to wait"}}};
  for (auto& [path, item] : paths.items()) {
    for (auto& [method, operation] : item.items()) {
      auto& responses = operation["responses"];
      for (const auto& [status, header] : kHeaders) {
        if (responses.contains(status)) {
          responses[status] = with_headers(responses[status], {header});
        }
      }
    }
  }
}

json empty_response(const std::string& description) { return {{"description", description}}; }

json problem(const std::string& description) {
  return response(description + ". RFC 9457 problem details", "Problem",
                  "application/problem+json");
}

void add_problems(json& responses, std::initializer_list<int> statuses) {
  for (const int status : statuses) {
    const auto key = std::to_string(status);
    if (!responses.contains(key)) responses[key] = problem(reason(status));
  }
}

// rules/rule_routes.cpp: the rule sets, and the active one as its file (docs/rules.md); the
// bounds are geo::RuleSet::from_json's.
json rule_schemas() {
  // "Above 0" stays in the description: the response validator reads exclusiveMinimum as a
  // number (JSON Schema draft 6), OpenAPI 3.0 as a boolean.
  const auto bounded = [](json s, double minimum, bool exclusive, double maximum,
                          const std::string& description) {
    s["minimum"] = minimum;
    s["maximum"] = maximum;
    s["description"] = (exclusive ? "Above 0. " : "") + description;
    return s;
  };
  json name = text("Lower-case letter, then lower-case letters, digits, '-' or '_'");
  name["pattern"] = "^[a-z][a-z0-9_-]{0,63}$";
  const json citation = text("The ordinance's citation: title, date, paragraph");
  return {
      {"RuleSets",
       closed(
           {{"active", text("The name of the active rule set")},
            {"rule_sets",
             array_of(closed({{"name", name},
                              {"ordinance", citation},
                              {"active", boolean()},
                              {"shipped", boolean("One of rootzone's own (docs/rules.md)")},
                              {"stored", boolean("Kept in this store (then its copy counts)")}}))},
            {"links", ref("Links")}})},
      {"RuleSet",
       closed({{"name", name},
               {"ordinance", citation},
               {"measuring_height_m",
                bounded(number(), 0, true, 3, "Where the ordinance measures the stem, m")},
               {"threshold_cm", bounded(number(), 0, true, 500, "Single stem: protected from")},
               {"multi_stem_sum", boolean("Multi-stem: the stems' sum against threshold_cm")},
               {"multi_stem_min_cm",
                bounded(number(), 0, false, 500, "Multi-stem: the largest stem at least")},
               {"species_exempt", array_of(text("Botanical name or its first words"))},
               {"species_exempt_except", array_of(text("Wins over species_exempt"))},
               {"zone_rule", names({"din18920", "bs5837", "as4970"})},
               {"share_threshold",
                bounded(number(), 0, true, 1, "Share of the root-zone disc that is high")},
               {"coordination_distance_m",
                bounded(number(), 0, false, 1000, "Works closer than this clash, m")},
               {"grace_days",
                bounded(integer(), 0, false, 3650, "Days after the earlier work ends")}})},
  };
}

json component_schemas() {
  json out = ogc_schemas();
  for (const auto& part :
       {tree_schemas(), work_schemas(), work_overview_schemas(), tile_schemas(), rule_schemas()}) {
    out.update(part);
  }
  return out;
}

}  // namespace rootzone::api::openapi
