// The official WZDx schemas with valijson (Debian libvalijson-dev) over nlohmann-json.
//
// Two rewrites of the schemas, each keeping what they accept and refuse (docs/importers.md):
// - A road event's `properties` is `oneOf` the work-zone, detour (and, in 4.0, restriction)
//   definitions, each of which requires its own `event_type` const; its `geometry` is `oneOf`
//   LineString and MultiPoint, each requiring its own `type`. For a feature whose event type or
//   geometry type names one branch, the other branches can only fail, so the feature is checked
//   against that branch alone: the same verdict, and the violations of the branch the feed
//   meant instead of those of every branch.
// - `format` and `pattern` apply to strings only (draft-07 §7.1); valijson 1.0 throws on a
//   non-empty array or object under `format`, and its regular expressions recurse per
//   character. Both move under an `if` that admits strings up to kMaxCheckedStringLength; a
//   longer string gets a maxLength violation in their place.
// - valijson 1.0 compiles its date-time regular expression anew for every value it checks
//   (3.7 ms per road event, 234 s for a feed of 20,000). A date-time is first matched against
//   kDateTime, compiled once per thread, which accepts exactly what valijson's check accepts;
//   only a string it refuses goes on to valijson's own check, for its verdict and message.
#include "wzdx_schema.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "wzdx_schema_files.hpp"

