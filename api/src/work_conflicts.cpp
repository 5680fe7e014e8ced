#include "work_conflicts.hpp"

#include <algorithm>

#include "feature_json.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "work_body.hpp"

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

geo::Bounds work_footprint(const geo::Work& w) {
  const double grow = std::max(w.width_m.value_or(0) / 2, w.radius_m.value_or(0));
  return w.geometry.bounds().grown(grow);
}

WorkConflicts refresh_work_conflicts(LiveConflicts::Session& s, const geo::Work& work) {
  WorkConflicts out;
  auto& engine = s.engine();
  std::vector<geo::TreeWorkConflict> trees;
  std::vector<geo::WorkWorkConflict> works;
  if (geo::is_open(work.status)) {
    try {
      out.geometry_note = engine.upsert_work(work);
    } catch (const geo::GeometryError& e) {
      // work_problems refused invalid shapes already; a shape GEOS cannot even repair is
      // still the client's geometry, not a server fault.
      throw unprocessable(std::string("geometry: ") + e.what());
    }
    trees = engine.tree_conflicts_of_work(work.id);
    works = engine.work_conflicts_of_work(work.id);
  } else {
    engine.remove_work(work.id);
  }
  out.trees = s.store.conflicts().replace_tree_work_conflicts_for_work(work.id, trees);
  out.works = s.store.conflicts().replace_work_work_conflicts_for_work(work.id, works);
  s.changed.areas.push_back(work_footprint(work));
  return out;
}

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
