#pragma once
// What tree and work imports share: opening the source with its CRS, geometry checks,
// progress, timing, the strict rule.
#include <ogr_api.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "crs_guard.hpp"
#include "ogr_source.hpp"
#include "record_mapper.hpp"
#include "rootzone/importers/import.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::importers::detail {

// The CRS the source's coordinates are in: the file's, or the mapping's when the file has none
// or the mapping forces it. MappingError when neither knows.
SrsPtr source_crs(const OgrSource& source, const Mapping& mapping, const std::string& file);

// Checks a geometry (present, not empty, valid) and brings it into the store CRS; reports and
// returns false when refused.
using ProblemSink =
    std::function<void(Severity, std::string field, std::string value, std::string reason)>;
bool prepare_geometry(OGRGeometryH g, const CrsGuard& guard, const ProblemSink& problem,
                      const std::string& field);
inline ProblemSink sink(RecordMapper& m) {
  return [&m](Severity s, std::string f, std::string v, std::string r) {
    m.problem(s, std::move(f), std::move(v), std::move(r));
  };
}

// A point from x/y columns or a WKT column or the layer geometry, in the store CRS.
std::optional<geo::Point> record_point(OgrSource& source, RecordMapper& mapper,
                                       const CrsGuard& guard, const Mapping& mapping);

std::string default_user(const ImportOptions& o);

// The ids of this file's records: a second record with an id already seen is refused, the
// first one is imported.
class SeenIds {
 public:
  std::optional<std::string> take(RecordMapper& mapper, const Mapping& mapping,
                                  std::int64_t record) {
    auto id = mapper.id();
    if (!id) return id;
    const auto [it, fresh] = first_.emplace(*id, record);
    if (!fresh) {
      mapper.problem(Severity::refused, mapping.id.from, *id,
                     "duplicate id: also record " + std::to_string(it->second) +
                         " of this file; the first one is imported");
    }
    return id;
  }

 private:
  std::unordered_map<std::string, std::int64_t> first_;
};

class Progress {
 public:
  Progress(const ImportOptions& o, std::optional<std::int64_t> total) : o_(o), total_(total) {}
  void tick(std::int64_t done) {
    if (o_.progress && (done % 512 == 0)) o_.progress(done, total_);
  }
  void finish(std::int64_t done) {
    if (o_.progress) o_.progress(done, total_ ? total_ : std::optional<std::int64_t>(done));
  }

 private:
  const ImportOptions& o_;
  std::optional<std::int64_t> total_;
};

// The end every import shares: the report's counts into the summary, then commit unless
// --strict aborted or it is a dry run (the transaction's destructor rolls back otherwise).
template <class Transaction>
void conclude(ImportResult& result, storage::Store& store, Transaction& tx,
              const ImportOptions& o) {
  auto& s = result.summary;
  s.corrected = static_cast<std::int64_t>(result.report.count(Severity::corrected));
  s.flagged = static_cast<std::int64_t>(result.report.count(Severity::flagged));
  if (!s.aborted && !o.dry_run) {
    storage::bump_data_generation(store);
    tx.commit();
    s.committed = true;
  }
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace rootzone::importers::detail
