// Names of the domain's enumerations as they appear in JSON, the store and the command line:
// the enumerator names themselves, so one table per enum is the single source.
#include <array>
#include <utility>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::geo {
namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
constexpr std::string_view name_of(const Names<E, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) {
      return name;
    }
  }
  // Only reachable with a value cast from an integer outside the enum.
  return "unknown";
}

template <typename E, std::size_t N>
constexpr std::optional<E> value_of(const Names<E, N>& names, std::string_view text) {
  for (const auto& [e, name] : names) {
    if (name == text) {
      return e;
    }
  }
  return std::nullopt;
}

constexpr Names<TreeStatus, 3> tree_statuses{{
    {TreeStatus::existing, "existing"},
    {TreeStatus::planned, "planned"},
    {TreeStatus::felled, "felled"},
}};

constexpr Names<ProtectionSource, 2> protection_sources{{
    {ProtectionSource::ordinance, "ordinance"},
    {ProtectionSource::manual, "manual"},
}};

constexpr Names<InspectionKind, 2> inspection_kinds{{
    {InspectionKind::regular, "regular"},
    {InspectionKind::additional, "additional"},
}};

constexpr Names<WorkKind, 9> work_kinds{{
    {WorkKind::trench, "trench"},
    {WorkKind::pit, "pit"},
    {WorkKind::drilling, "drilling"},
    {WorkKind::surface, "surface"},
    {WorkKind::site_facility, "site_facility"},
    {WorkKind::storage, "storage"},
    {WorkKind::scaffolding, "scaffolding"},
    {WorkKind::crane, "crane"},
    {WorkKind::traffic_management, "traffic_management"},
}};

constexpr Names<WorkStatus, 8> work_statuses{{
    {WorkStatus::draft, "draft"},
    {WorkStatus::submitted, "submitted"},
    {WorkStatus::approved, "approved"},
    {WorkStatus::refused, "refused"},
    {WorkStatus::changes_requested, "changes_requested"},
    {WorkStatus::in_progress, "in_progress"},
    {WorkStatus::completed, "completed"},
    {WorkStatus::cancelled, "cancelled"},
}};

constexpr Names<Severity, 3> severities{{
    {Severity::medium, "medium"},
    {Severity::high, "high"},
    {Severity::critical, "critical"},
}};

constexpr Names<ZoneRule, 3> zone_rules{{
    {ZoneRule::din18920, "din18920"},
    {ZoneRule::bs5837, "bs5837"},
    {ZoneRule::as4970, "as4970"},
}};

constexpr Names<Role, 4> roles{{
    {Role::contractor, "contractor"},
    {Role::field_staff, "field_staff"},
    {Role::planner, "planner"},
    {Role::admin, "admin"},
}};

}  // namespace

std::string_view to_string(TreeStatus s) { return name_of(tree_statuses, s); }
std::optional<TreeStatus> tree_status_from_string(std::string_view s) {
  return value_of(tree_statuses, s);
}

std::string_view to_string(ProtectionSource s) { return name_of(protection_sources, s); }
std::optional<ProtectionSource> protection_source_from_string(std::string_view s) {
  return value_of(protection_sources, s);
}

std::string_view to_string(InspectionKind k) { return name_of(inspection_kinds, k); }
std::optional<InspectionKind> inspection_kind_from_string(std::string_view s) {
  return value_of(inspection_kinds, s);
}

std::string_view to_string(WorkKind k) { return name_of(work_kinds, k); }
std::optional<WorkKind> work_kind_from_string(std::string_view s) {
  return value_of(work_kinds, s);
}

bool is_excavation(WorkKind k) {
  // docs/domain.md "Works": excavation (trench, pit, drilling) is what hurts roots most.
  switch (k) {
    case WorkKind::trench:
    case WorkKind::pit:
    case WorkKind::drilling:
      return true;
    case WorkKind::surface:
    case WorkKind::site_facility:
    case WorkKind::storage:
    case WorkKind::scaffolding:
    case WorkKind::crane:
    case WorkKind::traffic_management:
      return false;
  }
  return false;
}

std::string_view to_string(WorkStatus s) { return name_of(work_statuses, s); }
std::optional<WorkStatus> work_status_from_string(std::string_view s) {
  return value_of(work_statuses, s);
}

bool is_open(WorkStatus s) {
  // Listed without default so a new status cannot be added without deciding this.
  switch (s) {
    case WorkStatus::draft:
    case WorkStatus::submitted:
    case WorkStatus::approved:
    case WorkStatus::changes_requested:
    case WorkStatus::in_progress:
      return true;
    case WorkStatus::refused:
    case WorkStatus::completed:
    case WorkStatus::cancelled:
      return false;
  }
  return false;
}

std::string_view to_string(Severity s) { return name_of(severities, s); }
std::optional<Severity> severity_from_string(std::string_view s) { return value_of(severities, s); }

std::string_view to_string(ZoneRule r) { return name_of(zone_rules, r); }
std::optional<ZoneRule> zone_rule_from_string(std::string_view s) {
  return value_of(zone_rules, s);
}

std::string_view to_string(Role r) { return name_of(roles, r); }
std::optional<Role> role_from_string(std::string_view s) { return value_of(roles, s); }

}  // namespace rootzone::geo
