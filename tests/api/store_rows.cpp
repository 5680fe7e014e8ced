#include "store_rows.hpp"

#include <stdexcept>

#include "pg/connection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::test {

std::vector<std::vector<std::string>> store_rows(const std::string& location,
                                                 const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  if (storage::is_postgis_location(location)) {
    // The wrapper's connection (password handling, errors), libpq for the result's shape.
    storage::pg::Connection c(location);
    PGresult* r = PQexec(c.raw(), sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      const std::string error = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + error);
    }
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
      rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
  }
  auto store = storage::Store::open(location);  // SpatiaLite's functions loaded
  auto s = store.database().prepare(sql);
  while (s.step()) {
    std::vector<std::string> row;
    for (int j = 0; j < s.column_count(); ++j) row.push_back(s.is_null(j) ? "" : s.text(j));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::int64_t store_count(const std::string& location, const std::string& sql) {
  const auto rows = store_rows(location, sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no row from: " + sql);
  return std::stoll(rows[0][0]);
}

std::map<std::string, std::int64_t> table_row_counts(const std::string& location) {
  const bool pg = storage::is_postgis_location(location);
  const auto tables =
      store_rows(location, pg ? "SELECT table_name FROM information_schema.tables"
                                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                              : "SELECT name FROM sqlite_master WHERE type = 'table'"
                                " AND sql NOT LIKE 'CREATE VIRTUAL%'");
  std::map<std::string, std::int64_t> counts;
  for (const auto& t : tables) {
    counts[t[0]] = store_count(location, "SELECT count(*) FROM \"" + t[0] + "\"");
  }
  auto store = storage::Store::open(location);
  counts["(data generation)"] = storage::data_generation(store);
  return counts;
}

}  // namespace rootzone::test
