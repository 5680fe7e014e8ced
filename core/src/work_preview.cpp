#include "rootzone/core/work_preview.hpp"

#include "rootzone/core/live_engine.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::core {

WorkPreview preview_work(Application& app, const Caller& caller, geo::Work work) {
  require(caller, Action::preview_works);
  require_own_new_work(caller, work);
  // What the store would give the new work; id 0 is no stored work's.
  work.id = 0;
  work.version = 1;
  work.updated_at = geo::now_utc();
  WorkPreview out;
  app.live().read([&](const geo::ConflictEngine& engine) {
    geo::HypotheticalConflicts found;
    try {
      found = engine.conflicts_if_added(work);
    } catch (const geo::GeometryError& e) {
      throw unrepairable(e);
    }
    out.conflicts.zoned = zoned_trees(engine, found.trees);
    for (const auto& clash : found.works) {
      const auto other_id = clash.work_a == work.id ? clash.work_b : clash.work_a;
      auto other = engine.open_work(other_id);
      // A clash names a work the engine holds: it was computed from it a moment ago.
      if (!other) throw std::logic_error("clash with a work the conflict engine does not hold");
      const bool details = caller.sees_details_of(*other);
      ClashPartner p{std::move(*other), details};
      if (!p.details) {
        p.work.contact.clear();
        p.work.source.clear();
      }
      out.partners.push_back(std::move(p));
    }
    out.conflicts.trees = std::move(found.trees);
    out.conflicts.works = std::move(found.works);
    out.conflicts.geometry_note = std::move(found.repair_note);
  });
  out.work = std::move(work);
  return out;
}

}  // namespace rootzone::core
