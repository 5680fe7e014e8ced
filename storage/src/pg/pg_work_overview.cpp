#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage::pg {

namespace {

// As work_overview_query.cpp on SpatiaLite, in PostgreSQL's words: $1 statuses (",a,b,"),
// $2 contractor, $3/$4 from/to, $5 limit, $6 offset, $7... the areas as WKB in the store's
// SRID (written into the SQL: the store's number, never a client's). Text compares and sorts in
// byte order (COLLATE "C"), as SQLite does.
std::string overview_sql(std::size_t areas, int srid) {
  const std::string kGrow = "GREATEST(COALESCE(w.width_m / 2.0, 0), COALESCE(w.radius_m, 0))";
  std::string where =
      " WHERE ($1::text = '' OR position(',' || w.status || ',' IN $1::text) > 0)"
      " AND ($2::text IS NULL OR w.contractor = $2::text)"
      " AND ($3::text IS NULL OR w.ends_at >= $3::text COLLATE \"C\")"
      " AND ($4::text IS NULL OR w.starts_at <= $4::text COLLATE \"C\")";
  for (std::size_t i = 0; i < areas; ++i) {
    const auto area =
        "ST_GeomFromWKB($" + std::to_string(7 + i) + "::bytea, " + std::to_string(srid) + ")";
    // The boxes first (the planner may use the GiST index), then the exact distance.
    where += " AND ST_Expand(w.geometry, " + kGrow + ") && " + area +
             " AND ST_Distance(w.geometry, " + area + ") <= " + kGrow;
  }
  return "WITH picked AS MATERIALIZED (SELECT w.id, w.starts_at FROM works w" + where +
         "), trees AS MATERIALIZED ("
         " SELECT c.work_id, count(*) FILTER (WHERE c.severity = 'critical') AS critical,"
         " count(*) FILTER (WHERE c.severity = 'high') AS high,"
         " count(*) FILTER (WHERE c.severity = 'medium') AS medium,"
         " count(*) FILTER (WHERE c.acknowledged_by IS NULL) AS open"
         " FROM tree_work_conflicts c GROUP BY c.work_id"
         "), clashes AS MATERIALIZED ("
         " SELECT work_id, count(*) AS n, count(*) FILTER (WHERE acknowledged_by IS NULL) AS open"
         " FROM (SELECT k.work_a AS work_id, k.acknowledged_by FROM work_work_conflicts k"
         " UNION ALL SELECT k.work_b, k.acknowledged_by FROM work_work_conflicts k) both_sides"
         " GROUP BY work_id"
         "), page AS ("
         " SELECT p.id, COALESCE(t.critical, 0) AS critical, COALESCE(t.high, 0) AS high,"
         " COALESCE(t.medium, 0) AS medium,"
         " COALESCE(t.open, 0) + COALESCE(k.open, 0) AS unacknowledged,"
         " COALESCE(k.n, 0) AS clashes, count(*) OVER () AS matched,"
         " row_number() OVER (ORDER BY CASE WHEN t.critical > 0 THEN 3 WHEN t.high > 0 THEN 2"
         " WHEN t.medium > 0 THEN 1 ELSE 0 END DESC, p.starts_at COLLATE \"C\", p.id) AS pos"
         " FROM picked p LEFT JOIN trees t ON t.work_id = p.id"
         " LEFT JOIN clashes k ON k.work_id = p.id"
         " ORDER BY pos LIMIT $5::bigint OFFSET $6::bigint"
         ")"
         " SELECT w.id, w.reference, w.title, w.contractor, w.kind, w.status, w.starts_at,"
         " w.ends_at, w.version, ST_XMin(w.geometry) - " +
         kGrow + ", ST_YMin(w.geometry) - " + kGrow + ", ST_XMax(w.geometry) + " + kGrow +
         ", ST_YMax(w.geometry) + " + kGrow +
         ", page.critical, page.high, page.medium, page.unacknowledged, page.clashes,"
         " page.matched FROM page JOIN works w ON w.id = page.id ORDER BY page.pos";
}

}  // namespace

WorkOverviewPage work_overview(Connection& c, int srid, const WorkOverviewFilter& f) {
  if (f.matches_nothing) return {};
  std::string statuses;
  for (const auto st : f.statuses) statuses += "," + std::string(geo::to_string(st));
  if (!statuses.empty()) statuses += ",";
  std::vector<Parameter> p{statuses,
                           f.contractor,
                           f.from ? std::optional(geo::format_utc(*f.from)) : std::nullopt,
                           f.to ? std::optional(geo::format_utc(*f.to)) : std::nullopt,
                           std::to_string(f.limit),
                           std::to_string(f.offset)};
  std::vector<std::vector<std::uint8_t>> wkbs;
  wkbs.reserve(f.areas.size());
  for (const auto& area : f.areas) wkbs.push_back(area.wkb());
  for (const auto& wkb : wkbs) p.push_back(Parameter::binary(wkb));
  const auto r = c.exec(overview_sql(f.areas.size(), srid), p);
  WorkOverviewPage page;
  for (int i = 0; i < r.rows(); ++i) {
    WorkOverviewRow row;
    row.id = r.int64(i, 0);
    row.reference = r.text(i, 1);
    row.title = r.text(i, 2);
    row.contractor = r.text(i, 3);
    row.kind = enum_value(r, i, 4, "works.kind", geo::work_kind_from_string);
    row.status = enum_value(r, i, 5, "works.status", geo::work_status_from_string);
    row.starts_at = timestamp_value(r, i, 6, "works.starts_at");
    row.ends_at = timestamp_value(r, i, 7, "works.ends_at");
    row.version = r.int64(i, 8);
    row.footprint = {r.real(i, 9), r.real(i, 10), r.real(i, 11), r.real(i, 12)};
    row.critical = static_cast<int>(r.int64(i, 13));
    row.high = static_cast<int>(r.int64(i, 14));
    row.medium = static_cast<int>(r.int64(i, 15));
    row.unacknowledged = static_cast<int>(r.int64(i, 16));
    row.clashes = static_cast<int>(r.int64(i, 17));
    page.matched = r.int64(i, 18);
    page.rows.push_back(std::move(row));
  }
  if (page.rows.empty() && f.offset > 0) {
    // Past the last page: the window count came with no row, so count on its own.
    WorkOverviewFilter all = f;
    all.offset = 0;
    all.limit = 1;
    page.matched = work_overview(c, srid, all).matched;
  }
  return page;
}

}  // namespace rootzone::storage::pg
