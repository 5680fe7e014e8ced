#include "rootzone/storage/conflict_inputs.hpp"

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/errors.hpp"

#include "packed_zones.hpp"
#include "rootzone/storage/database.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

using detail::point_of;

std::vector<geo::Tree> load_engine_trees(Database& db) {
  // Two ordered scans merged in C++: a join or a correlated stems subquery per tree costs a
  // B-tree probe per row, the merge costs nothing.
  auto trees = db.prepare(
      "SELECT id, source_id, ST_X(location), ST_Y(location), crown_diameter_m, columnar,"
      " species_botanical, status, protection_source, protection_reason"
      " FROM trees WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
  std::vector<geo::Tree> out;
  while (trees.step()) {
    geo::Tree t;
    t.id = trees.int64(0);
    t.source_id = trees.text(1);
    t.location = {trees.real(2), trees.real(3)};
    t.crown_diameter_m = trees.optional_real(4);
    if (const auto c = trees.optional_int32(5)) t.columnar = *c == 1;
    t.species_botanical = trees.text(6);
    t.status = geo::TreeStatus::existing;
    t.protection.is_protected = true;
    t.protection.source = detail::enum_column(trees, 8, "trees.protection_source",
                                              geo::protection_source_from_string);
    t.protection.reason = trees.text(9);
    out.push_back(std::move(t));
  }

  auto stems = db.prepare(
      "SELECT s.tree_id, s.circumference_cm FROM tree_stems s JOIN trees t ON t.id = s.tree_id"
      " WHERE t.is_protected = 1 AND t.status = 'existing' ORDER BY s.tree_id, s.stem_no");
  std::size_t i = 0;
  while (stems.step()) {
    const auto tree_id = stems.int64(0);
    while (i < out.size() && out[i].id < tree_id) ++i;
    if (i < out.size() && out[i].id == tree_id)
      out[i].stem_circumferences_cm.push_back(stems.real(1));
  }
  return out;
}

std::string zone_marker(const geo::RuleSet& rules, std::int64_t trees, std::int64_t version_sum) {
  return rules.to_json() + "|" + std::to_string(trees) + "|" + std::to_string(version_sum);
}

namespace {

// The stored zones when they derive from exactly this state, else nothing. `trees`: how many
// trees the marker counts, at least as many as the zones (reserved for them at once: half a
// million zones grown by doubling cost a tenth of the read).
std::optional<std::vector<geo::ZonedTree>> cached_zones(Database& db, const std::string& marker,
                                                        std::size_t trees) {
  {
    auto current = db.prepare("SELECT value FROM store_meta WHERE key = 'zones_marker'");
    if (!current.step() || current.text_view(0) != marker) return std::nullopt;
  }
  {
    auto packed = db.prepare("SELECT zones FROM tree_zones_packed WHERE id = 1 AND marker = ?");
    packed.bind(1, marker);
    if (packed.step()) {
      const auto blob = packed.blob_view(0);
      auto zones = detail::unpack_zones(
          std::string_view(reinterpret_cast<const char*>(blob.data()), blob.size()));
      if (zones) return zones;
    }
  }
  // Zones stored by a rootzone before 0007 (or the packing of a later one): from the rows.
  auto s = db.prepare(
      "SELECT tree_id, x, y, root_zone_rule, basis_value_m, root_radius_m, trench_radius_m"
      " FROM tree_zones ORDER BY tree_id");
  std::vector<geo::ZonedTree> out;
  out.reserve(trees);
  // Rows of one rule set share a handful of rule codes: the last one's meaning is kept.
  std::string last_rule;
  std::optional<geo::RootZoneBasis> last_basis;
  while (s.step()) {
    const auto rule = s.text_view(3);
    if (rule != last_rule) {
      last_rule = rule;
      last_basis = geo::root_zone_basis_from_string(rule);
    }
    const auto basis = last_basis;
    if (s.is_null(1) || s.is_null(4) || !basis) return std::nullopt;  // an older zone row
    out.push_back({s.int64(0), {s.real(1), s.real(2)}, {s.real(6), s.real(5), *basis, s.real(4)}});
  }
  return out;
}

constexpr std::size_t zone_rows_per_insert = 128;

// INSERT of `rows` zones: ?1 the rule set's name and ?2 the time for all, then 7 per row.
std::string zone_insert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO tree_zones (tree_id, rule_set, root_zone_rule, root_radius_m,"
      " trench_radius_m, computed_at, x, y, basis_value_m) VALUES ";
  const auto param = [&](std::size_t n) {
    sql += '?';
    sql += std::to_string(n);
  };
  for (std::size_t i = 0, p = 3; i < rows; ++i, p += 7) {
    sql += i == 0 ? "(" : ",(";
    param(p);
    sql += ",?1,";
    for (std::size_t k = 1; k <= 6; ++k) {
      param(p + k);
      sql += k == 3 ? ",?2," : k < 6 ? "," : ")";
    }
  }
  return sql;
}

// The marker of the store as this connection sees it now; `trees` gets the number of trees.
std::string current_marker(Database& db, const geo::RuleSet& rules, std::size_t* trees = nullptr) {
  auto state = db.prepare("SELECT count(*), coalesce(sum(version), 0) FROM trees");
  state.step();
  if (trees != nullptr) *trees = static_cast<std::size_t>(state.int64(0));
  return zone_marker(rules, state.int64(0), state.int64(1));
}

// Calls take(zone) for every protected existing tree, zones drawn under `rules`, by id.
template <class Take>
void scan_zoned_trees(Database& db, const geo::RuleSet& rules, Take take) {
  // Only the protected existing trees' rows come back, each with its stems from the row's own
  // column (migration 0004), as the repository reads a tree: scanning tree_stems too and
  // returning every tree for the marker took 0.7 of the 2.5 s CPU of a first check of 1M trees
  // (bench/RESULTS.md).
  auto trees = db.prepare(
      "SELECT id, location, crown_diameter_m, columnar, species_botanical, stems_cm FROM trees"
      " WHERE is_protected = 1 AND status = 'existing' ORDER BY id");
  while (trees.step()) {
    const auto id = trees.int64(0);
    // Summed in stem order from 0, as tree_stems' rows were: the same double.
    double total = 0;
    detail::for_each_stem(trees.text_view(5), id, [&](double c) { total += c; });
    const auto columnar_by_hand = trees.optional_int32(3);
    const bool columnar =
        columnar_by_hand ? *columnar_by_hand == 1 : geo::is_columnar_name(trees.text_view(4));
    take(geo::ZonedTree{id, point_of(trees.blob_view(1), id),
                        geo::protection_zone(total, trees.optional_real(2), columnar, rules)});
  }
}

// Appends `zones` to tree_zones. Half a million rows, so a statement writes many: one
// statement per row cost as much as the rows themselves. The texts every row shares are bound
// once (?1, ?2) without a copy, and the rule codes are string literals.
void insert_zones(Database& db, std::string_view rule_set, std::string_view computed_at,
                  std::span<const geo::ZonedTree> zones) {
  const auto write = [&](std::span<const geo::ZonedTree> rows) {
    auto insert = db.prepare(zone_insert_sql(rows.size()));
    insert.bind_static(1, rule_set).bind_static(2, computed_at);
    int p = 3;
    for (const auto& z : rows) {
      insert.bind(p, z.id)
          .bind_static(p + 1, geo::to_string(z.zone.basis))
          .bind(p + 2, z.zone.root_radius_m)
          .bind(p + 3, z.zone.trench_radius_m)
          .bind(p + 4, z.location.x)
          .bind(p + 5, z.location.y)
          .bind(p + 6, z.zone.basis_value_m);
      p += 7;
    }
    insert.run();
  };
  std::size_t done = 0;
  for (; done + zone_rows_per_insert <= zones.size(); done += zone_rows_per_insert) {
    write(zones.subspan(done, zone_rows_per_insert));
  }
  if (done < zones.size()) write(zones.subspan(done));
}

// The marker, and the zones packed for the next check (packed_zones.hpp).
void store_marker(Database& db, const std::string& marker, std::string_view packed) {
  db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('zones_marker', ?)")
      .bind(1, marker)
      .run();
  db.prepare("INSERT OR REPLACE INTO tree_zones_packed (id, marker, zones) VALUES (1, ?, ?)")
      .bind(1, marker)
      .bind(2, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(packed.data()),
                                             packed.size()))
      .run();
}

// Zones in id order, from the connection reading the trees to the one writing them. The
// chunks are shared: the reader keeps them to return, the writer only reads them.
using ZoneChunk = std::shared_ptr<const std::vector<geo::ZonedTree>>;
class ZoneHandover {
 public:
  void push(ZoneChunk chunk) {
    {
      const std::lock_guard lock(mutex_);
      chunks_.push_back(std::move(chunk));
    }
    changed_.notify_one();
  }
  // Every zone was handed over (true), or the reading failed and nothing may be stored.
  void end(bool complete) {
    {
      const std::lock_guard lock(mutex_);
      ended_ = true;
      abandoned_ = !complete;
    }
    changed_.notify_one();
  }
  // The next chunk; none once the handover ended and every chunk was taken, or was abandoned.
  ZoneChunk next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ended_ || !chunks_.empty(); });
    if (abandoned_ || chunks_.empty()) return nullptr;
    auto chunk = std::move(chunks_.front());
    chunks_.pop_front();
    return chunk;
  }
  // After next() returned none: whether every zone came.
  bool complete() {
    const std::lock_guard lock(mutex_);
    return !abandoned_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ZoneChunk> chunks_;
  bool ended_ = false;
  bool abandoned_ = false;
};

