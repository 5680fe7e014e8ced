#include "rootzone/storage/feature_query.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include "feature_sql.hpp"
#include "filter_sql.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store_backend.hpp"
#include "sqlite_queries.hpp"
#include "stored_values.hpp"
#include "tree_rows.hpp"

namespace rootzone::storage {

namespace {

template <class T>
const T& by_collection(Collection c, const T& trees, const T& works, const T& conflicts) {
  switch (c) {
    case Collection::trees:
      return trees;
    case Collection::works:
      return works;
    case Collection::tree_work_conflicts:
      return conflicts;
  }
  return trees;
}

struct Column {
  Queryable queryable;
  const char* sql;  // the column expression; never built from client text
  // Geometries: the R*Tree and the expression holding the row id it indexes.
  const char* rtree = nullptr;
  const char* rtree_key = nullptr;
};

const std::vector<Column>& columns(Collection c) {
  using T = QueryableType;
  static const std::vector<Column> trees{
      {{"source_id", T::string, "the city's tree number"}, "source_id"},
      {{"species_botanical", T::string, "botanical name"}, "species_botanical"},
      {{"species_german", T::string, "German name"}, "species_german"},
      {{"genus", T::string, "genus"}, "genus"},
      {{"site", T::string, "site or street"}, "site"},
      {{"district", T::string, "district"}, "district"},
      {{"status", T::string, "existing, planned or felled"}, "status"},
      {{"protected", T::boolean, "protected by the ordinance or by hand"}, "is_protected"},
      {{"crown_diameter_m", T::number, "crown diameter in metres"}, "crown_diameter_m"},
      {{"height_m", T::number, "height in metres"}, "height_m"},
      {{"planting_year", T::integer, "year of planting"}, "planting_year"},
      {{"vitality", T::integer, "Roloff stage 0-3"}, "vitality"},
      {{"development_phase", T::string, "development phase"}, "development_phase"},
      {{"last_inspection", T::string, "date of the last inspection", "date"}, "last_inspection"},
      {{"next_inspection", T::string, "date the next inspection is due", "date"},
       "next_inspection"},
      {{"felled_on", T::string, "date of felling", "date"}, "felled_on"},
      {{"geometry", T::string, "the tree's location", "geometry-point"},
       "t.location",
       "idx_trees_location",
       "t.id"},
  };
  static const std::vector<Column> works{
      {{"reference", T::string, "reference number"}, "reference"},
      {{"title", T::string, "title"}, "title"},
      {{"kind", T::string,
        "trench, pit, drilling, surface, site_facility, storage, scaffolding, "
        "crane or traffic_management"},
       "kind"},
      {{"status", T::string, "lifecycle status"}, "status"},
      {{"contractor", T::string, "contractor organisation"}, "contractor"},
      {{"starts_at", T::string, "start of the time window (UTC)", "date-time"}, "t.starts_at"},
      {{"ends_at", T::string, "end of the time window (UTC)", "date-time"}, "t.ends_at"},
      {{"width_m", T::number, "width of a line work in metres"}, "width_m"},
      {{"radius_m", T::number, "radius of a point work in metres"}, "radius_m"},
      {{"depth_m", T::number, "excavation depth in metres"}, "depth_m"},
      {{"geometry", T::string, "the site: polygon, line or point", "geometry-any"},
       "t.geometry",
       "idx_works_geometry",
       "t.id"},
  };
  static const std::vector<Column> conflicts{
      {{"severity", T::string, "critical, high or medium"}, "c.severity"},
      {{"tree_id", T::integer, "store id of the tree"}, "c.tree_id"},
      {{"work_id", T::integer, "store id of the work"}, "c.work_id"},
      {{"rule", T::string, "the rule that fired"}, "c.rule"},
      {{"min_distance_m", T::number, "minimum distance from the stem to the work in metres"},
       "c.min_distance_m"},
      {{"overlap_share", T::number, "share of the root-zone disc the work covers (0-1)"},
       "c.overlap_share"},
      {{"acknowledged", T::boolean, "acknowledged by a planner"},
       "(c.acknowledged_by IS NOT NULL)"},
      {{"computed_at", T::string, "when the conflict was computed (UTC)", "date-time"},
       "c.computed_at"},
      // A conflict lies at its tree.
      {{"geometry", T::string, "the tree's location", "geometry-point"},
       "(SELECT tl.location FROM trees tl WHERE tl.id = c.tree_id)",
       "idx_trees_location",
       "c.tree_id"},
  };
  return by_collection(c, trees, works, conflicts);
}

const Column* find_column(Collection c, const std::string& name) {
  for (const auto& candidate : columns(c)) {
    if (candidate.queryable.name == name) return &candidate;
  }
  return nullptr;
}

detail::ValueType value_type(const Queryable& q) {
  using V = detail::ValueType;
  if (q.geometry()) return V::geometry;
  if (q.format == "date") return V::date;
  if (q.format == "date-time") return V::timestamp;
  switch (q.type) {
    case QueryableType::number:
    case QueryableType::integer:
      return V::number;
    case QueryableType::boolean:
      return V::boolean;
    case QueryableType::string:
      break;
  }
  return V::string;
}

detail::ColumnLookup filter_columns(Collection c) {
  return [c](const std::string& name) -> std::optional<detail::FilterColumn> {
    const auto* col = find_column(c, name);
    if (col == nullptr) return std::nullopt;
    return detail::FilterColumn{value_type(col->queryable), col->sql, col->rtree, col->rtree_key};
  };
}

// PostgreSQL's bbox and time tests, every value through `params` (numbered from $1): the GiST
// index through &&, then the exact test as on SQLite.
std::string postgres_bounds(Collection c, const FeatureQuery& q, int srid,
                            detail::SqlParams& params) {
  std::string sql;
  if (q.bbox) {
    const auto minx = params.add(q.bbox->minx);
    const auto miny = params.add(q.bbox->miny);
    const auto maxx = params.add(q.bbox->maxx);
    const auto maxy = params.add(q.bbox->maxy);
    const std::string box = "ST_MakeEnvelope(" + minx + ", " + miny + ", " + maxx + ", " + maxy +
                            ", " + std::to_string(srid) + ")";
    const std::string point_inside = " BETWEEN " + minx + " AND " + maxx + " AND ";
    switch (c) {
      case Collection::trees:
        sql += " AND t.location && " + box + " AND ST_X(t.location)" + point_inside +
               "ST_Y(t.location) BETWEEN " + miny + " AND " + maxy;
        break;
      case Collection::works:
        sql += " AND ST_Intersects(t.geometry, " + box + ")";
        break;
      case Collection::tree_work_conflicts:
        sql += " AND c.tree_id IN (SELECT tb.id FROM trees tb WHERE tb.location && " + box +
               " AND ST_X(tb.location)" + point_inside + "ST_Y(tb.location) BETWEEN " + miny +
               " AND " + maxy + ")";
        break;
    }
  }
  if (c == Collection::works) {
    if (q.from) sql += " AND t.ends_at >= " + params.add(geo::format_utc(*q.from));
    if (q.to) sql += " AND t.starts_at <= " + params.add(geo::format_utc(*q.to));
  }
  return sql;
}

}  // namespace

// Builds "WHERE ..." with ?-parameters: bbox (4), time (0-2), then `params` from ?7 on: the
// equality filters, the CQL2 filter, the contractor's view. For PostgreSQL (params.postgres)
// every value is in `params`, from $1.
std::string detail::where_clause(Collection c, const FeatureQuery& q, int srid,
                                 detail::SqlParams& params) {
  std::string sql = params.postgres ? " WHERE true" + postgres_bounds(c, q, srid, params)
                                    : std::string(" WHERE 1");
  if (q.bbox && !params.postgres) {
    switch (c) {
      case Collection::trees:
        // The R*Tree finds candidates by float bounds; the exact test follows. A point's MBR
        // is the point, and MbrMinX/MbrMinY read it from the blob's header where ST_X/ST_Y
        // parse the whole geometry.
        sql +=
            " AND t.id IN (SELECT pkid FROM idx_trees_location WHERE xmin <= ?3 AND xmax >= ?1"
            " AND ymin <= ?4 AND ymax >= ?2)"
            " AND MbrMinX(t.location) BETWEEN ?1 AND ?3 AND MbrMinY(t.location) BETWEEN ?2 AND ?4";
        break;
      case Collection::works:
        sql +=
            " AND t.id IN (SELECT pkid FROM idx_works_geometry WHERE xmin <= ?3 AND xmax >= ?1"
            " AND ymin <= ?4 AND ymax >= ?2)"
            " AND ST_Intersects(t.geometry, BuildMbr(?1, ?2, ?3, ?4))";
        break;
      case Collection::tree_work_conflicts:
        // The exact test too, as for trees: the index's float bounds reach up to 0.5 m past a
        // point.
        sql +=
            " AND c.tree_id IN (SELECT tb.id FROM trees tb WHERE tb.id IN (SELECT pkid FROM"
            " idx_trees_location WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2)"
            " AND MbrMinX(tb.location) BETWEEN ?1 AND ?3 AND MbrMinY(tb.location) BETWEEN ?2 AND"
            " ?4)";
        break;
    }
  }
  if (c == Collection::works && !params.postgres) {
    if (q.from) sql += " AND t.ends_at >= ?5";
    if (q.to) sql += " AND t.starts_at <= ?6";
  }
  for (const auto& [name, value] : q.equals) {
    const Column* col = find_column(c, name);
    if (col == nullptr || col->queryable.geometry()) {
      throw std::invalid_argument("'" + name + "' is not a queryable field");
    }
    const std::string param = params.add(value);
    switch (col->queryable.type) {
      case QueryableType::string:
        sql += std::string(" AND ") + col->sql + " = " + param;
        break;
      case QueryableType::number:
        sql += std::string(" AND ") + col->sql + " = CAST(" + param +
               (params.postgres ? " AS float8)" : " AS REAL)");
        break;
      case QueryableType::integer:
        sql += std::string(" AND ") + col->sql + " = CAST(" + param +
               (params.postgres ? " AS bigint)" : " AS INTEGER)");
        break;
      case QueryableType::boolean:
        sql += std::string(" AND ") + col->sql + " = (" + param + " = 'true')";
        break;
    }
  }
  if (q.filter) sql += " AND " + detail::filter_sql(*q.filter, filter_columns(c), srid, params);
  if (c == Collection::tree_work_conflicts && q.work_contractor) {
    // ANDed with any filter: a filter narrows the contractor's view, never widens it.
    sql += " AND c.work_id IN (SELECT id FROM works WHERE contractor = " +
           params.add(*q.work_contractor) + ")";
  }
  return sql;
}

namespace {

void bind_common(Statement& s, const FeatureQuery& q, const detail::SqlParams& params,
                 std::size_t count) {
  if (q.bbox) {
    s.bind(1, q.bbox->minx).bind(2, q.bbox->miny).bind(3, q.bbox->maxx).bind(4, q.bbox->maxy);
  }
  if (q.from) s.bind(5, geo::format_utc(*q.from));
  if (q.to) s.bind(6, geo::format_utc(*q.to));
  for (std::size_t i = 0; i < count; ++i) {
    detail::bind_value(s, params.first + static_cast<int>(i), params.values[i]);
  }
}

detail::Bound bound(const SortValue& v) {
  return std::visit([](const auto& x) -> detail::Bound { return x; }, v);
}

// A cursor's key value as a parameter. Booleans travel as 0/1 (the cursor's form, and SQLite's);
// PostgreSQL compares them as booleans.
std::string keyset_value(Collection c, const std::string& name, const SortValue& v,
                         detail::SqlParams& params) {
  const auto p = params.add(bound(v));
  if (params.postgres && find_column(c, name)->queryable.type == QueryableType::boolean) {
    return "(" + p + " <> 0)";
  }
  return p;
}

}  // namespace

// Keyset paging in sort order: the rows after (after_sort..., after_id), where NULL sorts
// before every value (SQLite's order: first ascending, last descending; PostgreSQL is told so).
std::string detail::sorted_keyset(Collection c, const FeatureQuery& q, const char* id_column,
                                  detail::SqlParams& params) {
  if (q.after_sort.size() != q.sort.size()) {
    throw filter::FilterError("the cursor does not belong to this sortby");
  }
  std::string any;
  std::string equal_so_far;
  for (std::size_t i = 0; i <= q.sort.size(); ++i) {
    std::string after;
    if (i == q.sort.size()) {
      after = std::string(id_column) + " > " + params.add(q.after_id);
    } else {
      const std::string key = find_column(c, q.sort[i].name)->sql;
      const bool null = std::holds_alternative<std::monostate>(q.after_sort[i]);
      const auto value = [&] { return keyset_value(c, q.sort[i].name, q.after_sort[i], params); };
      if (!q.sort[i].descending) {
        after = null ? key + " IS NOT NULL" : key + " > " + value();
      } else {
        after = null ? (params.postgres ? "false" : "0")
                     : "(" + key + " < " + value() + " OR " + key + " IS NULL)";
      }
    }
    any += (any.empty() ? "(" : " OR (") + equal_so_far + after + ")";
    if (i < q.sort.size()) {
      const std::string key = find_column(c, q.sort[i].name)->sql;
      equal_so_far +=
          std::holds_alternative<std::monostate>(q.after_sort[i])
              ? key + " IS NULL AND "
              : key + " = " + keyset_value(c, q.sort[i].name, q.after_sort[i], params) + " AND ";
    }
  }
  return " AND (" + any + ")";
}

std::string detail::order_by(Collection c, const FeatureQuery& q, const char* id_column,
                             bool postgres) {
  std::string sql = " ORDER BY ";
  for (const auto& key : q.sort) {
    const auto* col = find_column(c, key.name);
    sql += col->sql;
    if (postgres) {
      // SQLite's order: text by bytes, NULL first ascending and last descending.
      if (col->queryable.type == QueryableType::string) sql += " COLLATE \"C\"";
      sql += key.descending ? " DESC NULLS LAST, " : " NULLS FIRST, ";
    } else {
      sql += key.descending ? " DESC, " : ", ";
    }
  }
  return sql + id_column;
}

const char* detail::sort_column(Collection c, const std::string& name, QueryableType& type) {
  const auto* col = find_column(c, name);
  type = col->queryable.type;
  return col->sql;
}

namespace {

// The sort key values of the page's last feature: the next page's cursor.
std::vector<SortValue> sort_values(Database& db, Collection c, const char* from,
                                   const char* id_column, const FeatureQuery& q, std::int64_t id) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < q.sort.size(); ++i) {
    sql += (i > 0 ? ", " : "") + std::string(find_column(c, q.sort[i].name)->sql);
  }
  auto s = db.prepare(sql + " FROM " + from + " WHERE " + id_column + " = ?1");
  s.bind(1, id);
  std::vector<SortValue> out;
  if (!s.step()) return out;
  for (std::size_t i = 0; i < q.sort.size(); ++i) {
    const int col = static_cast<int>(i);
    if (s.is_null(col)) {
      out.emplace_back(std::monostate{});
      continue;
    }
    switch (find_column(c, q.sort[i].name)->queryable.type) {
      case QueryableType::number:
        out.emplace_back(s.real(col));
        break;
      case QueryableType::integer:
      case QueryableType::boolean:
        out.emplace_back(s.int64(col));
        break;
      case QueryableType::string:
        out.emplace_back(s.text(col));
        break;
    }
  }
  return out;
}

