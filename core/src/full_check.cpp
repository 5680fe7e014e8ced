#include "rootzone/core/full_check.hpp"

#include "rootzone/storage/conflict_inputs.hpp"
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

}  // namespace rootzone::core
