// Conflicts on PostGIS: the semantics of storage/src/conflict_repository.cpp row for row (which
// pairs keep their id and acknowledgement, which are rewritten, which go), and the ids SQLite
// gives: a new row gets max(id) + 1 at its insert, as SQLite's rowid does, so both stores hold
// the same ids for the same history. The writes of one replace go out as one statement per kind
// (insert, update, delete) over arrays: a city-wide check replaces tens of thousands of rows.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "conflict_findings.hpp"
#include "pg/connection.hpp"
#include "pg/pg_arrays.hpp"
#include "pg/pg_queries.hpp"
#include "pg/pg_repositories.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

using Scope = detail::ConflictScope;

Scope all_rows() { return {Scope::Of::all, "true", std::nullopt, "all conflicts"}; }
Scope of_work(std::int64_t id) {
  return {Scope::Of::work, "work_id = $1", id, "work " + std::to_string(id)};
}
Scope of_tree(std::int64_t id) {
  return {Scope::Of::tree, "tree_id = $1", id, "tree " + std::to_string(id)};
}
Scope either_work(std::int64_t id) {
  return {Scope::Of::work, "(work_a = $1 OR work_b = $1)", id, "work " + std::to_string(id)};
}

std::vector<pg::Parameter> scope_parameters(const Scope& scope) {
  if (!scope.id) return {};
  return {std::to_string(*scope.id)};
}

[[noreturn]] void bad_value(std::string_view column, std::string_view value) {
  throw StorageError("column " + std::string(column) + " holds '" + std::string(value) +
                     "', which rootzone cannot read (was the store edited by hand?)");
}

geo::Timestamp timestamp_at(const pg::Result& r, int row, int column, std::string_view name) {
  const auto text = r.text(row, column);
  const auto t = geo::parse_utc(text);
  if (!t) bad_value(name, text);
  return *t;
}

std::optional<geo::Acknowledgement> ack_at(const pg::Result& r, int row, int first,
                                           const std::string& table) {
  if (r.is_null(row, first)) return std::nullopt;
  return geo::Acknowledgement{.user = r.text(row, first),
                              .at = timestamp_at(r, row, first + 1, table + ".acknowledged_at"),
                              .comment = r.is_null(row, first + 2) ? "" : r.text(row, first + 2)};
}

// The writes of a replace are serialised per table: the ids are max(id) + 1 as on SQLite, so
// two checks at once must not pick the same. Readers are not blocked.
void lock_for_ids(pg::Connection& c, const char* table) {
  c.exec(std::string("LOCK TABLE ") + table + " IN SHARE ROW EXCLUSIVE MODE");
}

std::int64_t max_id(pg::Connection& c, const char* table) {
  return c.exec(std::string("SELECT coalesce(max(id), 0) FROM ") + table).int64(0, 0);
}

std::string ids_array(const std::vector<std::int64_t>& ids) {
  pg::ArrayLiteral a;
  for (const auto id : ids) a.add(id);
  return a.str();
}

// ---- tree-work

constexpr const char* select_tree_work =
    "SELECT id, tree_id, work_id, severity, rule, min_distance_m, overlap_m2, overlap_share,"
    " computed_at, acknowledged_by, acknowledged_at, acknowledgement_comment"
    " FROM tree_work_conflicts ";

geo::TreeWorkConflict read_tree_work(const pg::Result& r, int i) {
  const auto severity_text = r.text(i, 3);
  const auto severity = geo::severity_from_string(severity_text);
  if (!severity) bad_value("tree_work_conflicts.severity", severity_text);
  return {.id = r.int64(i, 0),
          .tree_id = r.int64(i, 1),
          .work_id = r.int64(i, 2),
          .severity = *severity,
          .rule = r.text(i, 4),
          .min_distance_m = r.real(i, 5),
          .overlap_m2 = r.real(i, 6),
          .overlap_share = r.real(i, 7),
          .computed_at = timestamp_at(r, i, 8, "tree_work_conflicts.computed_at"),
          .acknowledged = ack_at(r, i, 9, "tree_work_conflicts")};
}

std::vector<geo::TreeWorkConflict> list_tree_work(pg::Connection& c, const Scope& scope) {
  const auto r = c.exec(std::string(select_tree_work) + "WHERE " + scope.where + " ORDER BY id",
                        scope_parameters(scope));
  std::vector<geo::TreeWorkConflict> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_tree_work(r, i));
  return out;
}

using detail::in_scope;
using detail::same_finding;