// Trees in a bbox and nothing else: what map clients ask most. One pass over the R*Tree
// gives both the number matched and the page's ids, without reading rows: the index's float
// bounds of a point enclose it (SQLite rounds min down and max up), so an entry inside the
// box is a tree inside the box. Only entries across its edge (float32 steps are 0.5 m at UTM
// northings) need the stored point. Then the page's rows (stems included): at most three
// statements.
Page<geo::Tree> trees_in_bbox(Database& db, const geo::Bounds& b, std::int64_t after_id,
                              int limit) {
  ReadSnapshot snapshot(db);
  auto candidates = db.prepare(
      "SELECT pkid, xmin >= ?1 AND xmax <= ?3 AND ymin >= ?2 AND ymax <= ?4"
      " FROM idx_trees_location WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2");
  candidates.bind(1, b.minx).bind(2, b.miny).bind(3, b.maxx).bind(4, b.maxy);
  std::vector<std::int64_t> inside;
  std::vector<std::int64_t> across_edge;
  while (candidates.step()) {
    (candidates.int64(1) != 0 ? inside : across_edge).push_back(candidates.int64(0));
  }
  if (!across_edge.empty()) {
    auto exact = db.prepare(
        "SELECT id FROM trees WHERE id IN (SELECT value FROM json_each(?1))"
        " AND MbrMinX(location) BETWEEN ?2 AND ?4 AND MbrMinY(location) BETWEEN ?3 AND ?5");
    exact.bind(1, detail::json_ids(across_edge))
        .bind(2, b.minx)
        .bind(3, b.miny)
        .bind(4, b.maxx)
        .bind(5, b.maxy);
    while (exact.step()) inside.push_back(exact.int64(0));
  }
  Page<geo::Tree> result;
  result.matched = static_cast<std::int64_t>(inside.size());
  std::sort(inside.begin(), inside.end());
  const auto first = std::upper_bound(inside.begin(), inside.end(), after_id);
  const auto available = static_cast<std::size_t>(inside.end() - first);
  result.more = available > static_cast<std::size_t>(limit);
  const auto ids = std::span<const std::int64_t>(inside).subspan(
      static_cast<std::size_t>(first - inside.begin()),
      std::min(available, static_cast<std::size_t>(limit)));
  if (ids.empty()) return result;
  auto rows = db.prepare(std::string(detail::select_tree) +
                         "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id");
  rows.bind(1, detail::json_ids(ids));
  result.items = detail::read_trees(rows);
  return result;
}

