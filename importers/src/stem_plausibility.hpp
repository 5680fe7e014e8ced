#pragma once
// Stem circumferences too small for the tree's height or age (docs/rules.md, "When protection
// cannot be derived"): flagged per tree, the tree imported as given. Münster's cadastre holds
// 104 trees at 1 cm, which the ordinance would then call unprotected.
#include <cstdint>
#include <optional>
#include <string>

#include "rootzone/geo/tree.hpp"
#include "rootzone/importers/mapping.hpp"
#include "rootzone/importers/problem_report.hpp"

namespace rootzone::importers::detail {

class RecordMapper;

// Street trees are planted as standards 16-18 cm round at 1 m, development plans ask for
// 12-20 cm, and a stem does not shrink: a stem under 5 cm on a tree that is 5 m high or was
// planted 10 years ago is a placeholder or a unit slip, not a measurement. Far enough below the
// smallest planted size that a slender young tree is never flagged.
inline constexpr double kImplausibleStemBelowCm = 5.0;
inline constexpr double kJudgedFromHeightM = 5.0;
inline constexpr int kJudgedFromYearsPlanted = 10;
// When more than this share of the trees that could be judged are implausible (and at least
// kUnitSlipMinTrees of them), the values are read in the wrong unit rather than wrong one by one.
inline constexpr double kUnitSlipShare = 0.5;
inline constexpr std::int64_t kUnitSlipMinTrees = 10;

// Why the tree's circumference is implausibly small, or nullopt when it is plausible or cannot be
// judged (no circumference, or neither a height nor a planting year that says the tree is grown).
std::optional<std::string> implausibly_small_stem(const geo::Tree& t, int this_year);

// Used by the reading thread alone; its counts are read after it is joined.
class StemPlausibility {
 public:
  explicit StemPlausibility(int this_year) : this_year_(this_year) {}
  // Flags the record's tree in the report when implausible.
  void check(const geo::Tree& t, RecordMapper& mapper, const std::string& source_field);
  std::int64_t judged() const { return judged_; }
  std::int64_t flagged() const { return flagged_; }
  // One problem for the whole file (record 0) when most judged trees are implausible.
  std::optional<Problem> unit_slip(const std::string& file, const FieldRule& rule) const;

 private:
  int this_year_;
  std::int64_t judged_ = 0;
  std::int64_t flagged_ = 0;
};

// The current calendar year (UTC), for the age of a tree from its planting year.
int current_year();

}  // namespace rootzone::importers::detail
