#include "rootzone/storage/conflict_repository.hpp"
#include "conflict_findings.hpp"
#include "sqlite_repositories.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

using Scope = detail::ConflictScope;

std::optional<geo::Acknowledgement> read_ack(const Statement& s, int first, const char* table) {
  if (s.is_null(first)) return std::nullopt;
  return geo::Acknowledgement{
      .user = s.text(first),
      .at = detail::timestamp_column(s, first + 1, std::string(table) + ".acknowledged_at"),
      .comment = s.optional_text(first + 2).value_or("")};
}

void bind_scope(Statement& s, const Scope& scope) {
  if (scope.id) s.bind(1, *scope.id);
}

// ---- tree-work

constexpr const char* select_tree_work =
    "SELECT id, tree_id, work_id, severity, rule, min_distance_m, overlap_m2, overlap_share,"
    " computed_at, acknowledged_by, acknowledged_at, acknowledgement_comment"
    " FROM tree_work_conflicts ";

geo::TreeWorkConflict read_tree_work(const Statement& s) {
  return {.id = s.int64(0),
          .tree_id = s.int64(1),
          .work_id = s.int64(2),
          .severity =
              detail::enum_column(s, 3, "tree_work_conflicts.severity", geo::severity_from_string),
          .rule = s.text(4),
          .min_distance_m = s.real(5),
          .overlap_m2 = s.real(6),
          .overlap_share = s.real(7),
          .computed_at = detail::timestamp_column(s, 8, "tree_work_conflicts.computed_at"),
          .acknowledged = read_ack(s, 9, "tree_work_conflicts")};
}

std::vector<geo::TreeWorkConflict> list_tree_work(Database& db, const Scope& scope) {
  auto s = db.prepare(std::string(select_tree_work) + "WHERE " + scope.where + " ORDER BY id");
  bind_scope(s, scope);
  std::vector<geo::TreeWorkConflict> result;
  while (s.step()) result.push_back(read_tree_work(s));
  return result;
}

using detail::in_scope;
using detail::same_finding;

// A larger page cache for this connection while it lives. A city-wide replace writes its rows
// in (work, tree) order, scattered over the (tree, work) index: in SQLite's default 2 MB cache
// the dirty pages spill into the WAL and are read back (32k conflicts in the sqlite3 shell:
// 0.81 s against 0.37 s with 64 MB, bench/RESULTS.md issue 16).
class LargerPageCache {
 public:
  explicit LargerPageCache(Database& db) : db_(db) {
    auto s = db_.prepare("PRAGMA cache_size");
    s.step();
    previous_ = s.int64(0);
    s.reset();
    db_.execute("PRAGMA cache_size = -65536");
  }
  ~LargerPageCache() {
    try {
      db_.execute("PRAGMA cache_size = " + std::to_string(previous_));
    } catch (const StorageError&) {
      // The connection keeps the larger cache; nothing else depends on its size.
    }
  }
  LargerPageCache(const LargerPageCache&) = delete;
  LargerPageCache& operator=(const LargerPageCache&) = delete;

 private:
  Database& db_;
  std::int64_t previous_ = 0;
};

