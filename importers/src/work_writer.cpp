// The one writer of works imports, whichever reader maps the source.
#include "work_writer.hpp"

#include "rootzone/importers/import.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::importers::detail {

namespace {

// Upserts `w` (found by reference); false with the store's reason in `why` when the store
// refuses it.
bool upsert_work(storage::Store& store, const geo::Work& w,
                 const std::function<bool(const char*)>& mapped, const std::string& user,
                 ImportSummary& s, std::string& why) {
  try {
    auto existing = store.works().find_by_reference(w.reference);
    if (!existing) {
      store.works().insert(w, user);
      ++s.inserted;
      return true;
    }
    auto merged = *existing;
    merged.geometry = w.geometry;
    merged.starts_at = w.starts_at;
    merged.ends_at = w.ends_at;
    merged.source = w.source;
    const auto take = [&](const char* field, auto member) {
      if (mapped(field)) merged.*member = w.*member;
    };
    take("title", &geo::Work::title);
    take("contractor", &geo::Work::contractor);
    take("contact", &geo::Work::contact);
    take("kind", &geo::Work::kind);
    take("width_m", &geo::Work::width_m);
    take("radius_m", &geo::Work::radius_m);
    take("depth_m", &geo::Work::depth_m);
    if (merged == *existing) {
      ++s.unchanged;
    } else {
      store.works().update(merged, existing->version);
      ++s.updated;
    }
    return true;
  } catch (const storage::ConstraintViolation& e) {
    why = std::string("refused by the store: ") + e.what();
    return false;
  }
}

bool any_but_skipped(const std::vector<Problem>& problems, std::size_t from) {
  for (auto i = from; i < problems.size(); ++i) {
    if (problems[i].severity != Severity::skipped) return true;
  }
  return false;
}

}  // namespace

void write_works(storage::Store& store, const ImportOptions& o, ImportResult& result,
                 Progress& progress, const std::function<bool(const char*)>& mapped,
                 const WorkReader& next) {
  auto& s = result.summary;
  const auto& problems = result.report.problems();
  const auto user = default_user(o);
  storage::StoreTransaction tx(store);
  for (;;) {
    const auto problems_before = problems.size();
    MappedWork m;
    if (!next(m)) break;
    ++s.read;
    progress.tick(s.read);
    if (m.fate == MappedWork::Fate::skipped) {
      // Whatever else the record brought: a skipped record is no problem for --strict
      // (docs/importers.md).
      ++s.skipped;
      continue;
    }
    if (m.fate == MappedWork::Fate::refused) {
      ++s.refused;
    } else if (std::string why; !upsert_work(store, m.work, mapped, user, s, why)) {
      result.report.add({Severity::refused, m.at.file, m.at.record, m.at.line, m.at.id, "",
                         m.work.reference, why});
      ++s.refused;
    }
    if (o.strict && any_but_skipped(problems, problems_before)) {
      s.aborted = true;
      break;
    }
  }
  progress.finish(s.read);
  conclude(result, store, tx, o);
}

}  // namespace rootzone::importers::detail
