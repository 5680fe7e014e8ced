#pragma once
// Conflicts as a planner reads them: by the city's tree number and the work's reference,
// as an aligned table, CSV or GeoJSON (tree points in EPSG:4326, RFC 7946).
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/conflict_inputs.hpp"

namespace rootzone::app {

class ConflictLabels {
 public:
  ConflictLabels(std::unordered_map<std::int64_t, storage::TreeLabel> trees,
                 std::span<const geo::Work> works);
  std::string tree(std::int64_t id) const;
  std::string work(std::int64_t id) const;
  geo::Point tree_location(std::int64_t id) const;

 private:
  std::unordered_map<std::int64_t, storage::TreeLabel> trees_;
  std::unordered_map<std::int64_t, std::string> works_;
};

// format: "table", "csv" or "geojson"; store_srid: the CRS of the tree locations.
void print_tree_conflicts(std::ostream& out, const std::string& format,
                          const std::vector<geo::TreeWorkConflict>& conflicts,
                          const ConflictLabels& labels, int store_srid);
void print_work_clashes(std::ostream& out, const std::string& format,
                        const std::vector<geo::WorkWorkConflict>& clashes,
                        const ConflictLabels& labels);

}  // namespace rootzone::app
