#include "rootzone/storage/work_repository.hpp"
#include "sqlite_repositories.hpp"

#include <string>
#include <utility>

#include "flat_wkb.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

namespace {

// Parameters ?1..?15 of both the INSERT and the UPDATE. GeomFromWKB checks the WKB; the
// column's SpatiaLite triggers refuse another SRID or a 3D geometry.
constexpr const char* work_columns =
    "reference = ?1, title = ?2, contractor = ?3, contact = ?4, kind = ?5,"
    " geometry = GeomFromWKB(?6, ?7), width_m = ?8, radius_m = ?9, depth_m = ?10,"
    " starts_at = ?11, ends_at = ?12, status = ?13, source = ?14, version = ?15,"
    " updated_at = ?16";

void bind_work(Statement& s, const geo::Work& w, int srid, std::int64_t version,
               geo::Timestamp updated_at) {
  s.bind(1, w.reference)
      .bind(2, w.title)
      .bind(3, w.contractor)
      .bind(4, w.contact)
      .bind(5, geo::to_string(w.kind))
      .bind(6, w.geometry.wkb())
      .bind(7, srid)
      .bind(8, w.width_m)
      .bind(9, w.radius_m)
      .bind(10, w.depth_m)
      .bind(11, geo::format_utc(w.starts_at))
      .bind(12, geo::format_utc(w.ends_at))
      .bind(13, geo::to_string(w.status))
      .bind(14, w.source)
      .bind(15, version)
      .bind(16, geo::format_utc(updated_at));
}

constexpr const char* select_work =
    "SELECT id, reference, title, contractor, contact, kind, ST_AsBinary(geometry), width_m,"
    " radius_m, depth_m, starts_at, ends_at, status, source, version, updated_at FROM works ";

geo::Work read_work(const Statement& s) {
  return {.id = s.int64(0),
          .reference = s.text(1),
          .title = s.text(2),
          .contractor = s.text(3),
          .contact = s.text(4),
          .kind = detail::enum_column(s, 5, "works.kind", geo::work_kind_from_string),
          .geometry = geo::Geometry(s.blob(6)),
          .width_m = s.optional_real(7),
          .radius_m = s.optional_real(8),
          .depth_m = s.optional_real(9),
          .starts_at = detail::timestamp_column(s, 10, "works.starts_at"),
          .ends_at = detail::timestamp_column(s, 11, "works.ends_at"),
          .status = detail::enum_column(s, 12, "works.status", geo::work_status_from_string),
          .source = s.text(13),
          .version = s.int64(14),
          .updated_at = detail::timestamp_column(s, 15, "works.updated_at")};
}

std::optional<geo::Work> find_where(Database& db, const char* where, const auto& key) {
  auto s = db.prepare(std::string(select_work) + where);
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return read_work(s);
}

void insert_status_change(Database& db, const geo::WorkStatusChange& c) {
  db.prepare(
        "INSERT INTO work_status_history (work_id, from_status, to_status, at, user_name,"
        " comment, conditions) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, c.work_id)
      .bind(2, c.from ? std::optional<std::string_view>(geo::to_string(*c.from)) : std::nullopt)
      .bind(3, geo::to_string(c.to))
      .bind(4, geo::format_utc(c.at))
      .bind(5, c.user)
      .bind(6, c.comment)
      .bind(7, c.conditions)
      .run();
}

VersionConflict version_conflict(std::int64_t id, std::int64_t expected, std::int64_t stored) {
  return VersionConflict("work " + std::to_string(id) + ": version " + std::to_string(expected) +
                         " expected, store has " + std::to_string(stored));
}

}  // namespace

SqliteWorkRepository::SqliteWorkRepository(Database& db, int srid) : db_(db), srid_(srid) {}

std::int64_t SqliteWorkRepository::insert(const geo::Work& work, std::string_view user) {
  detail::require_flat_wkb(work.geometry, "work " + work.reference);
  Transaction tx(db_);
  const auto at = detail::now_if_zero(work.updated_at);
  std::int64_t id = 0;
  try {
    auto s = db_.prepare(
        "INSERT INTO works (reference, title, contractor, contact, kind, geometry, width_m,"
        " radius_m, depth_m, starts_at, ends_at, status, source, version, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, GeomFromWKB(?6, ?7), ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
        " ?15, ?16)");
    bind_work(s, work, srid_, 1, at);
    s.run();
    id = db_.last_insert_rowid();
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("work " + work.reference + ": " + e.what());
  }
  insert_status_change(db_, {.id = 0,
                             .work_id = id,
                             .from = std::nullopt,
                             .to = work.status,
                             .at = at,
                             .user = std::string(user),
                             .comment = "",
                             .conditions = ""});
  tx.commit();
  return id;
}

std::optional<geo::Work> SqliteWorkRepository::find(std::int64_t id) {
  return find_where(db_, "WHERE id = ?", id);
}

geo::Work SqliteWorkRepository::get(std::int64_t id) {
  auto work = find(id);
  if (!work) throw NotFound("work " + std::to_string(id) + " not found");
  return std::move(*work);
}

std::optional<geo::Work> SqliteWorkRepository::find_by_reference(std::string_view reference) {
  return find_where(db_, "WHERE reference = ?", reference);
}

std::vector<geo::Work> SqliteWorkRepository::all() {
  auto s = db_.prepare(std::string(select_work) + "ORDER BY id");
  std::vector<geo::Work> works;
  while (s.step()) works.push_back(read_work(s));
  return works;
}

std::vector<geo::Work> SqliteWorkRepository::open() {
  // geo::is_open decides; the SQL only narrows the rows read.
  auto s = db_.prepare(std::string(select_work) +
                       "WHERE status NOT IN ('completed', 'cancelled', 'refused') ORDER BY id");
  std::vector<geo::Work> works;
  while (s.step()) {
    auto w = read_work(s);
    if (geo::is_open(w.status)) works.push_back(std::move(w));
  }
  return works;
}

std::int64_t SqliteWorkRepository::count() {
  auto s = db_.prepare("SELECT count(*) FROM works");
  s.step();
  return s.int64(0);
}

geo::Work SqliteWorkRepository::update(const geo::Work& work, std::int64_t expected_version,
                                       geo::Timestamp at) {
  detail::require_flat_wkb(work.geometry, "work " + std::to_string(work.id));
  Transaction tx(db_);
  const auto stored = get(work.id);
  if (stored.version != expected_version) {
    throw version_conflict(work.id, expected_version, stored.version);
  }
  if (stored.status != work.status) {
    throw StorageError("work " + std::to_string(work.id) + ": status " +
                       std::string(geo::to_string(stored.status)) + " -> " +
                       std::string(geo::to_string(work.status)) +
                       " must go through set_status, which records the transition");
  }
  try {
    auto s = db_.prepare(std::string("UPDATE works SET ") + work_columns +
                         " WHERE id = ?17 AND version = ?18");
    bind_work(s, work, srid_, expected_version + 1, at);
    s.bind(17, work.id).bind(18, expected_version).run();
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("work " + std::to_string(work.id) + ": " + e.what());
  }
  tx.commit();
  return get(work.id);
}

geo::WorkStatusChange SqliteWorkRepository::set_status(
    geo::WorkStatusChange change, std::optional<std::int64_t> expected_version) {
  Transaction tx(db_);
  const auto stored = get(change.work_id);
  if (expected_version && stored.version != *expected_version) {
    throw version_conflict(change.work_id, *expected_version, stored.version);
  }
  change.from = stored.status;
  change.at = detail::now_if_zero(change.at);
  db_.prepare("UPDATE works SET status = ?, version = version + 1, updated_at = ? WHERE id = ?")
      .bind(1, geo::to_string(change.to))
      .bind(2, geo::format_utc(change.at))
      .bind(3, change.work_id)
      .run();
  insert_status_change(db_, change);
  change.id = db_.last_insert_rowid();
  tx.commit();
  return change;
}

std::vector<geo::WorkStatusChange> SqliteWorkRepository::status_history(std::int64_t work_id) {
  auto s = db_.prepare(
      "SELECT id, work_id, from_status, to_status, at, user_name, comment, conditions"
      " FROM work_status_history WHERE work_id = ? ORDER BY id");
  s.bind(1, work_id);
  std::vector<geo::WorkStatusChange> changes;
  while (s.step()) {
    geo::WorkStatusChange c{.id = s.int64(0),
                            .work_id = s.int64(1),
                            .from = std::nullopt,
                            .to = detail::enum_column(s, 3, "work_status_history.to_status",
                                                      geo::work_status_from_string),
                            .at = detail::timestamp_column(s, 4, "work_status_history.at"),
                            .user = s.text(5),
                            .comment = s.text(6),
                            .conditions = s.text(7)};
    if (!s.is_null(2)) {
      c.from = detail::enum_column(s, 2, "work_status_history.from_status",
                                   geo::work_status_from_string);
    }
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace rootzone::storage
