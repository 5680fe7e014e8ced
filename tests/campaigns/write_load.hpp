#pragma once
// A write load against a real `rootzone serve` that logs every write the server acknowledged,
// and the check that a store holds all of them: for the backup test (tests/storage) and the
// kill -9 campaign (scripts/campaigns/kill9.sh through kill9_probe).
//
// The load alternates two writes a city's users make: a contractor's trench submitted 2 m
// beside a protected tree (POST /collections/works/items: the work, its first status-history
// row, its tree conflicts and clashes in one transaction) and a field worker's correction of a
// tree's site (PATCH with If-Match: the tree's new version and one tree_history row).
// A line goes to the log the moment the 2xx answer has been read, one write(2) per line, so it
// survives whatever happens to the server afterwards.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rootzone::test {

struct LoadTree {
  std::int64_t id = 0;
  double x = 0;  // store CRS
  double y = 0;
};

struct LoadOptions {
  int port = 0;
  int srid = 25832;
  std::string contractor_key;
  std::string field_staff_key;
  std::vector<LoadTree> trees;  // protected trees to write beside and to edit
  std::filesystem::path log;    // acknowledged writes, appended
  std::string tag;              // makes references and values unique per run
  // Stop after this many acknowledged writes (0: until stopped or the server is gone).
  std::int64_t max_writes = 0;
};

struct LoadCounts {
  std::int64_t works = 0;       // 201 to a POST
  std::int64_t tree_edits = 0;  // 200 to a PATCH
  std::int64_t refused = 0;     // any other answer (412 after a lost race, 429, 503 ...)
  std::string ended_by;         // "stopped", "max_writes", or why the connection ended
};

// Protected, standing trees of the store, spread over its id range (at most `count`).
std::vector<LoadTree> pick_load_trees(const std::filesystem::path& db, std::size_t count);

// Runs until `stop` is set, max_writes is reached or the server cannot be reached any more
// (after a kill: no further connection is accepted within 2 s).
LoadCounts run_write_load(const LoadOptions& options, const std::atomic<bool>& stop);

struct VerifyResult {
  std::int64_t works = 0;
  std::int64_t tree_edits = 0;
  std::vector<std::string> missing;  // one line per acknowledged write not found as answered
  bool ok() const { return missing.empty(); }
};

// Every acknowledged write of `log` (up to `up_to_line` lines; 0: all) against the store at
// `db`: the work with its reference, its 'submitted' history row, exactly the tree conflicts
// the answer listed and at least its clashes; the tree at least at the answered version with
// the tree_history row of the new site.
VerifyResult verify_acknowledged(const std::filesystem::path& db, const std::filesystem::path& log,
                                 std::size_t up_to_line = 0);

}  // namespace rootzone::test