// One row to insert (with its id) or update (drop_ack: its severity got worse at some point
// of this replace, so the acknowledgement goes).
struct TreeWorkWrite {
  geo::TreeWorkConflict row;
  bool insert = false;
  bool drop_ack = false;
};

// New rows by binary COPY: the first check of a city inserts 32,000 of them, and as arrays of
// text (unnest) the server spent as long parsing them as storing them (bench/RESULTS.md).
const char* const copy_tree_work_sql =
    "COPY tree_work_conflicts (id, tree_id, work_id, severity, rule, min_distance_m,"
    " overlap_m2, overlap_share, computed_at) FROM STDIN (FORMAT binary)";
const char* const update_tree_work_sql =
    "UPDATE tree_work_conflicts t SET severity = u.severity, rule = u.rule,"
    " min_distance_m = u.min_distance_m, overlap_m2 = u.overlap_m2,"
    " overlap_share = u.overlap_share, computed_at = u.computed_at,"
    " acknowledged_by = CASE WHEN u.drop_ack THEN NULL ELSE t.acknowledged_by END,"
    " acknowledged_at = CASE WHEN u.drop_ack THEN NULL ELSE t.acknowledged_at END,"
    " acknowledgement_comment = CASE WHEN u.drop_ack THEN NULL ELSE t.acknowledgement_comment END"
    " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[],"
    " $6::float8[], $7::text[], $8::boolean[])"
    " AS u(id, severity, rule, min_distance_m, overlap_m2, overlap_share, computed_at, drop_ack)"
    " WHERE t.id = u.id";

// The new rows by one COPY, the changed ones as arrays in one UPDATE.
void write_tree_work_batch(pg::Connection& c, const std::vector<const TreeWorkWrite*>& writes) {
  std::optional<pg::CopyIn> inserts;
  std::string row;
  detail::StampText stamps;
  pg::ArrayLiteral u_ids, u_severities, u_rules, u_distances, u_overlaps, u_shares, u_times,
      u_drops;
  for (const auto* w : writes) {
    const auto& r = w->row;
    if (w->insert) {
      if (!inserts) inserts.emplace(c, copy_tree_work_sql);
      row.clear();
      pg::CopyRow(row)
          .begin(9)
          .int8(r.id)
          .int8(r.tree_id)
          .int8(r.work_id)
          .text(geo::to_string(r.severity))
          .text(r.rule)
          .float8(r.min_distance_m)
          .float8(r.overlap_m2)
          .float8(r.overlap_share)
          .text(stamps.of(r.computed_at));
      inserts->write(row);
    } else {
      u_ids.add(r.id);
      u_severities.add(geo::to_string(r.severity));
      u_rules.add(r.rule);
      u_distances.add(r.min_distance_m);
      u_overlaps.add(r.overlap_m2);
      u_shares.add(r.overlap_share);
      u_times.add(stamps.of(r.computed_at));
      u_drops.add(w->drop_ack);
    }
  }
  if (inserts) inserts->finish();
  if (!u_ids.empty()) {
    c.exec(update_tree_work_sql, {u_ids.str(), u_severities.str(), u_rules.str(), u_distances.str(),
                                  u_overlaps.str(), u_shares.str(), u_times.str(), u_drops.str()});
  }
}

// All writes at once; when the store refuses one (a tree or work that does not exist), the
// batch is undone and the writes are repeated one by one in the order given, so the error
// names the first refused pair as SQLite's does.
void write_tree_work(pg::Connection& c, const std::vector<const TreeWorkWrite*>& writes) {
  if (writes.empty()) return;
  try {
    pg::Transaction batch(c);
    write_tree_work_batch(c, writes);
    batch.commit();
    return;
  } catch (const ConstraintViolation&) {
    // below: find the row
  }
  for (const auto* w : writes) {
    // The table's CHECKs in SQLite's words, so a refused finding reads the same on both stores.
    const auto& r = w->row;
    const char* broken = !(r.min_distance_m >= 0) ? "min_distance_m >= 0"
                         : !(r.overlap_m2 >= 0)   ? "overlap_m2 >= 0"
                         : !(r.overlap_share >= 0 && r.overlap_share <= 1)
                             ? "overlap_share BETWEEN 0 AND 1"
                             : nullptr;
    if (broken != nullptr) {
      throw ConstraintViolation("conflict of tree " + std::to_string(r.tree_id) + " and work " +
                                std::to_string(r.work_id) + ": CHECK constraint failed: " + broken);
    }
    try {
      write_tree_work_batch(c, {w});
    } catch (const ConstraintViolation& e) {
      throw ConstraintViolation("conflict of tree " + std::to_string(w->row.tree_id) +
                                " and work " + std::to_string(w->row.work_id) + ": " + e.what());
    }
  }
}

