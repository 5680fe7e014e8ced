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
  using FieldLookup = std::function<int(std::string_view)>;  // -1 when absent
  // A source field's text by index, nullopt when null; valid until the next begin().
  using FieldValue = std::function<std::optional<std::string_view>(int)>;

  // Resolves every source field the mapping names; MappingError lists the fields the source
  // has when one is missing. `file` names the source in the report.
  RecordMapper(const Mapping& mapping, const FieldLookup& lookup,
               const std::vector<std::string>& available, ProblemReport& report, std::string file);

  void begin(std::int64_t record, std::optional<std::int64_t> line, FieldValue value);
  const RecordRef& ref() const { return ref_; }
  // True once a problem of severity `refused` was reported for this record.
  bool refused() const { return refused_; }
  void problem(Severity s, std::string_view field, std::string_view value, std::string reason);

  // A canonical field, looked up once: an import of a million records asks for its fields by
  // handle instead of searching them by name every time. Not mapped: index -1.
  struct Field {
    int index = -1;
  };
  Field field(std::string_view canonical) const;
  bool mapped(std::string_view canonical) const { return field(canonical).index >= 0; }
  // The record's source id (after prefix/transform); refuses the record when empty.
  std::optional<std::string> id();
  // Canonical text, empty -> nullopt. Views are valid until the next begin(): copy to keep.
  std::optional<std::string_view> text(Field f);
  // A required text: refuses the record when missing.
  std::optional<std::string_view> required_text(std::string_view canonical);
  // Numbers in the canonical unit (`unit`: "cm" or "m"), plausibility checked.
  std::optional<double> number(Field f, std::string_view unit);
  std::vector<double> numbers(Field f, std::string_view unit);
  std::optional<int> integer(Field f, int min, int max);
  std::optional<geo::Timestamp> time(std::string_view canonical, bool required);
  std::optional<geo::Date> date(Field f);
  std::optional<bool> boolean(Field f);
  // The same by name.
  std::optional<std::string_view> text(std::string_view c) { return text(field(c)); }
  std::optional<double> number(std::string_view c, std::string_view unit) {
    return number(field(c), unit);
  }
  std::vector<double> numbers(std::string_view c, std::string_view unit) {
    return numbers(field(c), unit);
  }
  std::optional<int> integer(std::string_view c, int min, int max) {
    return integer(field(c), min, max);
  }
  std::optional<geo::Date> date(std::string_view c) { return date(field(c)); }
  std::optional<bool> boolean(std::string_view c) { return boolean(field(c)); }

  // The raw text of a source field by index (encoding checked), for geometry columns.
  std::optional<std::string_view> raw(int index, std::string_view field_name);
  int geometry_x = -1, geometry_y = -1, geometry_wkt = -1;

 private:
  struct Part {
    std::string literal;
    int field = -1;
  };
  enum class Transform { none, first_word, lower, upper };
  struct Resolved {
    std::string canonical;
    FieldRule rule;
    int from = -1;
    std::vector<Part> parts;  // template
    Transform transform = Transform::none;
    // Where a value that is not a view of the source is made (a template, a prefix, a case
    // transform), reused from record to record.
    std::string joined, changed;
  };
  Resolved* at(Field f) {
    return f.index < 0 ? nullptr : &resolved_[static_cast<std::size_t>(f.index)];
  }
  // The text after from/value/template, transform, map, default, prefix. `source` gets the
  // source field's name and `value` the raw value, for the report.
  std::optional<std::string_view> value_of(Resolved& r, std::string_view& source,
                                           std::string_view& value);
  std::optional<double> check_number(const Resolved& r, std::string_view source,
                                     std::string_view value, double v, std::string_view unit);

  const Mapping& mapping_;
  ProblemReport& report_;
  std::vector<Resolved> resolved_;
  Resolved id_;
  RecordRef ref_;
  FieldValue value_;
  std::vector<std::string> recoded_;  // per source field: its text recoded to UTF-8
  bool refused_ = false;
};

}  // namespace rootzone::importers::detail