// One page (limit + 1 read to know whether more follow) and the matched count. The page's
// statement is `read_page`'s SELECT ... FROM <from> followed by `tail` (WHERE ... ORDER BY
// ... LIMIT), with its parameters bound by `bind`.
template <class T, class ReadPage>
Page<T> page(StoreBackend& store, Collection c, const char* from, const char* id_column,
             const FeatureQuery& q, ReadPage read_page) {
  // Callers other than the API get the same refusal for a key that is no column.
  check_sort(c, q.sort);
  detail::SqlParams params{7, {}};
  const std::string where = detail::where_clause(c, q, store.srid(), params);
  const std::size_t where_params = params.values.size();
  // The count and the page from one snapshot: numberMatched agrees with the page even while
  // someone writes, and the read lock is taken once.
  auto& db = *store.sqlite();
  ReadSnapshot snapshot(db);
  Page<T> result;
  {
    auto count = db.prepare(std::string("SELECT count(*) FROM ") + from + where);
    bind_common(count, q, params, where_params);
    count.step();
    result.matched = count.int64(0);
  }
  std::string tail = where;
  if (q.sort.empty()) {
    tail += " AND " + std::string(id_column) + " > " + params.add(q.after_id);
  } else if (!q.after_sort.empty()) {
    tail += detail::sorted_keyset(c, q, id_column, params);
  }
  tail +=
      detail::order_by(c, q, id_column, false) + " LIMIT " + params.add(std::int64_t{q.limit} + 1);
  const auto bind = [&](Statement& s) { bind_common(s, q, params, params.values.size()); };
  result.items = read_page(tail, bind);
  result.more = result.items.size() > static_cast<std::size_t>(q.limit);
  if (result.more) result.items.pop_back();
  if (!q.sort.empty() && !result.items.empty()) {
    result.last_sort = sort_values(db, c, from, id_column, q, result.items.back().id);
  }
  return result;
}