std::vector<geo::TreeWorkConflict> replace_tree_work(
    Database& db, const Scope& scope, const std::vector<geo::TreeWorkConflict>& conflicts) {
  std::optional<LargerPageCache> cache;
  if (scope.of == Scope::Of::all) cache.emplace(db);
  Transaction tx(db);
  // The scope's rows as stored; they become the result, changed in memory as the store is,
  // so nothing is read twice.
  std::map<Pair, geo::TreeWorkConflict> stored;
  for (auto& c : list_tree_work(db, scope)) {
    const Pair key{c.tree_id, c.work_id};
    stored.emplace(key, std::move(c));
  }

  auto insert = db.prepare(
      "INSERT INTO tree_work_conflicts (tree_id, work_id, severity, rule, min_distance_m,"
      " overlap_m2, overlap_share, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  // A worse severity than the acknowledged one is a new finding: the acknowledgement goes.
  auto update = db.prepare(
      "UPDATE tree_work_conflicts SET severity = ?3, rule = ?4, min_distance_m = ?5,"
      " overlap_m2 = ?6, overlap_share = ?7, computed_at = ?8,"
      " acknowledged_by = CASE WHEN ?10 THEN NULL ELSE acknowledged_by END,"
      " acknowledged_at = CASE WHEN ?10 THEN NULL ELSE acknowledged_at END,"
      " acknowledgement_comment = CASE WHEN ?10 THEN NULL ELSE acknowledgement_comment END"
      " WHERE id = ?9");
  std::set<std::int64_t> kept;
  detail::StampText stamps;
  for (const auto& c : conflicts) {
    if (!in_scope(scope, c)) {
      throw StorageError("conflict of tree " + std::to_string(c.tree_id) + " and work " +
                         std::to_string(c.work_id) + " does not belong to " + scope.label);
    }
    const auto existing = stored.find({c.tree_id, c.work_id});
    if (existing != stored.end() && same_finding(existing->second, c)) {
      kept.insert(existing->second.id);
      continue;
    }
    auto& s = existing == stored.end() ? insert : update;
    s.bind(1, c.tree_id)
        .bind(2, c.work_id)
        .bind(3, geo::to_string(c.severity))
        .bind(4, c.rule)
        .bind(5, c.min_distance_m)
        .bind(6, c.overlap_m2)
        .bind(7, c.overlap_share)
        .bind_static(8, stamps.of(c.computed_at));  // unchanged until the next row's bind
    try {
      if (existing == stored.end()) {
        s.run();
        geo::TreeWorkConflict row = c;
        row.id = db.last_insert_rowid();
        row.acknowledged.reset();
        kept.insert(row.id);
        stored.emplace(Pair{c.tree_id, c.work_id}, std::move(row));
      } else {
        auto& row = existing->second;
        const bool worse = c.severity > row.severity;
        s.bind(9, row.id).bind(10, worse).run();
        const auto id = row.id;
        auto ack = worse ? std::nullopt : row.acknowledged;
        row = c;
        row.id = id;
        row.acknowledged = std::move(ack);
        kept.insert(id);
      }
    } catch (const ConstraintViolation& e) {
      throw ConstraintViolation("conflict of tree " + std::to_string(c.tree_id) + " and work " +
                                std::to_string(c.work_id) + ": " + e.what());
    }
    s.reset();
  }

  auto remove = db.prepare("DELETE FROM tree_work_conflicts WHERE id = ?");
  std::vector<geo::TreeWorkConflict> result;
  result.reserve(kept.size());
  for (auto& [pair, row] : stored) {
    if (!kept.contains(row.id)) {
      remove.bind(1, row.id).run();
      remove.reset();
      continue;
    }
    result.push_back(std::move(row));
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  tx.commit();
  return result;
}

// ---- work-work

constexpr const char* select_work_work =
    "SELECT id, work_a, work_b, distance_m, overlap_start, overlap_end, computed_at,"
    " acknowledged_by, acknowledged_at, acknowledgement_comment FROM work_work_conflicts ";

geo::WorkWorkConflict read_work_work(const Statement& s) {
  return {.id = s.int64(0),
          .work_a = s.int64(1),
          .work_b = s.int64(2),
          .distance_m = s.real(3),
          .overlap_start = detail::timestamp_column(s, 4, "work_work_conflicts.overlap_start"),
          .overlap_end = detail::timestamp_column(s, 5, "work_work_conflicts.overlap_end"),
          .computed_at = detail::timestamp_column(s, 6, "work_work_conflicts.computed_at"),
          .acknowledged = read_ack(s, 7, "work_work_conflicts")};
}

std::vector<geo::WorkWorkConflict> list_work_work(Database& db, const Scope& scope) {
  auto s = db.prepare(std::string(select_work_work) + "WHERE " + scope.where + " ORDER BY id");
  bind_scope(s, scope);
  std::vector<geo::WorkWorkConflict> result;
  while (s.step()) result.push_back(read_work_work(s));
  return result;
}

std::vector<geo::WorkWorkConflict> replace_work_work(
    Database& db, const Scope& scope, const std::vector<geo::WorkWorkConflict>& conflicts) {
  Transaction tx(db);
  std::map<Pair, std::int64_t> stored;
  {
    auto s = db.prepare(std::string("SELECT id, work_a, work_b FROM work_work_conflicts WHERE ") +
                        scope.where);
    bind_scope(s, scope);
    while (s.step()) stored[{s.int64(1), s.int64(2)}] = s.int64(0);
  }

  auto insert = db.prepare(
      "INSERT INTO work_work_conflicts (work_a, work_b, distance_m, overlap_start, overlap_end,"
      " computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  auto update = db.prepare(
      "UPDATE work_work_conflicts SET distance_m = ?3, overlap_start = ?4, overlap_end = ?5,"
      " computed_at = ?6 WHERE id = ?7 AND work_a = ?1 AND work_b = ?2");
  std::set<std::int64_t> kept;
  for (const auto& given : conflicts) {
    const Pair pair = std::minmax(given.work_a, given.work_b);
    if (scope.id && pair.first != *scope.id && pair.second != *scope.id) {
      throw StorageError("conflict of works " + std::to_string(pair.first) + " and " +
                         std::to_string(pair.second) + " does not belong to " + scope.label);
    }
    const auto existing = stored.find(pair);
    auto& s = existing == stored.end() ? insert : update;
    s.bind(1, pair.first)
        .bind(2, pair.second)
        .bind(3, given.distance_m)
        .bind(4, geo::format_utc(given.overlap_start))
        .bind(5, geo::format_utc(given.overlap_end))
        .bind(6, geo::format_utc(given.computed_at));
    try {
      if (existing == stored.end()) {
        s.run();
        const auto id = db.last_insert_rowid();
        stored[pair] = id;
        kept.insert(id);
      } else {
        s.bind(7, existing->second).run();
        kept.insert(existing->second);
      }
    } catch (const ConstraintViolation& e) {
      throw ConstraintViolation("conflict of works " + std::to_string(pair.first) + " and " +
                                std::to_string(pair.second) + ": " + e.what());
    }
    s.reset();
  }

  auto remove = db.prepare("DELETE FROM work_work_conflicts WHERE id = ?");
  for (const auto& [p, id] : stored) {
    if (kept.contains(id)) continue;
    remove.bind(1, id).run();
    remove.reset();
  }
  auto result = list_work_work(db, scope);
  tx.commit();
  return result;
}

Scope all_rows() { return {Scope::Of::all, "1", std::nullopt, "all conflicts"}; }
Scope of_work(std::int64_t id) {
  return {Scope::Of::work, "work_id = ?1", id, "work " + std::to_string(id)};
}
Scope of_tree(std::int64_t id) {
  return {Scope::Of::tree, "tree_id = ?1", id, "tree " + std::to_string(id)};
}
Scope either_work(std::int64_t id) {
  return {Scope::Of::work, "(work_a = ?1 OR work_b = ?1)", id, "work " + std::to_string(id)};
}

void acknowledge(Database& db, const char* table, const char* what, std::int64_t id,
                 const geo::Acknowledgement& ack) {
  db.prepare(std::string("UPDATE ") + table +
             " SET acknowledged_by = ?, acknowledged_at = ?, acknowledgement_comment = ?"
             " WHERE id = ?")
      .bind(1, ack.user)
      .bind(2, geo::format_utc(detail::now_if_zero(ack.at)))
      .bind(3, ack.comment)
      .bind(4, id)
      .run();
  if (db.changes() == 0)
    throw NotFound(std::string(what) + " " + std::to_string(id) + " not found");
}

}  // namespace

SqliteConflictRepository::SqliteConflictRepository(Database& db) : db_(db) {}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::replace_tree_work_conflicts_for_work(
    std::int64_t work_id, const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(db_, of_work(work_id), conflicts);
}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::replace_tree_work_conflicts_for_tree(
    std::int64_t tree_id, const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(db_, of_tree(tree_id), conflicts);
}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::replace_all_tree_work_conflicts(
    const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(db_, all_rows(), conflicts);
}

geo::TreeWorkConflict SqliteConflictRepository::tree_work_conflict(std::int64_t id) {
  auto s = db_.prepare(std::string(select_tree_work) + "WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw NotFound("tree-work conflict " + std::to_string(id) + " not found");
  return read_tree_work(s);
}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::tree_work_conflicts_for_work(
    std::int64_t work_id) {
  return list_tree_work(db_, of_work(work_id));
}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::tree_work_conflicts_for_tree(
    std::int64_t tree_id) {
  return list_tree_work(db_, of_tree(tree_id));
}

std::vector<geo::TreeWorkConflict> SqliteConflictRepository::all_tree_work_conflicts() {
  return list_tree_work(db_, all_rows());
}

geo::TreeWorkConflict SqliteConflictRepository::acknowledge_tree_work_conflict(
    std::int64_t id, const geo::Acknowledgement& ack) {
  acknowledge(db_, "tree_work_conflicts", "tree-work conflict", id, ack);
  return tree_work_conflict(id);
}

std::vector<geo::WorkWorkConflict> SqliteConflictRepository::replace_work_work_conflicts_for_work(
    std::int64_t work_id, const std::vector<geo::WorkWorkConflict>& conflicts) {
  return replace_work_work(db_, either_work(work_id), conflicts);
}

std::vector<geo::WorkWorkConflict> SqliteConflictRepository::replace_all_work_work_conflicts(
    const std::vector<geo::WorkWorkConflict>& conflicts) {
  return replace_work_work(db_, all_rows(), conflicts);
}

geo::WorkWorkConflict SqliteConflictRepository::work_work_conflict(std::int64_t id) {
  auto s = db_.prepare(std::string(select_work_work) + "WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw NotFound("work-work conflict " + std::to_string(id) + " not found");
  return read_work_work(s);
}

std::vector<geo::WorkWorkConflict> SqliteConflictRepository::work_work_conflicts_for_work(
    std::int64_t work_id) {
  return list_work_work(db_, either_work(work_id));
}

std::vector<geo::WorkWorkConflict> SqliteConflictRepository::all_work_work_conflicts() {
  return list_work_work(db_, all_rows());
}

geo::WorkWorkConflict SqliteConflictRepository::acknowledge_work_work_conflict(
    std::int64_t id, const geo::Acknowledgement& ack) {
  acknowledge(db_, "work_work_conflicts", "work-work conflict", id, ack);
  return work_work_conflict(id);
}

}  // namespace rootzone::storage