std::vector<geo::TreeWorkConflict> replace_tree_work(
    pg::Connection& c, const Scope& scope, const std::vector<geo::TreeWorkConflict>& conflicts) {
  pg::Transaction tx(c);
  lock_for_ids(c, "tree_work_conflicts");
  std::map<Pair, geo::TreeWorkConflict> stored;
  for (auto& row : list_tree_work(c, scope)) {
    const Pair key{row.tree_id, row.work_id};
    stored.emplace(key, std::move(row));
  }
  std::int64_t next_id = max_id(c, "tree_work_conflicts") + 1;

  // The same walk as SQLite's, with the writes collected: id -> its write, in first-touch order.
  std::map<std::int64_t, TreeWorkWrite> writes;
  std::vector<std::int64_t> order;
  std::set<std::int64_t> kept;
  for (const auto& found : conflicts) {
    if (!in_scope(scope, found)) {
      throw StorageError("conflict of tree " + std::to_string(found.tree_id) + " and work " +
                         std::to_string(found.work_id) + " does not belong to " + scope.label);
    }
    const auto existing = stored.find({found.tree_id, found.work_id});
    if (existing != stored.end() && same_finding(existing->second, found)) {
      kept.insert(existing->second.id);
      continue;
    }
    if (existing == stored.end()) {
      geo::TreeWorkConflict row = found;
      row.id = next_id++;
      row.acknowledged.reset();
      kept.insert(row.id);
      writes[row.id] = {row, true, false};
      order.push_back(row.id);
      stored.emplace(Pair{found.tree_id, found.work_id}, std::move(row));
      continue;
    }
    auto& row = existing->second;
    const bool worse = found.severity > row.severity;
    const auto id = row.id;
    auto ack = worse ? std::nullopt : row.acknowledged;
    row = found;
    row.id = id;
    row.acknowledged = std::move(ack);
    kept.insert(id);
    auto [w, first] = writes.try_emplace(id, TreeWorkWrite{row, false, worse});
    if (first) {
      order.push_back(id);
    } else {
      // Written before in this replace (inserted, or updated): the last finding wins; a dropped
      // acknowledgement stays dropped.
      w->second.row = row;
      w->second.drop_ack = w->second.drop_ack || worse;
    }
  }
  std::vector<const TreeWorkWrite*> batch;
  batch.reserve(order.size());
  for (const auto id : order) batch.push_back(&writes.at(id));
  write_tree_work(c, batch);

  std::vector<std::int64_t> gone;
  std::vector<geo::TreeWorkConflict> result;
  result.reserve(kept.size());
  for (auto& [pair, row] : stored) {
    if (!kept.contains(row.id)) {
      gone.push_back(row.id);
      continue;
    }
    result.push_back(std::move(row));
  }
  if (!gone.empty()) {
    c.exec("DELETE FROM tree_work_conflicts WHERE id = ANY($1::bigint[])", {ids_array(gone)});
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  tx.commit();
  return result;
}

// ---- work-work

constexpr const char* select_work_work =
    "SELECT id, work_a, work_b, distance_m, overlap_start, overlap_end, computed_at,"
    " acknowledged_by, acknowledged_at, acknowledgement_comment FROM work_work_conflicts ";

geo::WorkWorkConflict read_work_work(const pg::Result& r, int i) {
  return {.id = r.int64(i, 0),
          .work_a = r.int64(i, 1),
          .work_b = r.int64(i, 2),
          .distance_m = r.real(i, 3),
          .overlap_start = timestamp_at(r, i, 4, "work_work_conflicts.overlap_start"),
          .overlap_end = timestamp_at(r, i, 5, "work_work_conflicts.overlap_end"),
          .computed_at = timestamp_at(r, i, 6, "work_work_conflicts.computed_at"),
          .acknowledged = ack_at(r, i, 7, "work_work_conflicts")};
}

std::vector<geo::WorkWorkConflict> list_work_work(pg::Connection& c, const Scope& scope) {
  const auto r = c.exec(std::string(select_work_work) + "WHERE " + scope.where + " ORDER BY id",
                        scope_parameters(scope));
  std::vector<geo::WorkWorkConflict> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_work_work(r, i));
  return out;
}

struct WorkWorkWrite {
  std::int64_t id = 0;
  Pair pair;
  double distance_m = 0;
  std::string overlap_start, overlap_end, computed_at;
  bool insert = false;
};

