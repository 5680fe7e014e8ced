#include "support/store_sql.hpp"

#include "pg/connection.hpp"
#include "rootzone/storage/database.hpp"

namespace rootzone::test {

std::string sql_one(storage::Store& store, const std::string& sql) {
  if (store.postgis()) {
    storage::pg::Connection c(store.location());
    const auto r = c.exec(sql);
    return r.rows() == 0 || r.is_null(0, 0) ? "" : r.text(0, 0);
  }
  auto s = store.database().prepare(sql);
  return s.step() && !s.is_null(0) ? s.text(0) : "";
}

std::vector<std::vector<std::string>> sql_rows(storage::Store& store, const std::string& sql,
                                               int columns) {
  std::vector<std::vector<std::string>> rows;
  if (store.postgis()) {
    storage::pg::Connection c(store.location());
    const auto r = c.exec(sql);
    for (int i = 0; i < r.rows(); ++i) {
      auto& row = rows.emplace_back();
      for (int j = 0; j < columns; ++j) row.push_back(r.is_null(i, j) ? "" : r.text(i, j));
    }
    return rows;
  }
  auto s = store.database().prepare(sql);
  while (s.step()) {
    auto& row = rows.emplace_back();
    for (int j = 0; j < columns; ++j) row.push_back(s.is_null(j) ? "" : s.text(j));
  }
  return rows;
}

void sql_exec(storage::Store& store, const std::string& sql) {
  if (store.postgis()) {
    storage::pg::Connection c(store.location());
    c.exec(sql);
  } else {
    store.database().prepare(sql).run();
  }
}

}  // namespace rootzone::test
