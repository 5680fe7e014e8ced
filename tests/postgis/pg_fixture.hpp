#pragma once
// The throw-away PostgreSQL of the tests (scripts/pg-test-server.sh, started by the CTest
// fixture "postgis"): one fresh database per test, dropped afterwards.
#include <cstdint>
#include <string>

namespace rootzone::test {

// The server's maintenance URI (database "postgres"), read from $ROOTZONE_PG_DIR/url.
// Throws std::runtime_error saying how to start the server when there is none.
std::string pg_server_url();

class PgTestDatabase {
 public:
  enum class Start {
    empty,    // no extension, no tables: for the tests of `init` itself
    postgis,  // the PostGIS extension already made (a copy of the server's template database)
  };
  // CREATE DATABASE rz_<pid>_<n>.
  explicit PgTestDatabase(Start start = Start::empty);
  ~PgTestDatabase();  // DROP DATABASE ... WITH (FORCE)
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  // Runs one query in this database and returns the first column of the first row as text
  // ("" for no row): for checks of what the store wrote.
  std::string query(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

}  // namespace rootzone::test
