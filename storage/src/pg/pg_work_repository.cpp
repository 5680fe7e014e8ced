#include <string>
#include <utility>

#include "flat_wkb.hpp"
#include "pg/connection.hpp"
#include "pg/pg_repositories.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

namespace {

// $1..$16 of both the INSERT and the UPDATE. The geometry travels as binary WKB; the column's
// type (geometry(Geometry, srid), no Z) refuses another SRID or a 3D geometry.
std::vector<pg::Parameter> work_parameters(const geo::Work& w, int srid, std::int64_t version,
                                           geo::Timestamp updated_at) {
  return {w.reference,
          w.title,
          w.contractor,
          w.contact,
          std::string(geo::to_string(w.kind)),
          pg::Parameter::binary(w.geometry.wkb()),
          std::to_string(srid),
          pg::optional_number(w.width_m),
          pg::optional_number(w.radius_m),
          pg::optional_number(w.depth_m),
          geo::format_utc(w.starts_at),
          geo::format_utc(w.ends_at),
          std::string(geo::to_string(w.status)),
          w.source,
          std::to_string(version),
          geo::format_utc(updated_at)};
}

constexpr const char* select_work =
    "SELECT id, reference, title, contractor, contact, kind, ST_AsBinary(geometry), width_m,"
    " radius_m, depth_m, starts_at, ends_at, status, source, version, updated_at FROM works ";

geo::Work read_work(const pg::Result& r, int row) {
  return {.id = r.int64(row, 0),
          .reference = r.text(row, 1),
          .title = r.text(row, 2),
          .contractor = r.text(row, 3),
          .contact = r.text(row, 4),
          .kind = pg::enum_value(r, row, 5, "works.kind", geo::work_kind_from_string),
          .geometry = geo::Geometry(r.bytes(row, 6)),
          .width_m = pg::optional_real(r, row, 7),
          .radius_m = pg::optional_real(r, row, 8),
          .depth_m = pg::optional_real(r, row, 9),
          .starts_at = pg::timestamp_value(r, row, 10, "works.starts_at"),
          .ends_at = pg::timestamp_value(r, row, 11, "works.ends_at"),
          .status = pg::enum_value(r, row, 12, "works.status", geo::work_status_from_string),
          .source = r.text(row, 13),
          .version = r.int64(row, 14),
          .updated_at = pg::timestamp_value(r, row, 15, "works.updated_at")};
}

std::optional<geo::Work> find_where(pg::Connection& c, const char* where, const std::string& key) {
  const auto r = c.exec(std::string(select_work) + where, {key});
  if (r.rows() == 0) return std::nullopt;
  return read_work(r, 0);
}

std::vector<geo::Work> read_works(const pg::Result& r) {
  std::vector<geo::Work> works;
  works.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) works.push_back(read_work(r, i));
  return works;
}

std::int64_t insert_status_change(pg::Connection& c, const geo::WorkStatusChange& change) {
  return c
      .exec(
          "INSERT INTO work_status_history (work_id, from_status, to_status, at, user_name,"
          " comment, conditions) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {std::to_string(change.work_id),
           change.from ? std::optional(std::string(geo::to_string(*change.from))) : std::nullopt,
           std::string(geo::to_string(change.to)), geo::format_utc(change.at), change.user,
           change.comment, change.conditions})
      .int64(0, 0);
}

VersionConflict version_conflict(std::int64_t id, std::int64_t expected, std::int64_t stored) {
  return VersionConflict("work " + std::to_string(id) + ": version " + std::to_string(expected) +
                         " expected, store has " + std::to_string(stored));
}

// Runs a statement that writes a geometry. PostGIS refuses a geometry the column cannot hold
// (another SRID, a Z dimension: invalid_parameter_value) or WKB it cannot parse (internal_error)
// outside SQLSTATE class 23; SpatiaLite's triggers refuse them as constraints, and so does this.
template <class F>
void writing_geometry(pg::Connection& c, F run) {
  try {
    run();
  } catch (const ConstraintViolation&) {
    throw;
  } catch (const StorageError& e) {
    const auto state = c.last_sqlstate();
    if (state == "22023" || state == "XX000") throw ConstraintViolation(e.what());
    throw;
  }
}

}  // namespace

PgWorkRepository::PgWorkRepository(pg::Connection& c, int srid) : c_(c), srid_(srid) {}

