#include "rootzone/storage/protection_changes.hpp"

#include "rootzone/storage/database.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

std::vector<geo::Tree> trees_for_protection(Database& db) {
  // The stems from the row's own column (0004): one scan, no probe into tree_stems per tree.
  auto s = db.prepare(
      "SELECT id, source_id, species_botanical, status, is_protected, protection_source,"
      " protection_reason, stems_cm FROM trees WHERE status <> 'felled' ORDER BY id");
  std::vector<geo::Tree> out;
  while (s.step()) {
    geo::Tree t;
    t.id = s.int64(0);
    t.source_id = s.text(1);
    t.species_botanical = s.text(2);
    t.status = detail::enum_column(s, 3, "trees.status", geo::tree_status_from_string);
    t.protection.is_protected = s.int64(4) != 0;
    t.protection.source =
        detail::enum_column(s, 5, "trees.protection_source", geo::protection_source_from_string);
    t.protection.reason = s.text(6);
    t.stem_circumferences_cm = detail::stems_from_column(s.text_view(7), t.id);
    out.push_back(std::move(t));
  }
  return out;
}

void write_protection_changes(Database& db, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp) {
  const auto at = geo::format_utc(stamp.at);
  auto update = db.prepare(
      "UPDATE trees SET is_protected = ?1, protection_reason = ?2, version = version + 1,"
      " updated_at = ?3 WHERE id = ?4");
  auto history = db.prepare(
      "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value, rule_set,"
      " rule_set_citation) VALUES (?1, ?2, ?3, 'is_protected', ?4, ?5, ?6, ?7)");
  const auto flag = [](bool b) { return b ? "true" : "false"; };
  std::int64_t protected_now = 0;
  std::int64_t unprotected_now = 0;
  for (const auto& c : changes) {
    update.bind(1, c.after.is_protected)
        .bind(2, c.after.reason)
        .bind(3, at)
        .bind(4, c.tree_id)
        .run();
    update.reset();
    if (c.before.is_protected == c.after.is_protected) continue;
    ++(c.after.is_protected ? protected_now : unprotected_now);
    history.bind(1, c.tree_id)
        .bind(2, at)
        .bind(3, stamp.user)
        .bind(4, flag(c.before.is_protected))
        .bind(5, flag(c.after.is_protected))
        .bind(6, stamp.to.name)
        .bind(7, stamp.to.ordinance)
        .run();
    history.reset();
  }
  db.prepare(
        "INSERT INTO rule_set_changes (at, user_name, from_name, to_name, to_json,"
        " became_protected, became_unprotected) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, at)
      .bind(2, stamp.user)
      .bind(3, stamp.from_name)
      .bind(4, stamp.to.name)
      .bind(5, stamp.to.to_json())
      .bind(6, protected_now)
      .bind(7, unprotected_now)
      .run();
}

std::vector<RuleSetHistoryRow> rule_set_history(Database& db) {
  auto s = db.prepare(
      "SELECT tree_id, user_name, old_value, new_value, rule_set, rule_set_citation"
      " FROM tree_history WHERE rule_set IS NOT NULL ORDER BY id");
  std::vector<RuleSetHistoryRow> out;
  while (s.step()) {
    out.push_back({.tree_id = s.int64(0),
                   .user = s.text(1),
                   .old_value = s.text(2),
                   .new_value = s.text(3),
                   .rule_set = s.text(4),
                   .citation = s.text(5)});
  }
  return out;
}

}  // namespace rootzone::storage
