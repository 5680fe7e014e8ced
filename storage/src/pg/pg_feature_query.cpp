#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include "feature_sql.hpp"
#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"
#include "pg/pg_tree_rows.hpp"
#include "pg/pg_values.hpp"
#include "rootzone/storage/errors.hpp"
#include "stored_values.hpp"

namespace rootzone::storage::pg {

namespace {

// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
// PostgreSQL refuses such bytes in a text parameter (22021) where SQLite compares them and
// finds nothing: a filter value of them (species_botanical=%FF%FE) then matches nothing here
// too, since no stored text holds U+FFFD where the value had those bytes.
std::string well_formed_utf8(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80                   ? 1
                          : (b >= 0xC2 && b <= 0xDF) ? 2
                          : (b >= 0xE0 && b <= 0xEF) ? 3
                          : (b >= 0xF0 && b <= 0xF4) ? 4
                                                     : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && n >= 3) {  // no overlong forms, no surrogates, nothing above U+10FFFF
      const auto c = static_cast<unsigned char>(s[i + 1]);
      ok = !(b == 0xE0 && c < 0xA0) && !(b == 0xED && c >= 0xA0) && !(b == 0xF0 && c < 0x90) &&
           !(b == 0xF4 && c >= 0x90);
    }
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::vector<Parameter> parameters(const detail::SqlParams& params, std::size_t count) {
  std::vector<Parameter> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(std::visit(
        [](const auto& v) -> Parameter {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return std::nullopt;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return std::to_string(v);
          } else if constexpr (std::is_same_v<T, double>) {
            return number_text(v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            return well_formed_utf8(v);
          } else {
            return Parameter::binary(v);
          }
        },
        params.values[i]));
  }
  return out;
}

// The sort key values of the page's last feature, as SQLite reads them (booleans as 0/1).
std::vector<SortValue> sort_values(Connection& c, Collection collection, const char* from,
                                   const char* id_column, const FeatureQuery& q, std::int64_t id) {
  std::string sql = "SELECT ";
  std::vector<QueryableType> types(q.sort.size());
  for (std::size_t i = 0; i < q.sort.size(); ++i) {
    sql += (i > 0 ? ", " : "") +
           std::string(detail::sort_column(collection, q.sort[i].name, types[i]));
  }
  const auto r =
      c.exec(sql + " FROM " + from + " WHERE " + id_column + " = $1::bigint", {std::to_string(id)});
  std::vector<SortValue> out;
  if (r.rows() == 0) return out;
  for (std::size_t i = 0; i < q.sort.size(); ++i) {
    const int col = static_cast<int>(i);
    if (r.is_null(0, col)) {
      out.emplace_back(std::monostate{});
      continue;
    }
    switch (types[i]) {
      case QueryableType::number:
        out.emplace_back(r.real(0, col));
        break;
      case QueryableType::integer:
        out.emplace_back(r.int64(0, col));
        break;
      case QueryableType::boolean:
        out.emplace_back(std::int64_t{boolean(r, 0, col) ? 1 : 0});
        break;
      case QueryableType::string:
        out.emplace_back(r.text(0, col));
        break;
    }
  }
  return out;
}

// One page (limit + 1 ids read to know whether more follow) and the matched count, from one
// snapshot; the features then read by `get` (ids in page order -> features in that order), as a
// single read of each feature gives them.
template <class T, class Get>
Page<T> page(Connection& c, int srid, Collection collection, const char* from,
             const char* id_column, const FeatureQuery& q, Get get) {
  check_sort(collection, q.sort);
  detail::SqlParams params{1, {}, true};
  const std::string where = detail::where_clause(collection, q, srid, params);
  const std::size_t where_params = params.values.size();
  Snapshot snapshot(c);
  Page<T> result;
  result.matched =
      c.exec(std::string("SELECT count(*) FROM ") + from + where, parameters(params, where_params))
          .int64(0, 0);
  std::string tail = where;
  if (q.sort.empty()) {
    tail += " AND " + std::string(id_column) + " > " + params.add(q.after_id);
  } else if (!q.after_sort.empty()) {
    tail += detail::sorted_keyset(collection, q, id_column, params);
  }
  tail += detail::order_by(collection, q, id_column, true) + " LIMIT " +
          params.add(std::int64_t{q.limit} + 1);
  const auto ids = c.exec(std::string("SELECT ") + id_column + " FROM " + from + tail,
                          parameters(params, params.values.size()));
  std::vector<std::int64_t> page_ids;
  page_ids.reserve(static_cast<std::size_t>(ids.rows()));
  for (int i = 0; i < ids.rows(); ++i) page_ids.push_back(ids.int64(i, 0));
  result.items = get(page_ids);
  result.more = result.items.size() > static_cast<std::size_t>(q.limit);
  if (result.more) result.items.pop_back();
  if (!q.sort.empty() && !result.items.empty()) {
    result.last_sort = sort_values(c, collection, from, id_column, q, result.items.back().id);
  }
  return result;
}

}  // namespace