// A page read as ids, each feature then got by id (works, conflicts: pages of them are rare
// and short).
template <class T, class Get>
auto by_ids(Database& db, const char* select_id_from, Get get) {
  return [&db, select_id_from, get](const std::string& tail, const auto& bind) {
    auto ids = db.prepare(select_id_from + tail);
    bind(ids);
    std::vector<T> out;
    while (ids.step()) out.push_back(get(ids.int64(0)));
    return out;
  };
}

std::optional<geo::Bounds> envelope(Database& db, const char* sql) {
  auto s = db.prepare(sql);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return geo::Bounds{s.real(0), s.real(1), s.real(2), s.real(3)};
}

}  // namespace

const std::vector<Queryable>& queryables(Collection c) {
  static const auto make = [](Collection k) {
    std::vector<Queryable> out;
    for (const auto& col : columns(k)) out.push_back(col.queryable);
    return out;
  };
  static const std::vector<Queryable> trees = make(Collection::trees);
  static const std::vector<Queryable> works = make(Collection::works);
  static const std::vector<Queryable> conflicts = make(Collection::tree_work_conflicts);
  return by_collection(c, trees, works, conflicts);
}

void check_filter(Collection c, const filter::Node& filter, int srid) {
  detail::SqlParams params{7, {}};
  detail::filter_sql(filter, filter_columns(c), srid, params);
}

