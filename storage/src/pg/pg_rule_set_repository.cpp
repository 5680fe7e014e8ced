#include <string>

#include "pg/connection.hpp"
#include "pg/pg_repositories.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

PgRuleSetRepository::PgRuleSetRepository(pg::Connection& c) : c_(c) {}

void PgRuleSetRepository::save(const geo::RuleSet& rules) {
  c_.exec(
      "INSERT INTO rule_sets (name, json) VALUES ($1, $2)"
      " ON CONFLICT (name) DO UPDATE SET json = excluded.json",
      {rules.name, rules.to_json()});
}

std::optional<geo::RuleSet> PgRuleSetRepository::get(std::string_view name) {
  const auto r = c_.exec("SELECT json FROM rule_sets WHERE name = $1", {std::string(name)});
  if (r.rows() == 0) return std::nullopt;
  return geo::RuleSet::from_json(r.text(0, 0));
}

std::vector<std::string> PgRuleSetRepository::names() {
  // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
  const auto r = c_.exec("SELECT name FROM rule_sets ORDER BY name COLLATE \"C\"");
  std::vector<std::string> result;
  for (int i = 0; i < r.rows(); ++i) result.push_back(r.text(i, 0));
  return result;
}

geo::RuleSet PgRuleSetRepository::active() {
  const auto r = c_.exec("SELECT json FROM rule_sets WHERE active");
  if (r.rows() == 0) throw NotFound("no rule set is active");
  return geo::RuleSet::from_json(r.text(0, 0));
}

void PgRuleSetRepository::set_active(std::string_view name) {
  pg::Transaction tx(c_);
  // Two statements, as on SQLite: the partial unique index is checked row by row.
  c_.exec("UPDATE rule_sets SET active = false WHERE active AND name <> $1", {std::string(name)});
  if (c_.exec("UPDATE rule_sets SET active = true WHERE name = $1", {std::string(name)})
          .affected() == 0) {
    throw NotFound("rule set '" + std::string(name) + "' not found");
  }
  tx.commit();
}

}  // namespace rootzone::storage