namespace {

// Each by its repository: a round trip per feature, for pages of works and conflicts (short).
template <class GetOne>
auto one_by_one(GetOne get_one) {
  return [get_one](const std::vector<std::int64_t>& ids) {
    std::vector<decltype(get_one(std::int64_t{}))> out;
    out.reserve(ids.size());
    for (const auto id : ids) out.push_back(get_one(id));
    return out;
  };
}

}  // namespace

// A page of trees in one statement with the columns PgTreeRepository::get reads: a round trip
// per tree made an items page of a hundred trees a hundred round trips (SQLite answers those
// in process).
Page<geo::Tree> query_trees(Connection& c, int srid, TreeRepository&, const FeatureQuery& q) {
  return page<geo::Tree>(
      c, srid, Collection::trees, "trees t", "t.id", q, [&](const std::vector<std::int64_t>& ids) {
        std::string list = "{";
        for (std::size_t i = 0; i < ids.size(); ++i) {
          list += (i > 0 ? "," : "") + std::to_string(ids[i]);
        }
        const auto r =
            c.exec(std::string(select_tree) + "WHERE id = ANY($1::bigint[])", {list + "}"});
        std::unordered_map<std::int64_t, int> row_of;
        for (int i = 0; i < r.rows(); ++i) row_of.emplace(r.int64(i, 0), i);
        std::vector<geo::Tree> out;
        out.reserve(ids.size());
        for (const auto id : ids) {
          const auto at = row_of.find(id);
          // Read in the page's snapshot: a row its id query saw is there.
          if (at == row_of.end()) throw NotFound("tree " + std::to_string(id) + " not found");
          out.push_back(read_tree(r, at->second));
        }
        return out;
      });
}

Page<geo::Work> query_works(Connection& c, int srid, WorkRepository& works, const FeatureQuery& q) {
  return page<geo::Work>(c, srid, Collection::works, "works t", "t.id", q,
                         one_by_one([&](std::int64_t id) { return works.get(id); }));
}

Page<geo::TreeWorkConflict> query_tree_work_conflicts(Connection& c, int srid,
                                                      ConflictRepository& conflicts,
                                                      const FeatureQuery& q) {
  return page<geo::TreeWorkConflict>(
      c, srid, Collection::tree_work_conflicts, "tree_work_conflicts c", "c.id", q,
      one_by_one([&](std::int64_t id) { return conflicts.tree_work_conflict(id); }));
}

std::optional<geo::Bounds> extent(Connection& c, Collection collection) {
  const char* sql = collection == Collection::works
                        ? "SELECT min(ST_XMin(geometry)), min(ST_YMin(geometry)),"
                          " max(ST_XMax(geometry)), max(ST_YMax(geometry)) FROM works"
                        : "SELECT min(ST_X(location)), min(ST_Y(location)),"
                          " max(ST_X(location)), max(ST_Y(location)) FROM trees";
  const auto r = c.exec(sql);
  if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
  // Rounded outward to floats as SpatiaLite's R*Tree holds them, where the SpatiaLite store
  // reads its extent: the collections' metadata is then the same from either store.
  const auto down = [](double d) { return static_cast<double>(detail::value_down(d)); };
  const auto up = [](double d) { return static_cast<double>(detail::value_up(d)); };
  return geo::Bounds{down(r.real(0, 0)), down(r.real(0, 1)), up(r.real(0, 2)), up(r.real(0, 3))};
}

std::optional<geo::Bounds> data_extent(Connection& c) {
  const auto trees = extent(c, Collection::trees);
  const auto works = extent(c, Collection::works);
  if (!trees || !works) return trees ? trees : works;
  auto both = *trees;
  both.expand(*works);
  return both;
}

std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Connection& c) {
  const auto r =
      c.exec("SELECT min(starts_at COLLATE \"C\"), max(ends_at COLLATE \"C\") FROM works");
  if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
  const auto a = geo::parse_utc(r.text(0, 0));
  const auto b = geo::parse_utc(r.text(0, 1));
  if (!a || !b) return std::nullopt;
  return std::pair(*a, *b);
}

}  // namespace rootzone::storage::pg
