#pragma once
// The official WZDx JSON Schemas (draft-07) of versions 4.0, 4.1 and 4.2, with the GeoJSON
// schemas they reference, validated with valijson. The schemas are the embedded copies of
// data/wzdx-schema and data/geojson-schema; their absolute `$ref` URLs resolve to those copies,
// never to the network.
#include <cstddef>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::importers::detail {

// One place where a document breaks its schema.
struct SchemaViolation {
  std::string pointer;  // JSON Pointer (RFC 6901) into the validated value, "" for its root
  std::string message;  // valijson's description: "Missing required property 'id'."
  friend bool operator==(const SchemaViolation&, const SchemaViolation&) = default;
};

class WzdxSchema {
 public:
  // The schema of `version` ("4.0", "4.1", "4.2"), nullptr for any other. Built once, on first
  // use; safe to share between threads afterwards.
  static const WzdxSchema* for_version(std::string_view version);
  // "4.0, 4.1, 4.2", for messages.
  static std::string supported_versions();

  const std::string& version() const { return version_; }
  // The feed document's file name: WZDxFeed.json for 4.0, WorkZoneFeed.json after.
  const std::string& feed_document() const { return feed_document_; }

  // The feed's own members (type, feed_info or road_event_feed_info, bbox) against the feed
  // document. `header` is the feed with an empty `features` array: each feature is checked
  // on its own with check_feature.
  std::vector<SchemaViolation> check_header(const nlohmann::json& header) const;
  // One element of the feed's `features`, against what the feed document requires of its
  // items (RoadEventFeature.json and the event types it allows).
  std::vector<SchemaViolation> check_feature(const nlohmann::json& feature) const;

  ~WzdxSchema();
  WzdxSchema(const WzdxSchema&) = delete;
  WzdxSchema& operator=(const WzdxSchema&) = delete;

  struct Parsed;  // valijson's schemas, kept out of this header

 private:
  explicit WzdxSchema(std::string version);

  std::string version_;
  std::string feed_document_;
  std::unique_ptr<Parsed> parsed_;
};

// Strings that a `format` or `pattern` of the schemas checks longer than this are refused
// before the check: the regular expressions behind them (std::regex) recurse once per
// character, and a 100,000-character date crashed the stack.
inline constexpr std::size_t kMaxCheckedStringLength = 256;

// A value that fails its schema is validated a second time to locate each violation, only up
// to this many JSON values (a 16,000-vertex line); a larger one is refused with one violation
// at its root. The verdict is the schema's either way.
inline constexpr std::size_t kMaxValuesLocated = 50'000;

}  // namespace rootzone::importers::detail