// Zones per handover: a multiple of zone_rows_per_insert, so only the last chunk needs a
// shorter statement.
constexpr std::size_t zones_per_chunk = 32 * zone_rows_per_insert;

// The second connection's part of load_and_save_zoned_trees, on its own thread. `locked` is
// set once it holds the write lock, then `marker` to the state it sees (or either to the
// reason it failed).
std::size_t write_handed_zones(const std::filesystem::path& path, const geo::RuleSet& rules,
                               ZoneHandover& in, std::promise<void>& locked,
                               std::promise<std::string>& marker) {
  std::optional<Database> db;
  std::optional<Transaction> tx;
  try {
    db.emplace(path);
    db->execute("PRAGMA synchronous = FULL");  // as Store::open: a commit survives a power loss
    // Every tree_id written here was read from `trees` by the other connection after this one
    // took the write lock, so no tree can have gone before the commit: the foreign key holds
    // by construction, and its lookup in trees per row (a quarter of the write) is skipped on
    // this private connection. Outside a transaction, where SQLite lets it change.
    db->execute("PRAGMA foreign_keys = OFF");
    tx.emplace(*db);  // BEGIN IMMEDIATE: waits (busy timeout) while another writer works
  } catch (...) {
    locked.set_exception(std::current_exception());
    marker.set_exception(std::current_exception());
    throw;
  }
  locked.set_value();
  // The state the reader sees too (nothing can commit while this holds the lock), counted here
  // while it reads the trees.
  std::string state;
  try {
    state = current_marker(*db, rules);
  } catch (...) {
    marker.set_exception(std::current_exception());
    throw;
  }
  marker.set_value(state);
  db->execute("DELETE FROM tree_zones");
  const auto now = geo::format_utc(geo::now_utc());
  detail::ZonePacker packed;
  while (const auto chunk = in.next()) {
    insert_zones(*db, rules.name, now, *chunk);
    packed.add(*chunk);
  }
  if (!in.complete()) return 0;  // the reading failed: the transaction rolls back
  const auto written = packed.count();
  store_marker(*db, state, std::move(packed).take());
  bump_data_generation(*db);
  tx->commit();
  return written;
}

