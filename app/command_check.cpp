// rootzone check: every open work against every protected tree and every other work, or one
// work; results persisted (acknowledgements kept while they hold) and printed.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "command.hpp"
#include "conflict_output.hpp"
#include "exit_codes.hpp"
#include "rootzone/core/engine_loading.hpp"
#include "rootzone/core/full_check.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::app {

namespace {

struct CheckOptions {
  std::string db;
  std::string work;  // store id or reference
  std::string format = "table";
  bool clashes = false;
  unsigned threads = 0;
};

std::int64_t resolve_work(storage::Store& store, const std::string& key) {
  if (auto w = store.works().find_by_reference(key)) return w->id;
  try {
    std::size_t used = 0;
    const auto id = std::stoll(key, &used);
    if (used == key.size() && store.works().find(id)) return id;
  } catch (const std::exception&) {
    // not a number: fall through to the message below
  }
  throw storage::NotFound("work '" + key + "' not found (by reference or id)");
}

int run_check(const CheckOptions& o) {
  using clock = std::chrono::steady_clock;
  auto store = storage::Store::open(o.db);
  // An id, not std::optional: GCC 12 -Wmaybe-uninitialized misreads optional<int64> here.
  const bool single = !o.work.empty();
  const std::int64_t only = single ? resolve_work(store, o.work) : 0;

  core::FullCheck run;
  if (single) {
    const auto started = clock::now();
    run.inputs = core::read_engine_inputs(store);
    const auto loaded = clock::now();
    const auto engine = core::make_engine(run.inputs, o.threads, run.notes);
    const auto indexed = clock::now();
    run.result.tree_work = engine.tree_conflicts_of_work(only);
    run.result.work_work = engine.work_conflicts_of_work(only);
    run.tree_count = engine.tree_count();
    run.work_count = 1;
    run.load = loaded - started;
    run.index = indexed - loaded;
    run.check = clock::now() - indexed;
  } else {
    run = core::run_full_check(store, o.threads);
  }
  for (const auto& note : run.notes) {
    std::cerr << (note.refused ? "refused: " : "repaired: ") << note.message << '\n';
  }
  const auto& rules = run.inputs.rules;
  const auto& zoned = run.inputs.zoned;
  const auto& works = run.inputs.works;
  auto& result = run.result;

  std::size_t zones_written = run.zones_written;
  auto persist = run.persist;
  if (single) {
    const auto persisting = clock::now();
    storage::StoreTransaction tx(store);
    zones_written = storage::save_tree_zones(store, rules, zoned.marker, zoned.trees);
    auto& conflicts = store.conflicts();
    result.tree_work = conflicts.replace_tree_work_conflicts_for_work(only, result.tree_work);
    result.work_work = conflicts.replace_work_work_conflicts_for_work(only, result.work_work);
    storage::bump_data_generation(store);
    tx.commit();
    persist = clock::now() - persisting;
  }

  std::vector<std::int64_t> tree_ids;
  tree_ids.reserve(result.tree_work.size());
  for (const auto& c : result.tree_work) tree_ids.push_back(c.tree_id);
  const ConflictLabels labels(storage::tree_labels(store, tree_ids), works);
  if (o.clashes) {
    print_work_clashes(std::cout, o.format, result.work_work, labels);
  } else {
    print_tree_conflicts(std::cout, o.format, result.tree_work, labels, store.srid());
  }

  const auto ms = [](clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::map<geo::Severity, std::size_t> by_severity;
  for (const auto& c : result.tree_work) ++by_severity[c.severity];
  std::cerr << "checked " << run.work_count << " open works against " << run.tree_count
            << " protected trees (rule set " << rules.name << "): " << result.tree_work.size()
            << " tree conflicts (critical " << by_severity[geo::Severity::critical] << ", high "
            << by_severity[geo::Severity::high] << ", medium " << by_severity[geo::Severity::medium]
            << "), " << result.work_work.size() << " work clashes; " << zones_written
            << " zones updated" << (zoned.from_cache ? " (zones loaded as stored)" : "") << '\n'
            << "time: load " << ms(run.load) << " ms, index " << ms(run.index) << " ms, check "
            << ms(run.check) << " ms, persist " << ms(persist) << " ms\n";
  return exit_code::ok;
}

}  // namespace

void add_check_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = root.add_subcommand(
      "check", "Compute conflicts between open works and protected trees, and between works");
  cmd->add_option("--db", o->db, "Store to check")->required();
  cmd->add_option("--work", o->work, "Check only this work (reference or id)");
  cmd->add_option("--format", o->format, "Output: table, csv or geojson")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "geojson"}));
  cmd->add_flag("--clashes", o->clashes, "Print work-work clashes instead of tree conflicts");
  cmd->add_option("--threads", o->threads, "Threads for the full check (0: all cores)")
      ->capture_default_str();
  cmd->callback([o, &chosen] { chosen = [o] { return run_check(*o); }; });
}

}  // namespace rootzone::app
