// engine_bench: the conflict engine on a generated city, as the server holds it.
//
//   engine_bench --db STORE [--runs 5] [--threads 1,2] [--sql-pairs PEER.csv] [--seed 7]
//
// Loads the store as `rootzone check` does (storage::load_zoned_trees + works().open()),
// builds the engine, then measures
//  - check_all on data in memory: median of --runs runs per thread count;
//  - one submission: tree_conflicts_of_work for every open work (shuffled order), p50/p99/max
//    in microseconds; and, as a second figure, the whole submission path
//    (upsert_work: repair, buffer, index overlay; then tree conflicts and work clashes);
//  - memory: peak RSS while loading, and the RSS of the process holding the engine once the
//    load's input vectors are freed ("the server holding 1M trees").
// With --sql-pairs (the output of bench/sql_join.sql: tree_id,work_id,severity) it compares
// the engine's (tree, work, severity) set with the SQL peer's: the pairs must be equal; a
// severity may differ only where the engine raised medium to high by the 20 % root-zone share
// rule, which the distance-only SQL peer does not compute. Anything else fails (exit 1).
//
// Results go to stdout as "key value" lines (bench/run-conflicts.sh reads them), progress and
// details to stderr.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/store.hpp"

namespace {

using rootzone::bench::Clock;
using rootzone::bench::median;
using rootzone::bench::percentile_sorted;
using rootzone::bench::seconds_since;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

struct Options {
  std::string db;
  std::string sql_pairs;
  int runs = 5;
  std::vector<unsigned> threads{1, 2};
  std::uint64_t seed = 7;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "engine_bench: " << problem << "\n"
            << "usage: engine_bench --db STORE [--runs N] [--threads 1,2] [--sql-pairs FILE]\n";
  std::exit(64);
}

Options parse(int argc, char** argv) {
  Options o;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) usage(std::string(a) + " needs a value");
      return std::string(args[++i]);
    };
    if (a == "--db") {
      o.db = value();
    } else if (a == "--sql-pairs") {
      o.sql_pairs = value();
    } else if (a == "--runs") {
      o.runs = std::max(1, std::stoi(value()));
    } else if (a == "--seed") {
      o.seed = std::stoull(value());
    } else if (a == "--threads") {
      o.threads.clear();
      std::stringstream in(value());
      std::string part;
      while (std::getline(in, part, ','))
        o.threads.push_back(static_cast<unsigned>(std::stoul(part)));
    } else {
      usage("unknown argument " + std::string(a));
    }
  }
  if (o.db.empty()) usage("--db is required");
  return o;
}

// CPU time of the whole process (all threads), ms: robust against other load on the machine.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Latency {
  double p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

Latency summarise(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  Latency l;
  l.p50 = percentile_sorted(us, 50);
  l.p99 = percentile_sorted(us, 99);
  l.p999 = percentile_sorted(us, 99.9);
  l.max = us.empty() ? 0 : us.back();
  double sum = 0;
  for (const double v : us) sum += v;
  l.mean = us.empty() ? 0 : sum / static_cast<double>(us.size());
  return l;
}

void print_latency(const std::string& key, const Latency& l) {
  std::printf("%s_p50_us %.2f\n%s_p99_us %.2f\n%s_p999_us %.2f\n%s_max_us %.2f\n%s_mean_us %.2f\n",
              key.c_str(), l.p50, key.c_str(), l.p99, key.c_str(), l.p999, key.c_str(), l.max,
              key.c_str(), l.mean);
}

using Pair = std::pair<std::int64_t, std::int64_t>;  // tree, work

std::map<Pair, geo::Severity> read_sql_pairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<Pair, geo::Severity> out;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line.rfind("tree_id", 0) == 0) continue;
    std::stringstream row(line);
    std::string tree, work, severity;
    std::getline(row, tree, ',');
    std::getline(row, work, ',');
    std::getline(row, severity, ',');
    while (!severity.empty() && (severity.back() == '\r' || severity.back() == '"'))
      severity.pop_back();
    if (!severity.empty() && severity.front() == '"') severity.erase(0, 1);
    const auto s = geo::severity_from_string(severity);
    if (!s)
      throw std::runtime_error(path + ":" + std::to_string(n) + ": bad severity '" + severity +
                               "'");
    const Pair key{std::stoll(tree), std::stoll(work)};
    if (!out.emplace(key, *s).second) {
      throw std::runtime_error(path + ": pair " + tree + "," + work + " listed twice");
    }
  }
  return out;
}