std::future<std::size_t> ready(std::size_t n) {
  std::promise<std::size_t> p;
  p.set_value(n);
  return p.get_future();
}

}  // namespace

ZoneLoad load_zoned_trees(Database& db, const geo::RuleSet& rules) {
  // The marker and the trees read below come from one snapshot of the store.
  ReadSnapshot snapshot(db);
  ZoneLoad out;
  std::size_t tree_count = 0;
  out.marker = current_marker(db, rules, &tree_count);
  if (auto cached = cached_zones(db, out.marker, tree_count)) {
    out.trees = std::move(*cached);
    out.from_cache = true;
    return out;
  }
  out.trees.reserve(tree_count);
  scan_zoned_trees(db, rules, [&](geo::ZonedTree&& z) { out.trees.push_back(z); });
  return out;
}

std::size_t save_tree_zones(Database& db, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones) {
  Transaction tx(db);
  {
    auto current = db.prepare("SELECT value FROM store_meta WHERE key = 'zones_marker'");
    if (current.step() && current.text_view(0) == marker) return 0;
  }
  db.execute("DELETE FROM tree_zones");
  insert_zones(db, rules.name, geo::format_utc(geo::now_utc()), zones);
  store_marker(db, marker, detail::pack_zones(zones));
  tx.commit();
  return zones.size();
}

