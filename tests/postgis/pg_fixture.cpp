#include "postgis/pg_fixture.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace rootzone::test {

namespace {

struct ConnectionClose {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Connection = std::unique_ptr<PGconn, ConnectionClose>;
using Result = std::unique_ptr<PGresult, ResultClear>;

Connection connect(const std::string& url) {
  Connection c(PQconnectdb(url.c_str()));
  if (PQstatus(c.get()) != CONNECTION_OK) {
    throw std::runtime_error("test server " + url + ": " + PQerrorMessage(c.get()));
  }
  return c;
}

Result exec(PGconn* c, const std::string& sql) {
  Result r(PQexec(c, sql.c_str()));
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("test server: " + sql + ": " + PQresultErrorMessage(r.get()));
  }
  return r;
}

}  // namespace

std::string pg_server_url() {
  const char* dir = std::getenv("ROOTZONE_PG_DIR");
  if (dir == nullptr) {
    throw std::runtime_error(
        "ROOTZONE_PG_DIR is not set: run these tests through ctest (fixture postgis), or "
        "scripts/pg-test-server.sh start DIR and export ROOTZONE_PG_DIR=DIR");
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string(dir) +
                             "/url is missing: the test server did not start (see the test "
                             "postgis.server.start)");
  }
  return url;
}

PgTestDatabase::PgTestDatabase(Start start) {
  static std::atomic<int> counter{0};
  // Names this code makes from digits only: CREATE DATABASE takes no parameters.
  name_ = "rz_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  const auto server = pg_server_url();
  const auto path = server.find("/postgres?");
  if (path == std::string::npos) {
    throw std::runtime_error("unexpected test server URL " + server);
  }
  url_ = server.substr(0, path) + "/" + name_ + server.substr(path + 9);
  auto c = connect(server);
  exec(c.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  exec(c.get(), "CREATE DATABASE " + name_ +
                    (start == Start::postgis ? " TEMPLATE rz_template_postgis" : ""));
}

PgTestDatabase::~PgTestDatabase() {
  try {
    auto c = connect(pg_server_url());
    exec(c.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // The server is gone: the fixture's cleanup removes the whole cluster.
  }
}

std::string PgTestDatabase::query(const std::string& sql) const {
  auto c = connect(url_);
  const auto r = exec(c.get(), sql);
  if (PQntuples(r.get()) == 0) return "";
  return PQgetvalue(r.get(), 0, 0);
}

}  // namespace rootzone::test