namespace rootzone::importers::detail {

using Json = nlohmann::json;

namespace {

const char* const kVersions[] = {"4.0", "4.1", "4.2"};

// Every embedded schema by its `$id`, which is the URL the others `$ref` it by.
const std::map<std::string, Json>& documents_by_id() {
  static const std::map<std::string, Json> docs = [] {
    std::map<std::string, Json> out;
    for (const auto& f : wzdx_schema_files()) {
      auto doc = Json::parse(f.text);
      auto id = doc.at("$id").get<std::string>();
      out.emplace(std::move(id), std::move(doc));
    }
    return out;
  }();
  return docs;
}

std::string url_of(const std::string& version, const std::string& file) {
  return "https://raw.githubusercontent.com/usdot-jpo-ode/wzdx/main/schemas/" + version + "/" +
         file;
}

// What valijson 1.0's "date-time" format accepts (validation_visitor.hpp: its regular
// expression, then at most 29 days in February, 30 in April, June, September and November),
// as one expression. Its offset sign class [\+|\-] admits '|' too; so does this one.
constexpr const char* kDateTime =
    "^[0-9]+-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|[12][0-9]))[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?"
    "(?:[Zz]|[-+|](?:[01][0-9]|2[0-3]):[0-5][0-9])$";

// See the file comment: `format` and `pattern` only on strings of bounded length.
void guard_regex_keywords(Json& schema);

void guard_each(Json& container) {
  if (container.is_object()) {
    for (auto& [key, sub] : container.items()) {
      (void)key;
      guard_regex_keywords(sub);
    }
  } else if (container.is_array()) {
    for (auto& sub : container) guard_regex_keywords(sub);
  }
}

void guard_regex_keywords(Json& schema) {
  if (!schema.is_object()) return;
  // Members whose value is a map from names to schemas, or a list of schemas.
  for (const char* key : {"properties", "definitions", "patternProperties", "dependencies", "allOf",
                          "anyOf", "oneOf"}) {
    if (schema.contains(key)) guard_each(schema[key]);
  }
  for (const char* key : {"items", "additionalItems", "additionalProperties", "contains",
                          "propertyNames", "not", "if", "then", "else"}) {
    if (!schema.contains(key)) continue;
    if (schema[key].is_array()) {
      guard_each(schema[key]);
    } else {
      guard_regex_keywords(schema[key]);
    }
  }
  Json checked = Json::object();
  for (const char* key : {"format", "pattern"}) {
    if (schema.contains(key)) {
      checked[key] = schema[key];
      schema.erase(key);
    }
  }
  if (checked.empty()) return;
  if (checked.contains("format") && checked["format"] == "date-time") {
    checked = {{"if", {{"pattern", kDateTime}}}, {"else", checked}};
  }
  const auto limit = kMaxCheckedStringLength;
  schema["allOf"].push_back(
      {{"if", {{"type", "string"}, {"maxLength", limit}}},
       {"then", checked},
       {"else", {{"if", {{"type", "string"}}}, {"then", {{"maxLength", limit}}}}}});
}

using Docs = std::map<std::string, Json>;

std::unique_ptr<valijson::Schema> parse(const Json& root, const Docs& docs) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  auto schema = std::make_unique<valijson::Schema>();
  const valijson::adapters::NlohmannJsonAdapter adapter(root);
  parser.populateSchema(
      adapter, *schema,
      [&docs](const std::string& uri) -> const Json* {
        const auto it = docs.find(uri);
        if (it == docs.end()) throw std::logic_error("WZDx schema " + uri + " is not embedded");
        return new Json(it->second);
      },
      [](const Json* doc) { delete doc; });
  return schema;
}

// RFC 6901 from valijson's context: "<root>", "[core_details]", "[0]".
std::string pointer_of(const std::vector<std::string>& context) {
  std::string out;
  for (std::size_t i = 1; i < context.size(); ++i) {
    const auto& step = context[i];
    out += '/';
    const auto inner = step.size() >= 2 ? std::string_view(step).substr(1, step.size() - 2)
                                        : std::string_view(step);
    for (const char c : inner) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

// True when `below` lies strictly inside `above` ("/a/b" inside "/a", not "/ab").
bool strictly_inside(const std::string& below, const std::string& above) {
  return below.size() > above.size() && below.compare(0, above.size(), above) == 0 &&
         below[above.size()] == '/';
}

// valijson also reports each enclosing schema that failed because of what it holds ("Failed to
// validate against child schema #1.", "... item #3 in array."); such a message says something
// only where nothing more specific was reported at its place or inside it.
bool wraps_others(const std::string& message) {
  return message.rfind("Failed to validate", 0) == 0 &&
         message != "Failed to validate against exactly one child schema.";
}

// The violations worth reading, once each (the same place and text can come from several
// branches), in the order valijson met them.
std::vector<SchemaViolation> readable(const valijson::ValidationResults& results) {
  std::vector<SchemaViolation> all;
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::string> specific;
  for (const auto& e : results) {
    SchemaViolation v{pointer_of(e.context), e.description};
    if (!seen.emplace(v.pointer, v.message).second) continue;
    if (!wraps_others(v.message)) specific.push_back(v.pointer);
    all.push_back(std::move(v));
  }
  std::sort(specific.begin(), specific.end());
  const auto at_or_inside = [&specific](const std::string& pointer) {
    if (std::binary_search(specific.begin(), specific.end(), pointer)) return true;
    const auto next = std::lower_bound(specific.begin(), specific.end(), pointer + "/");
    return next != specific.end() && strictly_inside(*next, pointer);
  };
  std::vector<SchemaViolation> out;
  for (auto& v : all) {
    if (wraps_others(v.message) && at_or_inside(v.pointer)) continue;
    out.push_back(std::move(v));
  }
  return out;
}

// JSON values in `value` (itself included), counting no further than `limit`; without
// recursion, whatever the nesting.
std::size_t count_values(const Json& value, std::size_t limit) {
  std::size_t n = 0;
  std::vector<const Json*> todo{&value};
  while (!todo.empty() && n <= limit) {
    const Json* v = todo.back();
    todo.pop_back();
    ++n;
    if (v->is_structured()) {
      for (const auto& child : *v) todo.push_back(&child);
    }
  }
  return n;
}

std::vector<SchemaViolation> validate(const valijson::Schema& schema, const Json& value) {
  // The validator keeps the compiled `pattern` expressions: one per thread, for every feature.
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  const valijson::adapters::NlohmannJsonAdapter target(value);
  try {
    // Most features are valid: the first pass stops at the first failure and collects nothing,
    // in time linear in the value's size.
    if (validator.validate(schema, target, nullptr)) return {};
    // The second pass collects every failure, each with its path: for a large value that can be
    // several hundred bytes per JSON value (a 100,000-vertex line of text coordinates: 400 MB).
    if (const auto n = count_values(value, kMaxValuesLocated); n > kMaxValuesLocated) {
      return {{"", "violates the schema; it has more than " + std::to_string(kMaxValuesLocated) +
                       " JSON values, too many to locate each violation"}};
    }
    valijson::ValidationResults results;
    validator.validate(schema, target, &results);
    auto out = readable(results);
    if (out.empty()) out.push_back({"", "does not match the schema"});
    return out;
  } catch (const std::exception& e) {
    return {{"", std::string("cannot be validated: ") + e.what()}};
  }
}

}  // namespace

// Per version: the header schema, and the feature schemas by (event type, geometry type),
// "" standing for any other value (then every branch is checked, as the schema says).
struct WzdxSchema::Parsed {
  std::unique_ptr<valijson::Schema> header;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<valijson::Schema>> features;
};

WzdxSchema::WzdxSchema(std::string version)
    : version_(std::move(version)),
      feed_document_(version_ == "4.0" ? "WZDxFeed.json" : "WorkZoneFeed.json"),
      parsed_(std::make_unique<Parsed>()) {
  Docs docs;
  for (const auto& [id, doc] : documents_by_id()) {
    auto guarded = doc;
    guard_regex_keywords(guarded);
    docs.emplace(id, std::move(guarded));
  }
  const auto feed_url = url_of(version_, feed_document_);
  const auto feature_url = url_of(version_, "RoadEventFeature.json");
  const Json feed = docs.at(feed_url);
  parsed_->header = parse(feed, docs);

  // What the feed document requires of each of its features.
  const Json items = feed.at("properties").at("features").at("items");
  const Json& feature = docs.at(feature_url);
  // "" for an event type without a definition of its own: all of them, as the schema says.
  const std::map<std::string, std::string> events{{"work-zone", "WorkZoneRoadEvent"},
                                                  {"detour", "DetourRoadEvent"},
                                                  {"restriction", "RestrictionRoadEvent"},
                                                  {"", ""}};
  for (const auto& [event, definition] : events) {
    if (!definition.empty() && !feature.at("definitions").contains(definition)) continue;
    for (const char* geometry : {"LineString", "MultiPoint", ""}) {
      Json narrowed = feature;
      if (!definition.empty()) {
        narrowed["properties"]["properties"].erase("oneOf");
        narrowed["properties"]["properties"]["allOf"] =
            Json::array({{{"$ref", "#/definitions/" + definition}}});
      }
      if (*geometry) {
        narrowed["properties"]["geometry"] = {
            {"$ref", std::string("https://geojson.org/schema/") + geometry + ".json"}};
      }
      auto variant = docs;
      variant[feature_url] = std::move(narrowed);
      parsed_->features[{event, geometry}] = parse(items, variant);
    }
  }
}

WzdxSchema::~WzdxSchema() = default;

const WzdxSchema* WzdxSchema::for_version(std::string_view version) {
  static std::once_flag once;
  static std::map<std::string, std::unique_ptr<WzdxSchema>, std::less<>> schemas;
  std::call_once(once, [] {
    for (const char* v : kVersions)
      schemas.emplace(v, std::unique_ptr<WzdxSchema>(new WzdxSchema(v)));
  });
  const auto it = schemas.find(version);
  return it == schemas.end() ? nullptr : it->second.get();
}

std::string WzdxSchema::supported_versions() {
  std::string out;
  for (const char* v : kVersions) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

std::vector<SchemaViolation> WzdxSchema::check_header(const Json& header) const {
  return validate(*parsed_->header, header);
}

std::vector<SchemaViolation> WzdxSchema::check_feature(const Json& feature) const {
  std::string event;
  std::string geometry;
  if (feature.is_object()) {
    const auto p = feature.find("properties");
    if (p != feature.end() && p->is_object()) {
      const auto core = p->find("core_details");
      if (core != p->end() && core->is_object()) {
        const auto e = core->find("event_type");
        if (e != core->end() && e->is_string()) event = e->get<std::string>();
      }
    }
    const auto g = feature.find("geometry");
    if (g != feature.end() && g->is_object()) {
      const auto t = g->find("type");
      if (t != g->end() && t->is_string()) geometry = t->get<std::string>();
    }
  }
  if (!parsed_->features.contains({event, ""})) event.clear();
  if (!parsed_->features.contains({event, geometry})) geometry.clear();
  const auto it = parsed_->features.find({event, geometry});
  return validate(*it->second, feature);
}

}  // namespace rootzone::importers::detail
