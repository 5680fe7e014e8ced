#include "support/conflict_case.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/protection.hpp"

namespace rootzone::test {

namespace {

const std::filesystem::path kCases =
    std::filesystem::path(ROOTZONE_SOURCE_DIR) / "tests/cases/conflicts";

template <class T>
T value(const std::optional<T>& v, const std::string& what) {
  if (!v) throw std::runtime_error("conflict case: bad " + what);
  return *v;
}

// Cases write WKT in local metres; shifting the text keeps them readable in the files.
geo::Geometry shifted(const std::string& wkt, geo::Point offset) {
  if (offset == geo::Point{}) return geo::Geometry::from_wkt(wkt);
  std::string out;
  std::size_t i = 0;
  bool x_next = true;
  while (i < wkt.size()) {
    const char c = wkt[i];
    if ((c >= '0' && c <= '9') || c == '-' || c == '.') {
      std::size_t used = 0;
      const double v = std::stod(wkt.substr(i), &used);
      out += std::to_string(v + (x_next ? offset.x : offset.y));
      x_next = !x_next;
      i += used;
    } else {
      out += c;
      ++i;
    }
  }
  return geo::Geometry::from_wkt(out);
}

}  // namespace

ConflictCase load_conflict_case(const std::string& name, geo::Point offset) {
  std::ifstream in(kCases / (name + ".json"));
  if (!in) throw std::runtime_error("no conflict case " + name);
  ConflictCase c;
  c.raw = nlohmann::json::parse(in);
  c.rules = value(geo::RuleSet::builtin(c.raw.at("rule_set").get<std::string>()), "rule_set");
  for (const auto& j : c.raw.at("trees")) {
    geo::Tree t;
    t.id = j.at("id").get<std::int64_t>();
    t.source_id = std::to_string(t.id);
    t.location = {j.at("x").get<double>() + offset.x, j.at("y").get<double>() + offset.y};
    t.stem_circumferences_cm = j.at("stems_cm").get<std::vector<double>>();
    if (j.contains("crown_m") && j.at("crown_m").get<double>() > 0) {
      t.crown_diameter_m = j.at("crown_m").get<double>();
    }
    t.species_botanical = j.at("species").get<std::string>();
    t.status = value(geo::tree_status_from_string(j.at("status").get<std::string>()), "status");
    t.protection = geo::evaluate_protection(t, c.rules);
    c.trees.push_back(std::move(t));
  }
  for (const auto& j : c.raw.at("works")) {
    geo::Work w;
    w.id = j.at("id").get<std::int64_t>();
    w.reference = j.at("reference").get<std::string>();
    w.kind = value(geo::work_kind_from_string(j.at("kind").get<std::string>()), "kind");
    w.geometry = shifted(j.at("wkt").get<std::string>(), offset);
    w.status = value(geo::work_status_from_string(j.at("status").get<std::string>()), "status");
    w.starts_at = value(geo::parse_utc(j.at("starts_at").get<std::string>()), "starts_at");
    w.ends_at = value(geo::parse_utc(j.at("ends_at").get<std::string>()), "ends_at");
    if (j.contains("width_m")) w.width_m = j.at("width_m").get<double>();
    if (j.contains("radius_m")) w.radius_m = j.at("radius_m").get<double>();
    c.works.push_back(std::move(w));
  }
  return c;
}

std::vector<std::string> conflict_case_names() {
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::directory_iterator(kCases)) {
    if (f.path().extension() == ".json") names.push_back(f.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace rootzone::test
