#include "rootzone/storage/work_overview_query.hpp"

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage {

namespace {

std::string overview_sql(std::size_t areas) {
  // How far a work reaches beyond its stored geometry: half a line's width, a point's radius
  // (core::work_footprint, in SQL).
  const std::string kGrow = "MAX(COALESCE(w.width_m / 2.0, 0), COALESCE(w.radius_m, 0))";
  std::string where =
      " WHERE (:statuses = '' OR instr(:statuses, ',' || w.status || ',') > 0)"
      " AND (:contractor IS NULL OR w.contractor = :contractor)"
      " AND (:from IS NULL OR w.ends_at >= :from)"
      " AND (:to IS NULL OR w.starts_at <= :to)";
  for (std::size_t i = 0; i < areas; ++i) {
    const auto n = std::to_string(i);
    // The bounding boxes first (cheap), then GEOS's distance from the stored geometry: within
    // the work's width or radius it meets the area.
    where += " AND MbrMinX(w.geometry) - " + kGrow + " <= MbrMaxX(:area" + n + ")" +
             " AND MbrMaxX(w.geometry) + " + kGrow + " >= MbrMinX(:area" + n + ")" +
             " AND MbrMinY(w.geometry) - " + kGrow + " <= MbrMaxY(:area" + n + ")" +
             " AND MbrMaxY(w.geometry) + " + kGrow + " >= MbrMinY(:area" + n + ")" +
             " AND ST_Distance(w.geometry, :area" + n + ") <= " + kGrow;
  }
  // Only ids and start dates are sorted: the counts come from one pass over each conflict
  // table (cheaper than an index lookup per work once the works run into thousands), and the
  // columns and boxes are read for the page's rows alone.
  return "WITH picked AS MATERIALIZED (SELECT w.id, w.starts_at FROM works w" + where +
         "), trees AS MATERIALIZED ("
         " SELECT c.work_id, SUM(c.severity = 'critical') AS critical,"
         " SUM(c.severity = 'high') AS high, SUM(c.severity = 'medium') AS medium,"
         " SUM(c.acknowledged_by IS NULL) AS open"
         " FROM tree_work_conflicts c GROUP BY c.work_id"
         "), clashes AS MATERIALIZED ("
         " SELECT work_id, COUNT(*) AS n, SUM(acknowledged_by IS NULL) AS open FROM ("
         " SELECT k.work_a AS work_id, k.acknowledged_by FROM work_work_conflicts k"
         " UNION ALL SELECT k.work_b, k.acknowledged_by FROM work_work_conflicts k)"
         " GROUP BY work_id"
         "), page AS ("
         " SELECT p.id, COALESCE(t.critical, 0) AS critical, COALESCE(t.high, 0) AS high,"
         " COALESCE(t.medium, 0) AS medium,"
         " COALESCE(t.open, 0) + COALESCE(k.open, 0) AS unacknowledged,"
         " COALESCE(k.n, 0) AS clashes, COUNT(*) OVER () AS matched,"
         " ROW_NUMBER() OVER (ORDER BY CASE WHEN t.critical > 0 THEN 3 WHEN t.high > 0 THEN 2"
         " WHEN t.medium > 0 THEN 1 ELSE 0 END DESC, p.starts_at, p.id) AS pos"
         " FROM picked p LEFT JOIN trees t ON t.work_id = p.id"
         " LEFT JOIN clashes k ON k.work_id = p.id"
         " ORDER BY pos LIMIT :limit OFFSET :offset"
         ")"
         " SELECT w.id, w.reference, w.title, w.contractor, w.kind, w.status, w.starts_at,"
         " w.ends_at, w.version, MbrMinX(w.geometry) - " +
         kGrow + ", MbrMinY(w.geometry) - " + kGrow + ", MbrMaxX(w.geometry) + " + kGrow +
         ", MbrMaxY(w.geometry) + " + kGrow +
         ", page.critical, page.high, page.medium, page.unacknowledged, page.clashes,"
         " page.matched FROM page JOIN works w ON w.id = page.id ORDER BY page.pos";
}

}  // namespace

WorkOverviewPage work_overview(Database& db, int srid, const WorkOverviewFilter& f) {
  if (f.matches_nothing) return {};
  auto s = db.prepare(overview_sql(f.areas.size()));
  std::string statuses;
  for (const auto st : f.statuses) statuses += "," + std::string(geo::to_string(st));
  if (!statuses.empty()) statuses += ",";
  s.bind(":statuses", statuses);
  s.bind(":contractor", f.contractor);
  s.bind(":from", f.from ? std::optional(geo::format_utc(*f.from)) : std::nullopt);
  s.bind(":to", f.to ? std::optional(geo::format_utc(*f.to)) : std::nullopt);
  // GeomFromWKB in SQL would cost a parse per row; SpatiaLite's own blob is parsed once here.
  std::vector<std::vector<std::uint8_t>> blobs;
  for (const auto& area : f.areas) {
    auto g = db.prepare("SELECT GeomFromWKB(?1, ?2)");
    g.bind(1, area.wkb()).bind(2, srid);
    if (!g.step() || g.is_null(0)) throw StorageError("overview: SpatiaLite cannot read an area");
    blobs.push_back(g.blob(0));
  }
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    s.bind(":area" + std::to_string(i), blobs[i]);
  }
  s.bind(":limit", f.limit);
  s.bind(":offset", f.offset);
  WorkOverviewPage page;
  while (s.step()) {
    WorkOverviewRow r;
    r.id = s.int64(0);
    r.reference = s.text(1);
    r.title = s.text(2);
    r.contractor = s.text(3);
    const auto kind = geo::work_kind_from_string(s.text_view(4));
    if (!kind) detail::throw_bad_value("works.kind", s.text_view(4));
    r.kind = *kind;
    const auto status = geo::work_status_from_string(s.text_view(5));
    if (!status) detail::throw_bad_value("works.status", s.text_view(5));
    r.status = *status;
    r.starts_at = detail::timestamp_column(s, 6, "works.starts_at");
    r.ends_at = detail::timestamp_column(s, 7, "works.ends_at");
    r.version = s.int64(8);
    r.footprint = {s.real(9), s.real(10), s.real(11), s.real(12)};
    r.critical = s.int32(13);
    r.high = s.int32(14);
    r.medium = s.int32(15);
    r.unacknowledged = s.int32(16);
    r.clashes = s.int32(17);
    page.matched = s.int64(18);
    page.rows.push_back(std::move(r));
  }
  if (page.rows.empty() && f.offset > 0) {
    // Past the last page: the window count came with no row, so count on its own.
    WorkOverviewFilter all = f;
    all.offset = 0;
    all.limit = 1;
    page.matched = work_overview(db, srid, all).matched;
  }
  return page;
}

}  // namespace rootzone::storage
