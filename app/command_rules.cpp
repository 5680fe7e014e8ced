// rootzone rules: the rule sets a store can use (built in or added from JSON files), the one in
// force, and the switch to another, which recomputes every tree's protection, the zones and the
// conflicts in one transaction (docs/rules.md "Choosing and changing the rule set").
#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/core/rule_set_cases.hpp"
#include "rootzone/storage/store.hpp"
#include "rule_set_files.hpp"

namespace rootzone::app {

namespace {

struct RulesOptions {
  std::string db;
  std::string name;
  std::string file;
  std::string user;
  bool dry_run = false;
  unsigned threads = 0;
};

// Who the history rows name when --user is not given: the account that ran the command.
std::string os_user() {
  if (const auto* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name[0] != '\0') {
    return pw->pw_name;
  }
  if (const char* env = std::getenv("USER"); env != nullptr && *env != '\0') return env;
  return "uid " + std::to_string(::geteuid());
}

std::string citation_of(const geo::RuleSet& r) {
  return r.ordinance.empty() ? "(no citation given)" : r.ordinance;
}

int run_list(const RulesOptions& o) {
  auto store = storage::Store::open(o.db);
  const auto entries = core::list_rule_sets(store);
  std::size_t width = 4;
  for (const auto& e : entries) width = std::max(width, e.rules.name.size());
  for (const auto& e : entries) {
    const std::string where = e.builtin && e.stored ? "built in, stored"
                              : e.builtin           ? "built in"
                                                    : "stored";
    std::cout << (e.active ? "* " : "  ") << e.rules.name
              << std::string(width - e.rules.name.size() + 2, ' ') << where
              << std::string(18 - where.size(), ' ') << citation_of(e.rules) << '\n';
  }
  std::cout << "(* in force)\n";
  return exit_code::ok;
}

int run_show(const RulesOptions& o) {
  auto store = storage::Store::open(o.db);
  const auto rules =
      o.name.empty() ? store.rule_sets().active() : core::find_rule_set(store, o.name);
  std::cout << rules.to_json() << '\n';
  return exit_code::ok;
}

int run_add(const RulesOptions& o) {
  // Read and judged before the store is opened: a refused file leaves it untouched.
  const auto rules = rule_set_from_file(o.file);
  auto store = storage::Store::open(o.db);
  core::add_rule_set(store, rules);
  std::cout << "rule set " << rules.name << " stored: " << citation_of(rules)
            << "\n(`rootzone rules use " << rules.name << " --db " << o.db
            << "` makes it the one in force)\n";
  return exit_code::ok;
}

void print_severities(std::ostream& out, const char* what, const core::SeverityCounts& c) {
  out << what << c.total() << " (critical " << c.critical << ", high " << c.high << ", medium "
      << c.medium << ")\n";
}

int run_use(const RulesOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  auto store = storage::Store::open(o.db);
  const auto to = core::find_rule_set(store, o.name);
  const auto user = o.user.empty() ? os_user() : o.user;
  const auto r = core::use_rule_set(store, to, user, geo::now_utc(), o.dry_run, o.threads);
  std::cout << "rule set " << r.from << " -> " << r.to.name << ": " << citation_of(r.to) << '\n'
            << "trees judged: " << r.trees << " standing (" << r.manual_kept
            << " protected or unprotected by hand kept as they are)\n"
            << "became protected: " << r.became_protected << '\n'
            << "became unprotected: " << r.became_unprotected << '\n'
            << "reasons rewritten (protection unchanged): " << r.reasons_rewritten << '\n';
  print_severities(std::cout, "tree conflicts appeared: ", r.conflicts_appeared);
  print_severities(std::cout, "tree conflicts disappeared: ", r.conflicts_disappeared);
  print_severities(std::cout, "tree conflicts now: ", r.conflicts_now);
  std::cout << "work clashes appeared: " << r.clashes_appeared
            << ", disappeared: " << r.clashes_disappeared << ", now: " << r.clashes_now << '\n';
  if (r.written) {
    std::cout << "written in one transaction by " << user << " (one history row per tree that "
              << "became protected or unprotected)\n";
  } else {
    std::cout << "dry run: nothing was written\n";
  }
  const auto ms = [](std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cerr << "time: " << ms(std::chrono::steady_clock::now() - started) << " ms (judge "
            << ms(r.time.judge) << " ms, write trees " << ms(r.time.write) << " ms, check "
            << ms(r.time.check) << " ms, store zones and conflicts " << ms(r.time.persist)
            << " ms)\n";
  return exit_code::ok;
}

}  // namespace

void add_rules_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<RulesOptions>();
  auto* rules = root.add_subcommand(
      "rules", "The city's tree ordinance (rule set): list, show, add from JSON, change");
  rules->require_subcommand(1);
  rules->footer(
      "Built-in rule sets: " + builtin_rule_set_names() +
      ". Changing the rule set recomputes every tree's protection (protections set by hand "
      "stay), the zones and the conflicts in one transaction; docs/rules.md.");
  const auto with_db = [&](CLI::App* cmd) {
    cmd->add_option("--db", o->db, "Path of the store")->required();
  };

  auto* list = rules->add_subcommand(
      "list",
      "List the built-in and stored rule sets with their citation; * marks the one in force");
  with_db(list);
  list->callback([o, &chosen] { chosen = [o] { return run_list(*o); }; });

  auto* show =
      rules->add_subcommand("show", "Print a rule set as JSON (default: the one in force)");
  with_db(show);
  show->add_option("name", o->name, "A stored or built-in rule set");
  show->callback([o, &chosen] { chosen = [o] { return run_show(*o); }; });

  auto* add = rules->add_subcommand(
      "add", "Store a rule set from a JSON file (refused, naming the member, when malformed)");
  with_db(add);
  add->add_option("file", o->file, "The rule set's JSON file (docs/rules.md)")->required();
  add->callback([o, &chosen] { chosen = [o] { return run_add(*o); }; });

  auto* use = rules->add_subcommand(
      "use",
      "Put a rule set in force: recompute protection, zones and conflicts in one transaction");
  with_db(use);
  use->add_option("name", o->name, "A stored or built-in rule set")->required();
  use->add_flag("--dry-run", o->dry_run,
                "Compute and print the same figures, write nothing (holds the store's write lock "
                "while it computes)");
  use->add_option("--user", o->user, "Name in the history rows (default: the OS user)");
  use->add_option("--threads", o->threads, "Threads for the conflict check (0: all cores)")
      ->capture_default_str();
  use->callback([o, &chosen] { chosen = [o] { return run_use(*o); }; });
}

}  // namespace rootzone::app