void check_sort(Collection c, const std::vector<SortKey>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto* col = find_column(c, keys[i].name);
    if (col == nullptr) {
      throw filter::FilterError("'" + keys[i].name + "' is not a queryable of this collection");
    }
    if (col->queryable.geometry()) throw filter::FilterError("geometries do not sort");
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[j].name == keys[i].name) {
        throw filter::FilterError("'" + keys[i].name + "' is given twice");
      }
    }
  }
}

Page<geo::Tree> sqlite::query_trees(StoreBackend& store, const FeatureQuery& q) {
  auto& db = *store.sqlite();
  if (q.bbox && q.equals.empty() && !q.filter && q.sort.empty())
    return trees_in_bbox(db, *q.bbox, q.after_id, q.limit);
  // The page's rows in full (stems included) from the statement that selects them: not one
  // statement per tree.
  return page<geo::Tree>(store, Collection::trees, "trees t", "t.id", q,
                         [&db](const std::string& tail, const auto& bind) {
                           auto rows = db.prepare(std::string(detail::select_tree) + "t" + tail);
                           bind(rows);
                           return detail::read_trees(rows);
                         });
}

Page<geo::Work> sqlite::query_works(StoreBackend& store, const FeatureQuery& q) {
  return page<geo::Work>(store, Collection::works, "works t", "t.id", q,
                         by_ids<geo::Work>(*store.sqlite(), "SELECT t.id FROM works t",
                                           [&](std::int64_t id) { return store.works().get(id); }));
}

