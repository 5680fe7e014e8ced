#pragma once
// Feature queries for the OGC API: a bbox, a time interval, equality filters on queryable
// fields, keyset paging by id (stable while others insert), and the number matched.
// The SQL stays here; callers name fields by their queryable names, never columns.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/storage/filter.hpp"

namespace rootzone::storage {

class Database;
class Store;

enum class QueryableType { string, number, integer, boolean };

struct Queryable {
  std::string name;  // as clients write it: "species_botanical"
  QueryableType type = QueryableType::string;
  std::string description;
  // JSON Schema's format where the type alone does not say it: "date", "date-time",
  // "geometry-point", "geometry-any". Geometry queryables are for filters only, not parameters.
  std::string format{};
  bool geometry() const { return format.starts_with("geometry"); }
};

enum class Collection { trees, works, tree_work_conflicts };

// What each collection can be filtered by (OGC API Features Part 3 queryables). Only fields
// every reader of the collection sees (a work's contact and source are not queryable), so a
// filter cannot tell a caller what its view of a feature hides.
const std::vector<Queryable>& queryables(Collection c);

// One key of a sortby: a queryable (not a geometry) and its direction.
struct SortKey {
  std::string name;
  bool descending = false;
};
// A sort key's value in a keyset cursor: null, integer, real or text.
using SortValue = std::variant<std::monostate, std::int64_t, double, std::string>;

// Compiles without running: throws filter::FilterError naming an unknown property or a type
// mismatch. `srid` is the store's.
void check_filter(Collection c, const filter::Node& filter, int srid);
// Throws filter::FilterError for a key that is not a sortable queryable or given twice.
void check_sort(Collection c, const std::vector<SortKey>& keys);

struct FeatureQuery {
  std::optional<geo::Bounds> bbox;  // store CRS
  // Works: the time window intersects [from, to]; an open end is unbounded.
  std::optional<geo::Timestamp> from;
  std::optional<geo::Timestamp> to;
  // name -> value; names must be queryables of the collection (std::invalid_argument else),
  // values are compared as their type (booleans "true"/"false").
  std::vector<std::pair<std::string, std::string>> equals;
  // Conflicts: only those of works of this contractor organisation (a contractor's view).
  std::optional<std::string> work_contractor;
  std::optional<filter::Node> filter;  // CQL2, in the store CRS
  // Order by these keys, then id; without keys, by id. Keyset paging with keys: after the
  // feature whose key values are `after_sort` and id `after_id` (after_sort empty: from the start).
  std::vector<SortKey> sort;
  std::vector<SortValue> after_sort;
  std::int64_t after_id = 0;  // keyset paging: only ids greater than this (or, sorted, see above)
  int limit = 10;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t matched = 0;          // all features matching, regardless of paging
  bool more = false;                 // a next page exists
  std::vector<SortValue> last_sort;  // sorted: the last item's key values, for the next cursor
};

Page<geo::Tree> query_trees(Store& store, const FeatureQuery& q);
Page<geo::Work> query_works(Store& store, const FeatureQuery& q);
// A conflict's bbox test uses its tree's location.
Page<geo::TreeWorkConflict> query_tree_work_conflicts(Store& store, const FeatureQuery& q);

// The envelope of a collection in the store CRS (none when empty) and, for works, the time
// extent: the OGC collection metadata.
std::optional<geo::Bounds> extent(Database& db, Collection c);
// Trees and works together (conflicts lie at their trees): the extent a tileset covers.
std::optional<geo::Bounds> data_extent(Database& db);
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Database& db);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
std::optional<geo::Bounds> extent(Store& store, Collection c);
std::optional<geo::Bounds> data_extent(Store& store);
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Store& store);

}  // namespace rootzone::storage
