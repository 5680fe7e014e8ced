#pragma once
// What a tree's update writes to its history: every changed field as text, so one table holds
// them all. Shared by both stores (storage-internal), so their history rows are the same.
#include <optional>
#include <string>
#include <vector>

#include "rootzone/geo/tree.hpp"

namespace rootzone::storage::detail {

struct FieldChange {
  const char* field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
};

// Field names are geo::Tree's members (protection's without the prefix struct), in the order
// of geo::Tree; empty when nothing differs.
std::vector<FieldChange> changed_fields(const geo::Tree& a, const geo::Tree& b);

}  // namespace rootzone::storage::detail
