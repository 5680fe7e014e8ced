#include "rootzone/storage/rule_set_repository.hpp"
#include "sqlite_repositories.hpp"

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

SqliteRuleSetRepository::SqliteRuleSetRepository(Database& db) : db_(db) {}

void SqliteRuleSetRepository::save(const geo::RuleSet& rules) {
  db_.prepare(
         "INSERT INTO rule_sets (name, json) VALUES (?, ?)"
         " ON CONFLICT (name) DO UPDATE SET json = excluded.json")
      .bind(1, rules.name)
      .bind(2, rules.to_json())
      .run();
}

std::optional<geo::RuleSet> SqliteRuleSetRepository::get(std::string_view name) {
  auto s = db_.prepare("SELECT json FROM rule_sets WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return geo::RuleSet::from_json(s.text(0));
}

std::vector<std::string> SqliteRuleSetRepository::names() {
  auto s = db_.prepare("SELECT name FROM rule_sets ORDER BY name");
  std::vector<std::string> result;
  while (s.step()) result.push_back(s.text(0));
  return result;
}

geo::RuleSet SqliteRuleSetRepository::active() {
  auto s = db_.prepare("SELECT json FROM rule_sets WHERE active = 1");
  if (!s.step()) throw NotFound("no rule set is active");
  return geo::RuleSet::from_json(s.text(0));
}

void SqliteRuleSetRepository::set_active(std::string_view name) {
  Transaction tx(db_);
  // Two statements: SQLite checks the one-active index row by row, so one UPDATE setting
  // both rows could see two active ones midway.
  db_.prepare("UPDATE rule_sets SET active = 0 WHERE active = 1 AND name <> ?").bind(1, name).run();
  db_.prepare("UPDATE rule_sets SET active = 1 WHERE name = ?").bind(1, name).run();
  if (db_.changes() == 0) {
    throw NotFound("rule set '" + std::string(name) + "' not found");
  }
  tx.commit();
}

}  // namespace rootzone::storage
