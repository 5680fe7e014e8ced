#pragma once
// What an import refused, corrected or flagged, record by record (docs/style.md 3, after
// libosmium's ProblemReporter). The import decides from --strict whether a problem aborts.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::importers {

enum class Severity {
  refused,    // the record was not imported
  corrected,  // imported with a value changed (crown 0 m -> unknown)
  flagged,    // imported as given, but worth a look (a 900 cm stem, a missing circumference)
  skipped,    // deliberately not imported (a WZDx detour); no problem for --strict
};
std::string_view to_string(Severity s);

struct Problem {
  Severity severity = Severity::refused;
  std::string file;                  // file name as given on the command line
  std::int64_t record = 0;           // 1-based record (feature, row) number in the source
  std::optional<std::int64_t> line;  // text files: line in the file (the CSV header is line 1)
  std::string id;                    // the record's source id, when it has one
  std::string field;                 // source field (or canonical field when derived)
  std::string value;                 // the offending value as read
  std::string reason;                // "crown diameter 0 m means unknown"
  friend bool operator==(const Problem&, const Problem&) = default;
};

class ProblemReport {
 public:
  void add(Problem p);
  // Adds `other`'s problems among these by record number (both in record order); on the same
  // record these come first. For an import whose reader and writer report separately.
  void merge_by_record(const ProblemReport& other);
  const std::vector<Problem>& problems() const { return problems_; }
  bool empty() const { return problems_.empty(); }
  std::size_t count(Severity s) const;
  // Number of problems per reason prefix (the reason text up to its first ':'), for the
  // one-screen summary; the most frequent first.
  std::vector<std::pair<std::string, std::size_t>> by_kind() const;

  // Columns: severity,file,record,line,id,field,value,reason (RFC 4180 quoting, UTF-8).
  void write_csv(std::ostream& out) const;
  // {"problems": [{"severity": ..., "file": ..., "record": ..., "line": ..., "id": ...,
  //  "field": ..., "value": ..., "reason": ...}], "counts": {"refused": n, ...}}
  void write_json(std::ostream& out) const;
  // By extension: ".json" writes JSON, anything else CSV. Throws ImportError when the file
  // cannot be written.
  void write(const std::filesystem::path& path) const;

 private:
  std::vector<Problem> problems_;
};

}  // namespace rootzone::importers