Page<geo::TreeWorkConflict> sqlite::query_tree_work_conflicts(StoreBackend& store,
                                                              const FeatureQuery& q) {
  return page<geo::TreeWorkConflict>(
      store, Collection::tree_work_conflicts, "tree_work_conflicts c", "c.id", q,
      by_ids<geo::TreeWorkConflict>(
          *store.sqlite(), "SELECT c.id FROM tree_work_conflicts c",
          [&](std::int64_t id) { return store.conflicts().tree_work_conflict(id); }));
}

std::optional<geo::Bounds> extent(Database& db, Collection c) {
  // The R*Tree holds every feature's bounds: its extremes are the extent, without a scan.
  switch (c) {
    case Collection::trees:
    case Collection::tree_work_conflicts:
      return envelope(db,
                      "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM idx_trees_location");
    case Collection::works:
      return envelope(db,
                      "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM idx_works_geometry");
  }
  return std::nullopt;
}

std::optional<geo::Bounds> data_extent(Database& db) {
  const auto trees = extent(db, Collection::trees);
  const auto works = extent(db, Collection::works);
  if (!trees || !works) return trees ? trees : works;
  auto both = *trees;
  both.expand(*works);
  return both;
}

std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Database& db) {
  auto s = db.prepare("SELECT min(starts_at), max(ends_at) FROM works");
  if (!s.step() || s.is_null(0)) return std::nullopt;
  const auto a = geo::parse_utc(s.text(0));
  const auto b = geo::parse_utc(s.text(1));
  if (!a || !b) return std::nullopt;
  return std::pair(*a, *b);
}

}  // namespace rootzone::storage
