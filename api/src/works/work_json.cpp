#include "works/work_json.hpp"

#include <algorithm>

#include "ogc/feature_json.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

void add_ack(json& out, const std::optional<geo::Acknowledgement>& ack) {
  out["acknowledged"] = ack.has_value();
  if (ack) {
    out["acknowledged_by"] = ack->user;
    out["acknowledged_at"] = geo::format_utc(ack->at);
    out["acknowledgement_comment"] = ack->comment;
  }
}

}  // namespace

json work_clash_json(const geo::WorkWorkConflict& c, std::int64_t work_id) {
  json out = {{"id", c.id},
              {"work_a", c.work_a},
              {"work_b", c.work_b},
              {"other_work_id", c.work_a == work_id ? c.work_b : c.work_a},
              {"distance_m", c.distance_m},
              {"overlap_start", geo::format_utc(c.overlap_start)},
              {"overlap_end", geo::format_utc(c.overlap_end)},
              {"computed_at", geo::format_utc(c.computed_at)}};
  add_ack(out, c.acknowledged);
  return out;
}

json conflicts_json(storage::Store& store, const std::vector<geo::TreeWorkConflict>& trees,
                    const std::vector<geo::WorkWorkConflict>& works, std::int64_t work_id,
                    const OutputCrs& crs, int store_srid) {
  json t = json::array();
  for (const auto& c : trees) {
    t.push_back(conflict_feature(c, store.trees().get(c.tree_id).location, crs, store_srid));
  }
  json w = json::array();
  for (const auto& c : works) w.push_back(work_clash_json(c, work_id));
  return {{"trees", std::move(t)}, {"works", std::move(w)}};
}

void add_clearance(json& properties, const geo::ProtectionZone& zone, geo::WorkKind kind,
                   double min_distance_m) {
  properties["zone"] = {{"trench_distance_m", zone.trench_radius_m},
                        {"root_zone_m", zone.root_radius_m},
                        {"rule", geo::describe_root_rule(zone)},
                        {"basis", geo::to_string(zone.basis)}};
  const auto beyond = [&](double radius) { return std::max(0.0, radius - min_distance_m); };
  properties["clear_by_m"] = {
      {"trench_distance", geo::is_excavation(kind) ? json(beyond(zone.trench_radius_m)) : json()},
      {"root_zone", beyond(zone.root_radius_m)}};
}

json conflicts_json(const core::WorkConflicts& conflicts, const geo::Work& work,
                    const OutputCrs& crs, int store_srid) {
  json t = json::array();
  for (std::size_t i = 0; i < conflicts.trees.size(); ++i) {
    const auto& c = conflicts.trees[i];
    const auto& tree = conflicts.zoned.at(i);
    auto f = conflict_feature(c, tree.location, crs, store_srid);
    add_clearance(f["properties"], tree.zone, work.kind, c.min_distance_m);
    t.push_back(std::move(f));
  }
  json w = json::array();
  for (const auto& c : conflicts.works) w.push_back(work_clash_json(c, work.id));
  return {{"trees", std::move(t)}, {"works", std::move(w)}};
}

json status_change_json(const geo::WorkStatusChange& c) {
  return {{"id", c.id},
          {"from", c.from ? json(geo::to_string(*c.from)) : json(nullptr)},
          {"to", geo::to_string(c.to)},
          {"at", geo::format_utc(c.at)},
          {"user", c.user},
          {"comment", c.comment},
          {"conditions", c.conditions}};
}

}  // namespace rootzone::api
