#pragma once
// Importing trees and works into a store: read, map, validate, upsert by source id, in one
// transaction. The problem report says what was refused, corrected or flagged.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "rootzone/importers/mapping.hpp"
#include "rootzone/importers/problem_report.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::importers {

enum class SourceFormat {
  ogr,   // anything GDAL/OGR reads: CSV, GeoJSON, GeoPackage, Shapefile ...
  wzdx,  // a WZDx 4.x WorkZoneFeed (GeoJSON with feed_info)
};

struct ImportOptions {
  std::filesystem::path file;
  std::optional<Mapping> mapping;  // required for ogr; optional for wzdx
  SourceFormat format = SourceFormat::ogr;
  bool strict = false;   // the first problem aborts the import, the store stays as it was
  bool dry_run = false;  // do everything, then roll back
  std::string user;      // who the history names; empty: "import <file name>"
  // Called now and then with the records read so far and the total when the source knows it.
  std::function<void(std::int64_t done, std::optional<std::int64_t> total)> progress;
};

struct ImportSummary {
  std::int64_t read = 0;  // records in the source
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;        // already in the store exactly so
  std::int64_t refused = 0;          // records not imported (see the report)
  std::int64_t skipped = 0;          // records deliberately not imported (WZDx detours)
  std::int64_t corrected = 0;        // problems of severity corrected
  std::int64_t flagged = 0;          // problems of severity flagged
  std::int64_t protected_trees = 0;  // trees imports: inserted or updated trees now protected
  // Trees imports: trees of this file stored without a stem circumference, so the ordinance
  // could not judge them (not protected unless protected by hand), and whether the mapping maps
  // a circumference at all (docs/rules.md, "When protection cannot be derived").
  std::int64_t protection_not_derived = 0;
  bool circumference_mapped = false;
  std::int64_t implausible_stems = 0;  // trees flagged for a stem too small for height or age
  bool aborted = false;                // --strict stopped at a problem: nothing was written
  bool committed = false;              // the transaction was committed (false for dry runs)
  double seconds = 0;
};

struct ImportResult {
  ImportSummary summary;
  ProblemReport report;
};

// Throws InputMissing, InputUnreadable, MappingError; storage errors pass through. Bad records
// never throw: they are in the report.
ImportResult import_trees(storage::Store& store, const ImportOptions& options);
ImportResult import_works(storage::Store& store, const ImportOptions& options);

}  // namespace rootzone::importers
