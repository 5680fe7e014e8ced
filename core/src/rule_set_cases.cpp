#include "rootzone/core/rule_set_cases.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "rootzone/core/errors.hpp"
#include "rootzone/core/full_check.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/protection_changes.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

namespace {

bool is_builtin(std::string_view name) {
  const auto names = geo::RuleSet::builtin_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

void count(SeverityCounts& c, geo::Severity s) {
  switch (s) {
    case geo::Severity::critical:
      ++c.critical;
      break;
    case geo::Severity::high:
      ++c.high;
      break;
    case geo::Severity::medium:
      ++c.medium;
      break;
  }
}

using PairKey = std::tuple<std::int64_t, std::int64_t, geo::Severity>;

std::set<PairKey> keys_of(const std::vector<geo::TreeWorkConflict>& conflicts) {
  std::set<PairKey> keys;
  for (const auto& c : conflicts) keys.emplace(c.tree_id, c.work_id, c.severity);
  return keys;
}

std::set<std::pair<std::int64_t, std::int64_t>> keys_of(
    const std::vector<geo::WorkWorkConflict>& clashes) {
  std::set<std::pair<std::int64_t, std::int64_t>> keys;
  for (const auto& c : clashes) keys.emplace(c.work_a, c.work_b);
  return keys;
}

template <class Key>
std::vector<Key> only_in(const std::set<Key>& a, const std::set<Key>& b) {
  std::vector<Key> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::vector<RuleSetEntry> list_rule_sets(storage::Store& store) {
  auto& repo = store.rule_sets();
  const auto active = repo.active().name;
  std::vector<RuleSetEntry> out;
  for (const auto name : geo::RuleSet::builtin_names()) {
    auto stored = repo.get(name);
    RuleSetEntry e{stored ? *stored : *geo::RuleSet::builtin(name), true, stored.has_value(),
                   name == active};
    out.push_back(std::move(e));
  }
  for (const auto& name : repo.names()) {
    if (is_builtin(name)) continue;
    out.push_back({*repo.get(name), false, true, name == active});
  }
  return out;
}

geo::RuleSet find_rule_set(storage::Store& store, std::string_view name) {
  if (auto stored = store.rule_sets().get(name)) return std::move(*stored);
  if (auto builtin = geo::RuleSet::builtin(name)) return std::move(*builtin);
  std::string known;
  for (const auto& e : list_rule_sets(store)) known += (known.empty() ? "" : ", ") + e.rules.name;
  throw Error(
      ErrorKind::not_found,
      "rule set '" + std::string(name) + "' is neither stored nor built in (known: " + known + ")",
      "Rule set not found");
}

void add_rule_set(storage::Store& store, const geo::RuleSet& rules) {
  if (is_builtin(rules.name)) {
    throw Error(ErrorKind::conflict,
                "rule set '" + rules.name +
                    "' is built in: give the file's \"name\" another value (for example '" +
                    rules.name + "-2026')",
                "Rule set name taken");
  }
  if (store.rule_sets().active().name == rules.name) {
    throw Error(ErrorKind::conflict,
                "rule set '" + rules.name +
                    "' is active: its trees were judged under the stored text; add the new text "
                    "under another name and switch to it with `rootzone rules use`",
                "Rule set is active");
  }
  store.rule_sets().save(rules);
}

RuleSetSwitch use_rule_set(storage::Store& store, const geo::RuleSet& to, const std::string& user,
                           geo::Timestamp at, bool dry_run, unsigned threads) {
  storage::StoreTransaction tx(store);
  RuleSetSwitch out;
  out.from = store.rule_sets().active().name;
  out.to = to;
  const auto conflicts_before = keys_of(store.conflicts().all_tree_work_conflicts());
  const auto clashes_before = keys_of(store.conflicts().all_work_work_conflicts());

  // A built-in profile is stored when first used; a stored one is used as stored.
  if (!store.rule_sets().get(to.name)) store.rule_sets().save(to);
  store.rule_sets().set_active(to.name);

  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  std::vector<storage::ProtectionChange> changes;
  const auto trees = storage::trees_for_protection(store);
  out.trees = trees.size();
  for (const auto& t : trees) {
    if (t.protection.source == geo::ProtectionSource::manual) {
      ++out.manual_kept;
      continue;
    }
    auto after = geo::evaluate_protection(t, to);
    if (after == t.protection) continue;
    if (after.is_protected == t.protection.is_protected) {
      ++out.reasons_rewritten;
    } else {
      ++(after.is_protected ? out.became_protected : out.became_unprotected);
    }
    changes.push_back({t.id, t.protection, std::move(after)});
  }
  const auto judged = clock::now();
  storage::write_protection_changes(store, changes, {user, at, out.from, to});
  const auto written = clock::now();

  auto check = compute_full_check(store, threads);
  const auto checked = clock::now();
  store_full_check(store, check);
  storage::bump_data_generation(store);
  out.time = {judged - started, written - judged, checked - written, clock::now() - checked};

  const auto conflicts_after = keys_of(check.result.tree_work);
  for (const auto& [tree, work, severity] : only_in(conflicts_after, conflicts_before)) {
    count(out.conflicts_appeared, severity);
  }
  for (const auto& [tree, work, severity] : only_in(conflicts_before, conflicts_after)) {
    count(out.conflicts_disappeared, severity);
  }
  for (const auto& c : check.result.tree_work) count(out.conflicts_now, c.severity);
  const auto clashes_after = keys_of(check.result.work_work);
  out.clashes_appeared = only_in(clashes_after, clashes_before).size();
  out.clashes_disappeared = only_in(clashes_before, clashes_after).size();
  out.clashes_now = clashes_after.size();

  if (!dry_run) {
    tx.commit();
    out.written = true;
  }
  return out;
}

}  // namespace rootzone::core
