#include "stem_plausibility.hpp"

#include <chrono>
#include <numeric>

#include "record_mapper.hpp"
#include "rootzone/geo/number_text.hpp"

namespace rootzone::importers::detail {

namespace {

std::string number(double v) { return geo::number_text(v, {}); }

bool tall(const geo::Tree& t) { return t.height_m && *t.height_m >= kJudgedFromHeightM; }

bool old(const geo::Tree& t, int this_year) {
  return t.planting_year && this_year - *t.planting_year >= kJudgedFromYearsPlanted;
}

}  // namespace

std::optional<std::string> implausibly_small_stem(const geo::Tree& t, int this_year) {
  const auto& stems = t.stem_circumferences_cm;
  if (stems.empty() || (!tall(t) && !old(t, this_year))) return std::nullopt;
  // Summed: several thin stems of a multi-stem tree are no slip as long as together they are
  // as thick as a planted standard.
  const double total = std::accumulate(stems.begin(), stems.end(), 0.0);
  if (total >= kImplausibleStemBelowCm) return std::nullopt;
  std::string why = "implausibly small: stem circumference " + number(total) + " cm";
  if (stems.size() > 1) why += " (" + std::to_string(stems.size()) + " stems summed)";
  why += " for a tree ";
  if (tall(t)) {
    why += number(*t.height_m) + " m high";
  } else {
    why += "planted in " + std::to_string(*t.planting_year);
  }
  why += "; a tree " + number(kJudgedFromHeightM) + " m high or planted " +
         std::to_string(kJudgedFromYearsPlanted) + " years ago measures at least " +
         number(kImplausibleStemBelowCm) +
         " cm at 1 m (a placeholder, or metres or a diameter read as cm?). Imported as given: "
         "the ordinance judges it by this value";
  return why;
}

void StemPlausibility::check(const geo::Tree& t, RecordMapper& mapper,
                             const std::string& source_field) {
  if (t.stem_circumferences_cm.empty() || (!tall(t) && !old(t, this_year_))) return;
  ++judged_;
  if (auto why = implausibly_small_stem(t, this_year_)) {
    ++flagged_;
    std::string value;
    for (const double c : t.stem_circumferences_cm) value += (value.empty() ? "" : ";") + number(c);
    mapper.problem(Severity::flagged, source_field, value, std::move(*why));
  }
}

std::optional<Problem> StemPlausibility::unit_slip(const std::string& file,
                                                   const FieldRule& rule) const {
  if (flagged_ < kUnitSlipMinTrees ||
      static_cast<double>(flagged_) <= kUnitSlipShare * static_cast<double>(judged_)) {
    return std::nullopt;
  }
  const std::string unit = rule.unit.empty() ? "cm (the mapping names no unit)" : rule.unit;
  return Problem{Severity::flagged,
                 file,
                 0,
                 std::nullopt,
                 "",
                 rule.from,
                 "",
                 "implausibly small for most trees: " + std::to_string(flagged_) + " of " +
                     std::to_string(judged_) +
                     " trees with a height or planting year have a stem circumference under " +
                     number(kImplausibleStemBelowCm) + " cm; is the source's unit " + unit +
                     " right (fields.stem_circumferences_cm.unit), or is it a diameter?"};
}

int current_year() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(today).year());
}

}  // namespace rootzone::importers::detail
