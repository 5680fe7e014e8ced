#include <catch2/catch.hpp>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/geo/work.hpp"

using namespace rootzone::geo;

namespace {
// Every name must parse back to the value it came from; the exact strings are API
// (JSON members, store columns), so they are spelt out too.
template <typename E, typename Parse>
void check_names(std::initializer_list<std::pair<E, std::string_view>> names, Parse parse) {
  for (const auto& [value, name] : names) {
    INFO(name);
    CHECK(to_string(value) == name);
    CHECK(parse(name) == value);
  }
  CHECK_FALSE(parse("").has_value());
  CHECK_FALSE(parse("unknown").has_value());
}
}  // namespace

TEST_CASE("tree enumerations have snake_case names", "[names]") {
  check_names<TreeStatus>({{TreeStatus::existing, "existing"},
                           {TreeStatus::planned, "planned"},
                           {TreeStatus::felled, "felled"}},
                          tree_status_from_string);
  check_names<ProtectionSource>(
      {{ProtectionSource::ordinance, "ordinance"}, {ProtectionSource::manual, "manual"}},
      protection_source_from_string);
  check_names<InspectionKind>(
      {{InspectionKind::regular, "regular"}, {InspectionKind::additional, "additional"}},
      inspection_kind_from_string);
  CHECK_FALSE(tree_status_from_string("Existing").has_value());  // case matters
}

TEST_CASE("work kinds and excavation", "[names]") {
  check_names<WorkKind>({{WorkKind::trench, "trench"},
                         {WorkKind::pit, "pit"},
                         {WorkKind::drilling, "drilling"},
                         {WorkKind::surface, "surface"},
                         {WorkKind::site_facility, "site_facility"},
                         {WorkKind::storage, "storage"},
                         {WorkKind::scaffolding, "scaffolding"},
                         {WorkKind::crane, "crane"},
                         {WorkKind::traffic_management, "traffic_management"}},
                        work_kind_from_string);
  // docs/domain.md "Works": excavation is trench, pit, drilling.
  CHECK(is_excavation(WorkKind::trench));
  CHECK(is_excavation(WorkKind::pit));
  CHECK(is_excavation(WorkKind::drilling));
  CHECK_FALSE(is_excavation(WorkKind::surface));
  CHECK_FALSE(is_excavation(WorkKind::site_facility));
  CHECK_FALSE(is_excavation(WorkKind::storage));
  CHECK_FALSE(is_excavation(WorkKind::scaffolding));
  CHECK_FALSE(is_excavation(WorkKind::crane));
  CHECK_FALSE(is_excavation(WorkKind::traffic_management));
}

TEST_CASE("work statuses and which are open", "[names]") {
  check_names<WorkStatus>({{WorkStatus::draft, "draft"},
                           {WorkStatus::submitted, "submitted"},
                           {WorkStatus::approved, "approved"},
                           {WorkStatus::refused, "refused"},
                           {WorkStatus::changes_requested, "changes_requested"},
                           {WorkStatus::in_progress, "in_progress"},
                           {WorkStatus::completed, "completed"},
                           {WorkStatus::cancelled, "cancelled"}},
                          work_status_from_string);
  CHECK(is_open(WorkStatus::draft));
  CHECK(is_open(WorkStatus::submitted));
  CHECK(is_open(WorkStatus::approved));
  CHECK(is_open(WorkStatus::changes_requested));
  CHECK(is_open(WorkStatus::in_progress));
  CHECK_FALSE(is_open(WorkStatus::refused));
  CHECK_FALSE(is_open(WorkStatus::completed));
  CHECK_FALSE(is_open(WorkStatus::cancelled));
}

TEST_CASE("severities, zone rules and roles", "[names]") {
  check_names<Severity>(
      {{Severity::medium, "medium"}, {Severity::high, "high"}, {Severity::critical, "critical"}},
      severity_from_string);
  CHECK(Severity::critical > Severity::high);  // ordered: a larger value is worse
  CHECK(Severity::high > Severity::medium);
  check_names<ZoneRule>({{ZoneRule::din18920, "din18920"},
                         {ZoneRule::bs5837, "bs5837"},
                         {ZoneRule::as4970, "as4970"}},
                        zone_rule_from_string);
  check_names<Role>({{Role::contractor, "contractor"},
                     {Role::field_staff, "field_staff"},
                     {Role::planner, "planner"},
                     {Role::admin, "admin"}},
                    role_from_string);
}
