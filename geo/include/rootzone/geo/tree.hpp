#pragma once
// A tree of the city's cadastre (docs/domain.md "Trees").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::geo {

enum class TreeStatus { existing, planned, felled };
std::string_view to_string(TreeStatus s);
std::optional<TreeStatus> tree_status_from_string(std::string_view s);

// Protection is derived from the ordinance (rule set) or set by hand with a reason
// (natural monument, replacement planting, development-plan tree).
enum class ProtectionSource { ordinance, manual };
std::string_view to_string(ProtectionSource s);
std::optional<ProtectionSource> protection_source_from_string(std::string_view s);

struct Protection {
  bool is_protected = false;
  ProtectionSource source = ProtectionSource::ordinance;
  std::string reason;  // "circumference 112 cm >= 80 cm"
  friend bool operator==(const Protection&, const Protection&) = default;
};

struct Tree {
  std::int64_t id = 0;    // store id; 0 until stored
  std::string source_id;  // the city's tree number: stable, unique per city
  std::string site;
  std::string district;
  Point location;                 // store CRS
  std::string species_botanical;  // "Acer platanoides 'Columnare'"
  std::string species_german;
  std::string genus;
  // Stem circumference(s) in cm at the rule set's measuring height; one per stem.
  std::vector<double> stem_circumferences_cm;
  std::optional<double> crown_diameter_m;  // unknown, never 0
  std::optional<double> height_m;
  std::optional<int> planting_year;
  std::optional<int> vitality;  // Roloff stage 0-3
  std::string development_phase;
  std::optional<Date> last_inspection;
  std::optional<Date> next_inspection;
  TreeStatus status = TreeStatus::existing;
  std::optional<Date> felled_on;
  std::optional<bool> columnar;  // set by hand; otherwise recognised from the name
  Protection protection;
  std::int64_t version = 0;  // bumped on every change: the ETag of optimistic locking
  Timestamp updated_at{};

  friend bool operator==(const Tree&, const Tree&) = default;
};

// One changed field of a tree: the append-only history that is evidence in liability cases.
struct TreeChange {
  std::int64_t id = 0;
  std::int64_t tree_id = 0;
  Timestamp at{};
  std::string user;
  std::string field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  // For a change a switch of the active rule set made (`rootzone rules use`): the rule set and
  // its citation as they read then.
  std::optional<std::string> rule_set;
  std::optional<std::string> rule_set_citation;
  friend bool operator==(const TreeChange&, const TreeChange&) = default;
};

// FLL "Regelkontrolle" / "Zusatzkontrolle"; append-only, with who and when.
enum class InspectionKind { regular, additional };
std::string_view to_string(InspectionKind k);
std::optional<InspectionKind> inspection_kind_from_string(std::string_view s);

struct Inspection {
  std::int64_t id = 0;
  std::int64_t tree_id = 0;
  Date inspected_on{};
  InspectionKind kind = InspectionKind::regular;
  std::string inspector;
  std::string findings;
  std::string measures;
  std::optional<Date> measures_deadline;
  std::optional<Date> next_inspection;
  Timestamp recorded_at{};
  std::string recorded_by;
  friend bool operator==(const Inspection&, const Inspection&) = default;
};

}  // namespace rootzone::geo