std::int64_t PgWorkRepository::insert(const geo::Work& work, std::string_view user) {
  detail::require_flat_wkb(work.geometry, "work " + work.reference);
  // What the table's CHECKs and UNIQUE would refuse, refused before the INSERT: a refused
  // INSERT has taken an id from the sequence, and later works' ids would differ from
  // SpatiaLite's.
  const auto positive = [](const std::optional<double>& v) { return !v || *v > 0; };
  std::optional<std::string> broken;
  if (work.reference.empty()) broken = "reference <> ''";
  if (!positive(work.width_m)) broken = "width_m > 0";
  if (!positive(work.radius_m)) broken = "radius_m > 0";
  if (!positive(work.depth_m)) broken = "depth_m > 0";
  if (work.ends_at < work.starts_at) broken = "ends_at >= starts_at";
  if (broken) {
    throw ConstraintViolation("work " + work.reference + ": CHECK constraint failed: " + *broken);
  }
  if (c_.exec("SELECT 1 FROM works WHERE reference = $1", {work.reference}).rows() > 0) {
    throw ConstraintViolation("work " + work.reference +
                              ": UNIQUE constraint failed: works.reference");
  }
  pg::Transaction tx(c_);
  const auto at = detail::now_if_zero(work.updated_at);
  std::int64_t id = 0;
  try {
    writing_geometry(c_, [&] {
      id = c_.exec(
                 "INSERT INTO works (reference, title, contractor, contact, kind, geometry, "
                 "width_m, radius_m, depth_m, starts_at, ends_at, status, source, version, "
                 "updated_at) VALUES ($1, $2, $3, $4, $5, ST_GeomFromWKB($6, $7::int), $8, $9, "
                 "$10, $11, $12, $13, $14, $15, $16) RETURNING id",
                 work_parameters(work, srid_, 1, at))
               .int64(0, 0);
    });
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("work " + work.reference + ": " + e.what());
  }
  insert_status_change(c_, {.id = 0,
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

std::optional<geo::Work> PgWorkRepository::find(std::int64_t id) {
  return find_where(c_, "WHERE id = $1", std::to_string(id));
}

geo::Work PgWorkRepository::get(std::int64_t id) {
  auto work = find(id);
  if (!work) throw NotFound("work " + std::to_string(id) + " not found");
  return std::move(*work);
}

std::optional<geo::Work> PgWorkRepository::find_by_reference(std::string_view reference) {
  return find_where(c_, "WHERE reference = $1", std::string(reference));
}

std::vector<geo::Work> PgWorkRepository::all() {
  return read_works(c_.exec(std::string(select_work) + "ORDER BY id"));
}

std::vector<geo::Work> PgWorkRepository::open() {
  // geo::is_open decides; the SQL only narrows the rows read.
  auto works = read_works(c_.exec(std::string(select_work) +
                                  "WHERE status NOT IN ('completed', 'cancelled', 'refused')"
                                  " ORDER BY id"));
  std::erase_if(works, [](const geo::Work& w) { return !geo::is_open(w.status); });
  return works;
}

std::int64_t PgWorkRepository::count() { return c_.exec("SELECT count(*) FROM works").int64(0, 0); }

geo::Work PgWorkRepository::update(const geo::Work& work, std::int64_t expected_version,
                                   geo::Timestamp at) {
  detail::require_flat_wkb(work.geometry, "work " + std::to_string(work.id));
  pg::Transaction tx(c_);
  const auto stored = find_where(c_, "WHERE id = $1 FOR UPDATE", std::to_string(work.id));
  if (!stored) throw NotFound("work " + std::to_string(work.id) + " not found");
  if (stored->version != expected_version) {
    throw version_conflict(work.id, expected_version, stored->version);
  }
  if (stored->status != work.status) {
    throw StorageError("work " + std::to_string(work.id) + ": status " +
                       std::string(geo::to_string(stored->status)) + " -> " +
                       std::string(geo::to_string(work.status)) +
                       " must go through set_status, which records the transition");
  }
  try {
    auto parameters = work_parameters(work, srid_, expected_version + 1, at);
    parameters.emplace_back(std::to_string(work.id));
    parameters.emplace_back(std::to_string(expected_version));
    writing_geometry(c_, [&] {
      c_.exec(
          "UPDATE works SET reference = $1, title = $2, contractor = $3, contact = $4, kind = $5,"
          " geometry = ST_GeomFromWKB($6, $7::int), width_m = $8, radius_m = $9, depth_m = $10,"
          " starts_at = $11, ends_at = $12, status = $13, source = $14, version = $15,"
          " updated_at = $16 WHERE id = $17 AND version = $18",
          parameters);
    });
  } catch (const ConstraintViolation& e) {
    throw ConstraintViolation("work " + std::to_string(work.id) + ": " + e.what());
  }
  tx.commit();
  return get(work.id);
}

geo::WorkStatusChange PgWorkRepository::set_status(geo::WorkStatusChange change,
                                                   std::optional<std::int64_t> expected_version) {
  pg::Transaction tx(c_);
  const auto stored = find_where(c_, "WHERE id = $1 FOR UPDATE", std::to_string(change.work_id));
  if (!stored) throw NotFound("work " + std::to_string(change.work_id) + " not found");
  if (expected_version && stored->version != *expected_version) {
    throw version_conflict(change.work_id, *expected_version, stored->version);
  }
  change.from = stored->status;
  change.at = detail::now_if_zero(change.at);
  c_.exec("UPDATE works SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3",
          {std::string(geo::to_string(change.to)), geo::format_utc(change.at),
           std::to_string(change.work_id)});
  change.id = insert_status_change(c_, change);
  tx.commit();
  return change;
}

std::vector<geo::WorkStatusChange> PgWorkRepository::status_history(std::int64_t work_id) {
  const auto r = c_.exec(
      "SELECT id, work_id, from_status, to_status, at, user_name, comment, conditions"
      " FROM work_status_history WHERE work_id = $1 ORDER BY id",
      {std::to_string(work_id)});
  std::vector<geo::WorkStatusChange> changes;
  for (int i = 0; i < r.rows(); ++i) {
    geo::WorkStatusChange c{.id = r.int64(i, 0),
                            .work_id = r.int64(i, 1),
                            .from = std::nullopt,
                            .to = pg::enum_value(r, i, 3, "work_status_history.to_status",
                                                 geo::work_status_from_string),
                            .at = pg::timestamp_value(r, i, 4, "work_status_history.at"),
                            .user = r.text(i, 5),
                            .comment = r.text(i, 6),
                            .conditions = r.text(i, 7)};
    if (!r.is_null(i, 2)) {
      c.from =
          pg::enum_value(r, i, 2, "work_status_history.from_status", geo::work_status_from_string);
    }
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace rootzone::storage
