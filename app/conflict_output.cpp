#include "conflict_output.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "rootzone/geo/crs.hpp"

namespace rootzone::app {

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// RFC 4180: quote a field that holds a separator, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

using Row = std::vector<std::string>;

void print_rows(std::ostream& out, const std::string& format, const Row& header,
                const std::vector<Row>& rows) {
  if (format == "csv") {
    for (const auto& r : {header}) {
      for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << csv_field(r[i]);
      out << '\n';
    }
    for (const auto& r : rows) {
      for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << csv_field(r[i]);
      out << '\n';
    }
    return;
  }
  // table: every column as wide as its widest cell; the last column (the rule) runs free.
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  const auto line = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      out << r[i];
      if (i + 1 < r.size()) out << std::string(width[i] - r[i].size() + 2, ' ');
    }
    out << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
}

}  // namespace

ConflictLabels::ConflictLabels(std::unordered_map<std::int64_t, storage::TreeLabel> trees,
                               std::span<const geo::Work> works)
    : trees_(std::move(trees)) {
  for (const auto& w : works) works_[w.id] = w.reference;
}

std::string ConflictLabels::tree(std::int64_t id) const {
  const auto it = trees_.find(id);
  return it == trees_.end() ? "#" + std::to_string(id) : it->second.source_id;
}

std::string ConflictLabels::work(std::int64_t id) const {
  const auto it = works_.find(id);
  return it == works_.end() ? "#" + std::to_string(id) : it->second;
}

geo::Point ConflictLabels::tree_location(std::int64_t id) const {
  const auto it = trees_.find(id);
  return it == trees_.end() ? geo::Point{} : it->second.location;
}

void print_tree_conflicts(std::ostream& out, const std::string& format,
                          const std::vector<geo::TreeWorkConflict>& conflicts,
                          const ConflictLabels& labels, int store_srid) {
  if (format == "geojson") {
    const geo::Transformer to_wgs84(store_srid, 4326);
    nlohmann::json features = nlohmann::json::array();
    for (const auto& c : conflicts) {
      const auto p = to_wgs84.forward(labels.tree_location(c.tree_id));
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "Point"}, {"coordinates", {p.x, p.y}}}},
                          {"properties",
                           {{"tree_id", labels.tree(c.tree_id)},
                            {"work_id", labels.work(c.work_id)},
                            {"severity", geo::to_string(c.severity)},
                            {"rule", c.rule},
                            {"min_distance_m", c.min_distance_m},
                            {"overlap_m2", c.overlap_m2},
                            {"overlap_share", c.overlap_share},
                            {"acknowledged", c.acknowledged.has_value()}}}});
    }
    out << nlohmann::json{{"type", "FeatureCollection"}, {"features", features}}.dump() << '\n';
    return;
  }
  std::vector<Row> rows;
  rows.reserve(conflicts.size());
  for (const auto& c : conflicts) {
    rows.push_back({labels.tree(c.tree_id), labels.work(c.work_id),
                    std::string(geo::to_string(c.severity)), fixed(c.min_distance_m, 3),
                    fixed(c.overlap_m2, 3), fixed(c.overlap_share, 4), c.rule});
  }
  print_rows(
      out, format,
      {"tree_id", "work_id", "severity", "min_distance_m", "overlap_m2", "overlap_share", "rule"},
      rows);
}

void print_work_clashes(std::ostream& out, const std::string& format,
                        const std::vector<geo::WorkWorkConflict>& clashes,
                        const ConflictLabels& labels) {
  if (format == "geojson") {
    nlohmann::json features = nlohmann::json::array();
    for (const auto& c : clashes) {
      features.push_back({{"type", "Feature"},
                          {"geometry", nullptr},
                          {"properties",
                           {{"work_a", labels.work(c.work_a)},
                            {"work_b", labels.work(c.work_b)},
                            {"distance_m", c.distance_m},
                            {"overlap_start", geo::format_utc(c.overlap_start)},
                            {"overlap_end", geo::format_utc(c.overlap_end)}}}});
    }
    out << nlohmann::json{{"type", "FeatureCollection"}, {"features", features}}.dump() << '\n';
    return;
  }
  std::vector<Row> rows;
  for (const auto& c : clashes) {
    rows.push_back({labels.work(c.work_a), labels.work(c.work_b), fixed(c.distance_m, 3),
                    geo::format_utc(c.overlap_start), geo::format_utc(c.overlap_end)});
  }
  print_rows(out, format, {"work_a", "work_b", "distance_m", "overlap_start", "overlap_end"}, rows);
}

}  // namespace rootzone::app
