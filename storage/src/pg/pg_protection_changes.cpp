// A switch of the rule set on PostGIS: the reads and writes of storage/src/protection_changes.cpp
// with the same rows as result. A switch can change the protection of a large part of a city's
// million trees, so the trees come by binary COPY and the changes go as three statements over
// arrays (trees, history, the switch), not one round trip per tree.
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/pg_arrays.hpp"
#include "pg/pg_copy.hpp"
#include "pg/pg_queries.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::pg {

namespace {

template <class Parse>
auto enum_field(std::string_view text, std::string_view column, Parse parse) {
  const auto v = parse(text);
  if (!v) detail::throw_bad_value(column, text);
  return *v;
}

}  // namespace

std::vector<geo::Tree> trees_for_protection(Connection& c) {
  std::vector<geo::Tree> out;
  copy::read(c,
             "COPY (SELECT id, source_id, species_botanical, status, is_protected,"
             " protection_source, protection_reason, stems_cm FROM trees"
             " WHERE status <> 'felled' ORDER BY id) TO STDOUT (FORMAT binary)",
             8, [&](const copy::Row& row) {
               geo::Tree t;
               t.id = row.int8(0);
               t.source_id = std::string(row.text(1));
               t.species_botanical = std::string(row.text(2));
               t.status = enum_field(row.text(3), "trees.status", geo::tree_status_from_string);
               t.protection.is_protected = row.boolean(4);
               t.protection.source = enum_field(row.text(5), "trees.protection_source",
                                                geo::protection_source_from_string);
               t.protection.reason = std::string(row.text(6));
               t.stem_circumferences_cm = detail::stems_from_column(row.text(7), t.id);
               out.push_back(std::move(t));
             });
  return out;
}

void write_protection_changes(Connection& c, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp) {
  const auto at = geo::format_utc(stamp.at);
  const auto flag = [](bool b) { return b ? "true" : "false"; };
  ArrayLiteral ids, flags, reasons;
  ArrayLiteral history_ids, old_values, new_values;
  std::int64_t protected_now = 0;
  std::int64_t unprotected_now = 0;
  for (const auto& change : changes) {
    ids.add(change.tree_id);
    flags.add(change.after.is_protected);
    reasons.add(change.after.reason);
    if (change.before.is_protected == change.after.is_protected) continue;
    ++(change.after.is_protected ? protected_now : unprotected_now);
    history_ids.add(change.tree_id);
    old_values.add(flag(change.before.is_protected));
    new_values.add(flag(change.after.is_protected));
  }
  if (!ids.empty()) {
    c.exec(
        "UPDATE trees t SET is_protected = u.is_protected, protection_reason = u.reason,"
        " version = t.version + 1, updated_at = $4"
        " FROM unnest($1::bigint[], $2::boolean[], $3::text[]) AS u(id, is_protected, reason)"
        " WHERE t.id = u.id",
        {ids.str(), flags.str(), reasons.str(), at});
  }
  if (!history_ids.empty()) {
    // In the order of the changes, as SQLite appends them: the history ids follow it.
    c.exec(
        "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value, rule_set,"
        " rule_set_citation)"
        " SELECT u.id, $4::text, $5::text, 'is_protected', u.old_value, u.new_value, $6::text, "
        "$7::text"
        " FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY"
        " AS u(id, old_value, new_value, n) ORDER BY u.n",
        {history_ids.str(), old_values.str(), new_values.str(), at, stamp.user, stamp.to.name,
         stamp.to.ordinance});
  }
  c.exec(
      "INSERT INTO rule_set_changes (at, user_name, from_name, to_name, to_json,"
      " became_protected, became_unprotected) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {at, stamp.user, stamp.from_name, stamp.to.name, stamp.to.to_json(),
       std::to_string(protected_now), std::to_string(unprotected_now)});
}

}  // namespace rootzone::storage::pg
