#include "rootzone/core/full_check.hpp"

#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::core {

FullCheck compute_full_check(storage::Store& store, unsigned threads) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  FullCheck out;
  out.inputs = read_engine_inputs(store);
  const auto loaded = clock::now();
  const auto engine = make_engine(out.inputs, threads, out.notes);
  const auto indexed = clock::now();
  out.result = engine.check_all(threads);
  out.tree_count = engine.tree_count();
  out.work_count = engine.work_count();
  out.load = loaded - started;
  out.index = indexed - loaded;
  out.check = clock::now() - indexed;
  return out;
}

std::size_t store_full_check(storage::Store& store, FullCheck& check) {
  const auto& zoned = check.inputs.zoned;
  const auto written =
      storage::save_tree_zones(store, check.inputs.rules, zoned.marker, zoned.trees);
  auto& conflicts = store.conflicts();
  check.result.tree_work = conflicts.replace_all_tree_work_conflicts(check.result.tree_work);
  check.result.work_work = conflicts.replace_all_work_work_conflicts(check.result.work_work);
  return written;
}

FullCheck run_full_check(storage::Store& store, unsigned threads) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  FullCheck out;
  const auto store_all = [&] {
    storage::StoreTransaction tx(store);
    const auto written = store_full_check(store, out);
    storage::bump_data_generation(store);
    tx.commit();
    return written;
  };
  if (store.backend().in_transaction()) {
    out = compute_full_check(store, threads);
    const auto persisting = clock::now();
    out.zones_written = store_all();
    out.persist = clock::now() - persisting;
    return out;
  }
  auto& in = out.inputs;
  in.generation = storage::data_generation(store);
  in.rules = store.rule_sets().active();
  // Before the trees: once they are read this connection reads nothing until the zones are
  // committed, so the commit's checkpoint is not held back by a read of this connection.
  in.works = store.works().open();
  auto zones = storage::load_and_save_zoned_trees(store, in.rules);
  in.zoned = std::move(zones.load);
  const auto loaded = clock::now();
  const auto engine = make_engine(in, threads, out.notes);
  const auto indexed = clock::now();
  out.result = engine.check_all(threads);
  out.tree_count = engine.tree_count();
  out.work_count = engine.work_count();
  const auto checked = clock::now();
  const auto zones_written = zones.written.get();
  out.zones_written = zones_written + store_all();  // the second adds 0: the zones are current
  out.load = loaded - started;
  out.index = indexed - loaded;
  out.check = checked - indexed;
  out.persist = clock::now() - checked;
  return out;
}

}  // namespace rootzone::core
