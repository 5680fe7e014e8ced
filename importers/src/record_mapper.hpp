#pragma once
// Applies a mapping's field rules to one source record: source field -> canonical value, with
// units, value maps, defaults and plausibility, putting every problem into the report.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/importers/mapping.hpp"
#include "rootzone/importers/problem_report.hpp"

namespace rootzone::importers::detail {

// Where a record is: for the report.
struct RecordRef {
  std::string file;
  std::int64_t record = 0;
  std::optional<std::int64_t> line;
  std::string id;
};

class RecordMapper {
 public:
  using FieldLookup = std::function<int(std::string_view)>;   // -1 when absent
  using FieldValue = std::function<std::optional<std::string>(int)>;

  // Resolves every source field the mapping names; MappingError lists the fields the source
  // has when one is missing.
  RecordMapper(const Mapping& mapping, const FieldLookup& lookup,
               const std::vector<std::string>& available, ProblemReport& report);

  void begin(RecordRef ref, FieldValue value);
  const RecordRef& ref() const { return ref_; }
  // True once a problem of severity `refused` was reported for this record.
  bool refused() const { return refused_; }
  void problem(Severity s, std::string_view field, std::string value, std::string reason);

  bool mapped(const std::string& canonical) const;
  // The record's source id (after prefix/transform); refuses the record when empty.
  std::optional<std::string> id();
  // Canonical text, empty -> nullopt.
  std::optional<std::string> text(const std::string& canonical);
  // A required text: refuses the record when missing.
  std::optional<std::string> required_text(const std::string& canonical);
  // Numbers in the canonical unit (`unit`: "cm" or "m"), plausibility checked.
  std::optional<double> number(const std::string& canonical, std::string_view unit);
  std::vector<double> numbers(const std::string& canonical, std::string_view unit);
  std::optional<int> integer(const std::string& canonical, int min, int max);
  std::optional<geo::Timestamp> time(const std::string& canonical, bool required);
  std::optional<geo::Date> date(const std::string& canonical);
  std::optional<bool> boolean(const std::string& canonical);

  // The raw text of a source field by index (encoding checked), for geometry columns.
  std::optional<std::string> raw(int index, const std::string& field_name);
  int geometry_x = -1, geometry_y = -1, geometry_wkt = -1;

 private:
  struct Part {
    std::string literal;
    int field = -1;
  };
  struct Resolved {
    std::string canonical;
    FieldRule rule;
    int from = -1;
    std::vector<Part> parts;  // template
  };
  const Resolved* find(const std::string& canonical) const;
  // The text after from/value/template, transform, map, default, prefix. `source` gets the
  // source field's name and `value` the raw value, for the report.
  std::optional<std::string> value_of(const Resolved& r, std::string_view& source,
                                      std::string& value);
  std::optional<double> check_number(const Resolved& r, std::string_view source,
                                     const std::string& value, double v, std::string_view unit);

  const Mapping& mapping_;
  ProblemReport& report_;
  std::vector<Resolved> resolved_;
  Resolved id_;
  RecordRef ref_;
  FieldValue value_;
  bool refused_ = false;
};

}  // namespace rootzone::importers::detail