void write_work_work_batch(pg::Connection& c, const std::vector<const WorkWorkWrite*>& writes) {
  pg::ArrayLiteral ids, as, bs, distances, starts, ends, times;
  pg::ArrayLiteral u_ids, u_as, u_bs, u_distances, u_starts, u_ends, u_times;
  for (const auto* w : writes) {
    auto [i, a, b, d, s, e, t] =
        w->insert ? std::tie(ids, as, bs, distances, starts, ends, times)
                  : std::tie(u_ids, u_as, u_bs, u_distances, u_starts, u_ends, u_times);
    i.add(w->id);
    a.add(w->pair.first);
    b.add(w->pair.second);
    d.add(w->distance_m);
    s.add(w->overlap_start);
    e.add(w->overlap_end);
    t.add(w->computed_at);
  }
  if (!ids.empty()) {
    c.exec(
        "INSERT INTO work_work_conflicts (id, work_a, work_b, distance_m, overlap_start,"
        " overlap_end, computed_at) SELECT * FROM unnest($1::bigint[], $2::bigint[],"
        " $3::bigint[], $4::float8[], $5::text[], $6::text[], $7::text[])",
        {ids.str(), as.str(), bs.str(), distances.str(), starts.str(), ends.str(), times.str()});
  }
  if (!u_ids.empty()) {
    c.exec(
        "UPDATE work_work_conflicts t SET distance_m = u.distance_m,"
        " overlap_start = u.overlap_start, overlap_end = u.overlap_end,"
        " computed_at = u.computed_at"
        " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::text[],"
        " $6::text[], $7::text[])"
        " AS u(id, work_a, work_b, distance_m, overlap_start, overlap_end, computed_at)"
        " WHERE t.id = u.id AND t.work_a = u.work_a AND t.work_b = u.work_b",
        {u_ids.str(), u_as.str(), u_bs.str(), u_distances.str(), u_starts.str(), u_ends.str(),
         u_times.str()});
  }
}

void write_work_work(pg::Connection& c, const std::vector<const WorkWorkWrite*>& writes) {
  if (writes.empty()) return;
  try {
    pg::Transaction batch(c);
    write_work_work_batch(c, writes);
    batch.commit();
    return;
  } catch (const ConstraintViolation&) {
    // below: find the row
  }
  for (const auto* w : writes) {
    const char* broken = !(w->distance_m >= 0)               ? "distance_m >= 0"
                         : w->overlap_end < w->overlap_start ? "overlap_end >= overlap_start"
                                                             : nullptr;
    if (broken != nullptr) {
      throw ConstraintViolation("conflict of works " + std::to_string(w->pair.first) + " and " +
                                std::to_string(w->pair.second) +
                                ": CHECK constraint failed: " + broken);
    }
    try {
      write_work_work_batch(c, {w});
    } catch (const ConstraintViolation& e) {
      throw ConstraintViolation("conflict of works " + std::to_string(w->pair.first) + " and " +
                                std::to_string(w->pair.second) + ": " + e.what());
    }
  }
}

std::vector<geo::WorkWorkConflict> replace_work_work(
    pg::Connection& c, const Scope& scope, const std::vector<geo::WorkWorkConflict>& conflicts) {
  pg::Transaction tx(c);
  lock_for_ids(c, "work_work_conflicts");
  std::map<Pair, std::int64_t> stored;
  {
    const auto r = c.exec(
        std::string("SELECT id, work_a, work_b FROM work_work_conflicts WHERE ") + scope.where,
        scope_parameters(scope));
    for (int i = 0; i < r.rows(); ++i) stored[{r.int64(i, 1), r.int64(i, 2)}] = r.int64(i, 0);
  }
  std::int64_t next_id = max_id(c, "work_work_conflicts") + 1;

  std::map<std::int64_t, WorkWorkWrite> writes;
  std::vector<std::int64_t> order;
  std::set<std::int64_t> kept;
  for (const auto& given : conflicts) {
    const Pair pair = std::minmax(given.work_a, given.work_b);
    if (scope.id && pair.first != *scope.id && pair.second != *scope.id) {
      throw StorageError("conflict of works " + std::to_string(pair.first) + " and " +
                         std::to_string(pair.second) + " does not belong to " + scope.label);
    }
    const auto existing = stored.find(pair);
    const bool insert = existing == stored.end();
    const auto id = insert ? next_id++ : existing->second;
    if (insert) stored[pair] = id;
    kept.insert(id);
    WorkWorkWrite w{id,
                    pair,
                    given.distance_m,
                    geo::format_utc(given.overlap_start),
                    geo::format_utc(given.overlap_end),
                    geo::format_utc(given.computed_at),
                    insert};
    auto [at, first] = writes.try_emplace(id, w);
    if (first) {
      order.push_back(id);
    } else {
      w.insert = at->second.insert;  // an update of a row inserted here: still one insert
      at->second = std::move(w);
    }
  }
  std::vector<const WorkWorkWrite*> batch;
  batch.reserve(order.size());
  for (const auto id : order) batch.push_back(&writes.at(id));
  write_work_work(c, batch);

  std::vector<std::int64_t> gone;
  for (const auto& [p, id] : stored) {
    if (!kept.contains(id)) gone.push_back(id);
  }
  if (!gone.empty()) {
    c.exec("DELETE FROM work_work_conflicts WHERE id = ANY($1::bigint[])", {ids_array(gone)});
  }
  auto result = list_work_work(c, scope);
  tx.commit();
  return result;
}

