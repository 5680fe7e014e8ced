#pragma once
// Trees, inspections and fellings as field staff send them, checked field by field before
// anything reaches the store: a wrong JSON type or an unknown field is a 400, an impossible
// value (vitality 4, a crown of 0 m, a tree taller than any on record) a 422, each naming the
// field. Property names are those of the trees' items output (feature_json.cpp).
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/api/http.hpp"
#include "rootzone/core/tree_cases.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::api {

// Sizes beyond any tree on record are typing errors, not trees: the tallest measured tree
// (Hyperion, Sequoia sempervirens) is 116 m; the thickest stem (Árbol del Tule) about 42 m
// round; no single crown spans 100 m.
inline constexpr double kMaxHeightM = 120;
inline constexpr double kMaxCircumferenceCm = 5000;
inline constexpr double kMaxCrownM = 100;
inline constexpr int kMaxStems = 50;
inline constexpr int kPlannedYearsAhead = 10;  // a planned tree's planting year may lie ahead

// Europe/Berlin's calendar day at `now` (the city's "today" for dates field staff enter):
// UTC+1, UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
// October (EU Directive 2000/84/EC).
geo::Date berlin_today(geo::Timestamp now = geo::now_utc());

// The members of a GeoJSON Feature body. `complete`: POST and PUT (type Feature, geometry and
// properties required); otherwise a merge patch (RFC 7396) of a feature: every member optional.
// 400 for another type, an unknown member or properties that are not an object.
struct FeatureBody {
  const nlohmann::json* geometry = nullptr;  // absent: nullptr (a JSON null is kept: 422 later)
  nlohmann::json properties = nlohmann::json::object();
};
FeatureBody feature_body(const nlohmann::json& body, bool complete);

// Writes `properties` onto `tree`, RFC 7396 style: a member set to null clears the field (to
// "" or unknown), a member left out keeps the tree's value. `status` (felled), `felled_on`,
// `last_inspection` and `next_inspection` are changed only by their endpoints (felling,
// inspections): given, they must equal the tree's value (so a GET body can be PUT back), else
// 422 naming the endpoint; a felled tree's status stays felled (409). `id`, `version`,
// `updated_at` and, unless protection_source is manual, `protected` and `protection_reason`
// are derived (readOnly) and ignored. Manual protection needs a protection_reason.
void apply_tree_properties(const nlohmann::json& properties, geo::Tree& tree);

// Checks that span fields, on the tree as it would be stored: source_id given, the planting
// year not ahead of `today` (a planned tree's up to kPlannedYearsAhead years).
void check_tree(const geo::Tree& tree, geo::Date today);

// What PUT starts from: only what PUT may not replace (id, version, status, felling and
// inspection dates) kept from the stored tree.
geo::Tree replaceable_part_removed(const geo::Tree& stored);

// POST .../inspections: {inspected_on, kind, inspector, findings, measures, measures_deadline,
// next_inspection}. inspected_on and kind are required; inspector defaults to the caller;
// inspected_on not after today, the deadline not before it, the next inspection after it.
geo::Inspection parse_inspection(const nlohmann::json& body, const std::string& caller,
                                 geo::Date today);

// POST .../felling: {felled_on, reason}, both required; felled_on not after today (the year
// against the planting year is checked with the tree).
core::Felling parse_felling(const nlohmann::json& body, geo::Date today);

// 422 "Invalid value" naming the field.
Problem invalid_value(const std::string& field, const std::string& detail);

}  // namespace rootzone::api