// Returns true when the sets agree (pairs equal; severities equal except share-rule raises).
bool compare_with_sql(const geo::ConflictEngine& engine, const geo::ConflictSet& result,
                      const std::string& path) {
  const auto sql = read_sql_pairs(path);
  std::map<Pair, const geo::TreeWorkConflict*> mine;
  for (const auto& c : result.tree_work) mine[{c.tree_id, c.work_id}] = &c;

  std::size_t only_engine = 0, only_sql = 0, same = 0, share_raised = 0, other = 0;
  std::size_t shown = 0;
  const auto show = [&](const std::string& what, Pair p, const geo::TreeWorkConflict* c) {
    if (shown++ >= 20) return;
    std::cerr << "  " << what << ": tree " << p.first << " work " << p.second;
    if (const auto z = engine.zone_of(p.first)) {
      std::cerr << " (R_t " << z->trench_radius_m << ", R_r " << z->root_radius_m << ")";
    }
    if (c != nullptr) {
      std::cerr << " engine " << geo::to_string(c->severity) << " d=" << c->min_distance_m
                << " share=" << c->overlap_share << " rule: " << c->rule;
    }
    std::cerr << '\n';
  };
  for (const auto& [p, c] : mine) {
    const auto it = sql.find(p);
    if (it == sql.end()) {
      ++only_engine;
      show("engine only", p, c);
      continue;
    }
    if (it->second == c->severity) {
      ++same;
    } else if (c->severity == geo::Severity::high && it->second == geo::Severity::medium &&
               c->rule.rfind("root zone share", 0) == 0) {
      ++share_raised;
    } else {
      ++other;
      show("severity differs (sql " + std::string(geo::to_string(it->second)) + ")", p, c);
    }
  }
  for (const auto& [p, s] : sql) {
    if (!mine.contains(p)) {
      ++only_sql;
      show("sql only (" + std::string(geo::to_string(s)) + ")", p, nullptr);
    }
  }
  std::printf(
      "verify_engine_pairs %zu\nverify_sql_pairs %zu\nverify_only_engine %zu\n"
      "verify_only_sql %zu\nverify_same_severity %zu\nverify_share_rule_raised %zu\n"
      "verify_other_severity_diff %zu\n",
      mine.size(), sql.size(), only_engine, only_sql, same, share_raised, other);
  const bool ok = only_engine == 0 && only_sql == 0 && other == 0;
  std::printf("verify_ok %d\n", ok ? 1 : 0);
  return ok;
}

int run(const Options& o) {
  // ---- load, as `rootzone check` does
  const auto t0 = Clock::now();
  auto store = storage::Store::open(o.db);
  const auto rules = store.rule_sets().active();
  auto trees = storage::load_zoned_trees(store.database(), rules).trees;
  auto works = store.works().open();
  const auto t1 = Clock::now();
  geo::ConflictEngine engine(rules);
  const auto notes = engine.load(trees, works);
  const auto t2 = Clock::now();
  for (const auto& n : notes)
    std::cerr << (n.refused ? "refused: " : "repaired: ") << n.message << '\n';
  std::printf("trees_loaded %zu\nworks_open %zu\nengine_trees %zu\nengine_works %zu\n",
              trees.size(), works.size(), engine.tree_count(), engine.work_count());
  std::printf("load_ms %.1f\nindex_ms %.1f\n", ms(t0, t1), ms(t1, t2));
  std::printf("peak_rss_load_mib %.1f\n", rootzone::bench::peak_rss_mib());
  // What a server keeps: the engine (and the store connection), not the load's input.
  trees = {};
  malloc_trim(0);
  std::printf("rss_server_mib %.1f\n", rootzone::bench::current_rss_mib());
  std::cerr << "loaded " << engine.tree_count() << " protected trees and " << engine.work_count()
            << " open works: load " << ms(t0, t1) << " ms, index " << ms(t1, t2) << " ms\n";

  // ---- full check in memory
  geo::ConflictSet last;
  for (const unsigned n : o.threads) {
    std::vector<double> times, cpu;
    for (int r = 0; r < o.runs; ++r) {
      const double c0 = cpu_ms();
      const auto a = Clock::now();
      auto result = engine.check_all(n);
      times.push_back(ms(a, Clock::now()));
      cpu.push_back(cpu_ms() - c0);
      if (r + 1 == o.runs) last = std::move(result);
    }
    std::cerr << "check_all threads=" << n << ":";
    for (const double t : times) std::cerr << ' ' << t;
    std::cerr << " ms\n";
    std::printf(
        "check_all_t%u_median_ms %.2f\ncheck_all_t%u_min_ms %.2f\ncheck_all_t%u_cpu_ms %.2f\n", n,
        median(times), n, *std::min_element(times.begin(), times.end()), n, median(cpu));
  }
  std::map<geo::Severity, std::size_t> by;
  for (const auto& c : last.tree_work) ++by[c.severity];
  std::printf(
      "tree_work_conflicts %zu\ncritical %zu\nhigh %zu\nmedium %zu\nwork_work_clashes %zu\n",
      last.tree_work.size(), by[geo::Severity::critical], by[geo::Severity::high],
      by[geo::Severity::medium], last.work_work.size());
  std::size_t share_high = 0;
  for (const auto& c : last.tree_work) {
    if (c.rule.rfind("root zone share", 0) == 0) ++share_high;
  }
  std::printf("high_by_share_rule %zu\n", share_high);

  bool ok = true;
  if (!o.sql_pairs.empty()) ok = compare_with_sql(engine, last, o.sql_pairs);

  // ---- one submission at a time, in a shuffled order
  std::vector<const geo::Work*> order;
  for (const auto& w : works) order.push_back(&w);
  rootzone::bench::Random rnd(o.seed);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rnd.below(i)]);

  std::vector<double> query_us;
  std::size_t found = 0;
  for (const auto* w : order) {
    const auto a = Clock::now();
    const auto c = engine.tree_conflicts_of_work(w->id);
    query_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
    found += c.size();
  }
  print_latency("submission_query", summarise(query_us));
  std::printf("submission_query_conflicts %zu\n", found);

  // The whole path of a contractor's submission: the work (re)built and put in the index,
  // then its tree conflicts and work clashes.
  std::vector<double> full_us;
  for (const auto* w : order) {
    const auto a = Clock::now();
    engine.upsert_work(*w);
    const auto c = engine.tree_conflicts_of_work(w->id);
    const auto k = engine.work_conflicts_of_work(w->id);
    full_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
    found += c.size() + k.size();
  }
  print_latency("submission_full", summarise(full_us));
  std::printf("peak_rss_mib %.1f\n", rootzone::bench::peak_rss_mib());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "engine_bench: " << e.what() << '\n';
    return 2;
  }
}
