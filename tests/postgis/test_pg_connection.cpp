// storage's libpq wrapper against the throw-away PostgreSQL: values only as parameters,
// statements prepared once per connection, errors told apart by SQLSTATE.
#include <catch2/catch.hpp>
#include <string>

#include "pg/connection.hpp"
#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/errors.hpp"

using rootzone::storage::pg::Connection;
using rootzone::test::PgTestDatabase;

TEST_CASE("pg Connection passes hostile text as a value, never as SQL", "[postgis]") {
  PgTestDatabase db;
  Connection c(db.url());
  c.exec("CREATE TABLE notes (id integer PRIMARY KEY, body text)");
  const std::string hostile = "x'); DROP TABLE notes; --\n\xc3\xa4";
  c.exec("INSERT INTO notes VALUES ($1, $2)", {"1", hostile});
  c.exec("INSERT INTO notes VALUES ($1, $2)", {"2", std::nullopt});
  const auto r = c.exec("SELECT body FROM notes ORDER BY id");
  REQUIRE(r.rows() == 2);
  CHECK(r.text(0, 0) == hostile);
  CHECK(r.is_null(1, 0));
  CHECK(db.query("SELECT count(*) FROM notes") == "2");
}

TEST_CASE("pg Connection prepares each statement once per connection", "[postgis]") {
  PgTestDatabase db;
  Connection c(db.url());
  for (int i = 0; i < 3; ++i) {
    CHECK(c.exec("SELECT $1::int + 1", {std::to_string(i)}).int64(0, 0) == i + 1);
  }
  // "SET client_encoding" of the constructor, the SELECT above, and this one.
  const auto prepared = c.exec("SELECT count(*) FROM pg_prepared_statements");
  CHECK(prepared.int64(0, 0) == 3);
}

TEST_CASE("pg Connection maps SQLSTATEs to storage's errors", "[postgis]") {
  PgTestDatabase db;
  Connection c(db.url());
  c.exec("CREATE TABLE names (name text PRIMARY KEY CHECK (name <> ''))");
  c.exec("INSERT INTO names VALUES ($1)", {"anna"});
  CHECK_THROWS_AS(c.exec("INSERT INTO names VALUES ($1)", {"anna"}),
                  rootzone::storage::ConstraintViolation);
  CHECK_THROWS_AS(c.exec("INSERT INTO names VALUES ($1)", {""}),
                  rootzone::storage::ConstraintViolation);
  CHECK_THROWS_AS(c.exec("INSERT INTO names VALUES ($1)", {std::nullopt}),
                  rootzone::storage::ConstraintViolation);
  // A syntax error is the program's fault, not the data's: a plain StorageError, naming the
  // statement and the server's words on one line.
  CHECK_THROWS_WITH(c.exec("SELEKT 1"),
                    Catch::Contains("\"SELEKT 1\": syntax error at or near \"SELEKT\""));
  CHECK_THROWS_AS(c.exec("SELECT 1 / 0"), rootzone::storage::StorageError);
  CHECK_THROWS_WITH(c.exec("SELECT 'a'::int"), !Catch::Contains("\n"));
  // The connection is still usable after each failure.
  CHECK(c.exec("SELECT count(*) FROM names").int64(0, 0) == 1);
}

TEST_CASE("pg Transaction rolls back unless committed", "[postgis]") {
  PgTestDatabase db;
  Connection c(db.url());
  c.exec("CREATE TABLE counter (n integer)");
  {
    rootzone::storage::pg::Transaction tx(c);
    c.exec("INSERT INTO counter VALUES (1)");
  }
  CHECK(db.query("SELECT count(*) FROM counter") == "0");
  {
    rootzone::storage::pg::Transaction tx(c);
    c.exec("INSERT INTO counter VALUES (2)");
    CHECK_THROWS(c.exec("INSERT INTO counter VALUES ('two')"));
    // Aborted by the error: the destructor's ROLLBACK ends it.
  }
  {
    rootzone::storage::pg::Transaction tx(c);
    c.exec("INSERT INTO counter VALUES (3)");
    tx.commit();
  }
  CHECK(db.query("SELECT string_agg(n::text, ',') FROM counter") == "3");
}