ZoneLoadAndSave load_and_save_zoned_trees(Database& db, const geo::RuleSet& rules) {
  ZoneLoadAndSave out;
  if (db.in_transaction()) {
    out.load = load_zoned_trees(db, rules);
    out.written = ready(save_tree_zones(db, rules, out.load.marker, out.load.trees));
    return out;
  }
  {
    // Zones stored once may still be current; the first check after an import has none.
    auto stored = db.prepare("SELECT 1 FROM store_meta WHERE key = 'zones_marker'");
    if (stored.step()) {
      stored.reset();
      ReadSnapshot snapshot(db);
      std::size_t tree_count = 0;
      const auto marker = current_marker(db, rules, &tree_count);
      if (auto cached = cached_zones(db, marker, tree_count)) {
        out.load = {std::move(*cached), marker, true};
        out.written = ready(0);
        return out;
      }
    }
  }
  auto handover = std::make_shared<ZoneHandover>();
  std::promise<void> locked;
  std::promise<std::string> marker;
  auto lock_taken = locked.get_future();
  auto state = marker.get_future();
  out.written =
      std::async(std::launch::async, [path = db.path(), rules, handover, locked = std::move(locked),
                                      marker = std::move(marker)]() mutable {
        return write_handed_zones(path, rules, *handover, locked, marker);
      });
  // Until every zone was handed over, leaving this function (a throw) abandons the write.
  struct Abandon {
    ZoneHandover& handover;
    bool armed = true;
    ~Abandon() {
      if (armed) handover.end(false);
    }
  } abandon{*handover};
  lock_taken.get();  // the writer's failure to open or lock the store, rethrown here
  std::vector<ZoneChunk> chunks;
  {
    // After the lock: the trees read are the store's when the write commits.
    ReadSnapshot snapshot(db);
    auto chunk = std::make_shared<std::vector<geo::ZonedTree>>();
    chunk->reserve(zones_per_chunk);
    const auto hand_over = [&] {
      chunks.push_back(chunk);
      handover->push(std::move(chunk));
      chunk = std::make_shared<std::vector<geo::ZonedTree>>();
      chunk->reserve(zones_per_chunk);
    };
    scan_zoned_trees(db, rules, [&](geo::ZonedTree&& z) {
      chunk->push_back(z);
      if (chunk->size() == zones_per_chunk) hand_over();
    });
    if (!chunk->empty()) hand_over();
  }
  // The read snapshot has ended, so the commit's checkpoint can copy every page it wrote.
  out.load.marker = state.get();
  handover->end(true);
  abandon.armed = false;
  std::size_t total = 0;
  for (const auto& c : chunks) total += c->size();
  out.load.trees.reserve(total);
  for (const auto& c : chunks) out.load.trees.insert(out.load.trees.end(), c->begin(), c->end());
  return out;
}

std::unordered_map<std::int64_t, TreeLabel> tree_labels(Database& db,
                                                        const std::vector<std::int64_t>& ids) {
  // Each tree once and in id order (the conflicts come by work), so the searches walk the
  // trees' pages forward; the location decoded here, as ST_X/ST_Y would parse the blob twice.
  std::vector<std::int64_t> wanted(ids);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  // One read transaction: per statement, WAL's read lock cost more than the search itself.
  ReadSnapshot snapshot(db);
  auto s = db.prepare("SELECT source_id, location FROM trees WHERE id = ?");
  std::unordered_map<std::int64_t, TreeLabel> out;
  out.reserve(wanted.size());
  for (const auto id : wanted) {
    s.bind(1, id);
    if (s.step()) out.emplace(id, TreeLabel{s.text(0), point_of(s.blob_view(1), id)});
    s.reset();
  }
  return out;
}

}  // namespace rootzone::storage