void acknowledge(pg::Connection& c, const char* table, const char* what, std::int64_t id,
                 const geo::Acknowledgement& ack) {
  const auto at = ack.at == geo::Timestamp{} ? geo::now_utc() : ack.at;
  const auto r = c.exec(std::string("UPDATE ") + table +
                            " SET acknowledged_by = $1, acknowledged_at = $2,"
                            " acknowledgement_comment = $3 WHERE id = $4",
                        {ack.user, geo::format_utc(at), ack.comment, std::to_string(id)});
  if (r.affected() == 0) {
    throw NotFound(std::string(what) + " " + std::to_string(id) + " not found");
  }
}

}  // namespace

PgConflictRepository::PgConflictRepository(pg::Connection& c) : c_(c) {}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_tree_work_conflicts_for_work(
    std::int64_t work_id, const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(c_, of_work(work_id), conflicts);
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_tree_work_conflicts_for_tree(
    std::int64_t tree_id, const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(c_, of_tree(tree_id), conflicts);
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::replace_all_tree_work_conflicts(
    const std::vector<geo::TreeWorkConflict>& conflicts) {
  return replace_tree_work(c_, all_rows(), conflicts);
}

geo::TreeWorkConflict PgConflictRepository::tree_work_conflict(std::int64_t id) {
  const auto r = c_.exec(std::string(select_tree_work) + "WHERE id = $1", {std::to_string(id)});
  if (r.rows() == 0) throw NotFound("tree-work conflict " + std::to_string(id) + " not found");
  return read_tree_work(r, 0);
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::tree_work_conflicts_for_work(
    std::int64_t work_id) {
  return list_tree_work(c_, of_work(work_id));
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::tree_work_conflicts_for_tree(
    std::int64_t tree_id) {
  return list_tree_work(c_, of_tree(tree_id));
}

std::vector<geo::TreeWorkConflict> PgConflictRepository::all_tree_work_conflicts() {
  return list_tree_work(c_, all_rows());
}

geo::TreeWorkConflict PgConflictRepository::acknowledge_tree_work_conflict(
    std::int64_t id, const geo::Acknowledgement& ack) {
  acknowledge(c_, "tree_work_conflicts", "tree-work conflict", id, ack);
  return tree_work_conflict(id);
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::replace_work_work_conflicts_for_work(
    std::int64_t work_id, const std::vector<geo::WorkWorkConflict>& conflicts) {
  return replace_work_work(c_, either_work(work_id), conflicts);
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::replace_all_work_work_conflicts(
    const std::vector<geo::WorkWorkConflict>& conflicts) {
  return replace_work_work(c_, all_rows(), conflicts);
}

geo::WorkWorkConflict PgConflictRepository::work_work_conflict(std::int64_t id) {
  const auto r = c_.exec(std::string(select_work_work) + "WHERE id = $1", {std::to_string(id)});
  if (r.rows() == 0) throw NotFound("work-work conflict " + std::to_string(id) + " not found");
  return read_work_work(r, 0);
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::work_work_conflicts_for_work(
    std::int64_t work_id) {
  return list_work_work(c_, either_work(work_id));
}

std::vector<geo::WorkWorkConflict> PgConflictRepository::all_work_work_conflicts() {
  return list_work_work(c_, all_rows());
}

geo::WorkWorkConflict PgConflictRepository::acknowledge_work_work_conflict(
    std::int64_t id, const geo::Acknowledgement& ack) {
  acknowledge(c_, "work_work_conflicts", "work-work conflict", id, ack);
  return work_work_conflict(id);
}

}  // namespace rootzone::storage
