#include "rootzone/core/change_notice.hpp"

#include <nlohmann/json.hpp>

namespace rootzone::core {

std::string change_notice(const DataChange& change, std::int64_t generation) {
  nlohmann::json areas = nlohmann::json::array();
  for (const auto& a : change.areas) areas.push_back({a.minx, a.miny, a.maxx, a.maxy});
  // Doubles are written as their shortest round-trip text: the areas arrive exact.
  const nlohmann::json j = {{"generation", generation},
                            {"areas", std::move(areas)},
                            {"trees", change.trees},
                            {"works", change.works}};
  return j.dump();
}

DataChange read_change_notice(std::string_view payload) {
  DataChange change;
  change.everything = true;
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return change;
  const auto g = j.find("generation");
  if (g == j.end() || !g->is_number_integer()) return change;
  change.generation = g->get<std::int64_t>();
  const auto areas = j.find("areas");
  const auto trees = j.find("trees");
  const auto works = j.find("works");
  if (areas == j.end() || trees == j.end() || works == j.end()) return change;
  try {
    for (const auto& a : *areas) {
      change.areas.push_back({a.at(0).get<double>(), a.at(1).get<double>(), a.at(2).get<double>(),
                              a.at(3).get<double>()});
    }
    change.trees = trees->get<std::vector<std::int64_t>>();
    change.works = works->get<std::vector<std::int64_t>>();
  } catch (const nlohmann::json::exception&) {
    change.areas.clear();
    change.trees.clear();
    change.works.clear();
    return change;
  }
  change.everything = false;
  return change;
}

}  // namespace rootzone::core
