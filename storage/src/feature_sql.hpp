#pragma once
// The SQL of the feature queries (feature_query.cpp) that both stores share: the WHERE clause
// of a FeatureQuery, keyset paging and the order, in SQLite's or PostgreSQL's words
// (SqlParams::postgres). Each store runs them its own way (feature_query.cpp,
// pg/pg_feature_query.cpp).
#include <string>

#include "filter_sql.hpp"
#include "rootzone/storage/feature_query.hpp"

namespace rootzone::storage::detail {

// " WHERE ..." SQLite: ?1..?4 the bbox, ?5/?6 the time window, `params` from ?7 on.
// PostgreSQL: every value in `params`.
std::string where_clause(Collection c, const FeatureQuery& q, int srid, SqlParams& params);
// " AND (...)": the rows after the cursor (q.after_sort, q.after_id) in sort order.
std::string sorted_keyset(Collection c, const FeatureQuery& q, const char* id_column,
                          SqlParams& params);
// " ORDER BY <keys>, <id_column>", NULL first ascending and last descending, text by bytes.
std::string order_by(Collection c, const FeatureQuery& q, const char* id_column, bool postgres);
// The column expression of a sort key (a queryable check_sort accepted) and its type.
const char* sort_column(Collection c, const std::string& name, QueryableType& type);

}  // namespace rootzone::storage::detail
