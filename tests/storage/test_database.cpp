// The connection, statement and transaction wrappers, and the schema's append-only triggers.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::storage::Database;
using rootzone::storage::Transaction;
using rootzone::test::sample_tree;
using rootzone::test::StoreFixture;
namespace storage = rootzone::storage;

TEST_CASE("a transaction left without commit leaves nothing behind", "[storage][database]") {
  StoreFixture f;
  auto& trees = f.store.trees();
  const auto insert_then_fail = [&] {
    storage::StoreTransaction tx(f.store);
    trees.insert(sample_tree("MZ-1"));
    trees.insert(sample_tree("MZ-2"));
    REQUIRE(trees.count() == 2);
    throw std::runtime_error("import aborted");
  };
  REQUIRE_THROWS_WITH(insert_then_fail(), "import aborted");
  CHECK(trees.count() == 0);
  if (!f.postgis()) CHECK_FALSE(f.store.database().in_transaction());

  {
    storage::StoreTransaction tx(f.store);
    trees.insert(sample_tree("MZ-1"));
    tx.commit();
  }
  CHECK(trees.count() == 1);
}

namespace {
std::string journal_mode(Database& db) {
  auto s = db.prepare("PRAGMA journal_mode");
  REQUIRE(s.step());
  return s.text(0);
}
}  // namespace

// [sqlite-only]: SQLite's journal modes (BulkJournal); a PostGIS import has no journal to switch.
TEST_CASE("a bulk write into a store nobody else has open uses a rollback journal, then WAL again",
          "[storage][database][sqlite-only]") {
  StoreFixture f;
  auto& db = f.store.database();
  REQUIRE(journal_mode(db) == "wal");
  {
    const storage::BulkJournal journal(db);
    CHECK(journal.sole());
    CHECK(journal_mode(db) == "delete");
    Transaction tx(db);
    f.store.trees().insert(sample_tree("MZ-1"));
    tx.commit();
    CHECK_FALSE(std::filesystem::exists(f.dir / "city.sqlite-journal"));
  }
  CHECK(journal_mode(db) == "wal");
  CHECK(f.store.trees().count() == 1);
  // Inside a transaction the journal cannot change: refused, not silently ignored.
  Transaction tx(db);
  CHECK_THROWS_AS(storage::BulkJournal(db), storage::StorageError);
}

// [sqlite-only]: the WAL and SQLite's busy timeout; on PostGIS readers beside an import are
// tested in tests/postgis/test_pg_import.cpp.
TEST_CASE("a bulk write beside another connection keeps the WAL and does not wait",
          "[storage][database][sqlite-only]") {
  StoreFixture f;
  // A reader, as a server holds one: once it has read, it keeps the store open in WAL mode.
  Database reader(f.dir / "city.sqlite");
  auto count = reader.prepare("SELECT count(*) FROM trees");
  REQUIRE(count.step());
  count.reset();
  auto& db = f.store.database();
  const auto start = std::chrono::steady_clock::now();
  {
    const storage::BulkJournal journal(db);
    CHECK_FALSE(journal.sole());
    CHECK(journal_mode(db) == "wal");
    Transaction tx(db);
    f.store.trees().insert(sample_tree("MZ-1"));
    // The reader goes on reading the last committed state beside the write.
    REQUIRE(count.step());
    CHECK(count.int64(0) == 0);
    count.reset();
    tx.commit();
  }
  // Not after the 5 s busy timeout: it gives up at once.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(journal_mode(db) == "wal");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 1);
}

TEST_CASE("a transaction inside another is a savepoint", "[storage][database]") {
  StoreFixture f;
  {
    storage::StoreTransaction outer(f.store);
    f.store.trees().insert(sample_tree("MZ-1"));
    {
      storage::StoreTransaction inner(f.store);
      f.store.trees().insert(sample_tree("MZ-2"));
      // no commit: only the inner insert is undone
    }
    CHECK(f.store.trees().count() == 1);
    outer.commit();
  }
  CHECK(f.store.trees().count() == 1);
  CHECK(f.store.trees().find_by_source_id("MZ-1").has_value());
  CHECK_FALSE(f.store.trees().find_by_source_id("MZ-2").has_value());
}

// [sqlite-only]: storage::Statement, the SQLite wrapper (pg::Connection: tests/postgis).
TEST_CASE("statements bind by index and name and read NULL as nullopt",
          "[storage][database][sqlite-only]") {
  StoreFixture f;
  auto s = f.store.database().prepare("SELECT :count, :share, :name, :missing, ?5");
  s.bind(":count", std::int64_t{42})
      .bind(":share", 0.25)
      .bind(":name", "Säulen-Spitzahorn")
      .bind(":missing", std::optional<double>{})
      .bind(5, std::vector<std::uint8_t>{1, 2, 3});
  REQUIRE(s.step());
  CHECK(s.int64(0) == 42);
  CHECK(s.real(1) == 0.25);
  CHECK(s.text(2) == "Säulen-Spitzahorn");
  CHECK(s.optional_real(3) == std::nullopt);
  CHECK(s.optional_text(2) == "Säulen-Spitzahorn");
  CHECK(s.blob(4) == std::vector<std::uint8_t>{1, 2, 3});
  CHECK_FALSE(s.step());
  CHECK_THROWS_WITH(s.parameter_index(":nothing"),
                    "no parameter :nothing in \"SELECT :count, :share, :name, :missing, ?5\"");
}

// [sqlite-only]: storage::Database's messages (pg::Connection's: tests/postgis).
TEST_CASE("statement errors cite the SQL and SQLite's message",
          "[storage][database][sqlite-only]") {
  StoreFixture f;
  auto& db = f.store.database();
  CHECK_THROWS_WITH(db.prepare("SELECT crown FROM trees"),
                    "cannot prepare \"SELECT crown FROM trees\": no such column: crown");
  CHECK_THROWS_WITH(db.prepare("SELECT 1; SELECT 2"),
                    "cannot prepare \"SELECT 1; SELECT 2\": more than one statement (use "
                    "Database::execute for scripts)");
  CHECK_THROWS_AS(
      db.prepare("INSERT INTO users (name, role, created_at) VALUES ('a', 'gardener', 'x')").run(),
      storage::ConstraintViolation);
}

TEST_CASE("tree history, inspections and status history are append-only", "[storage][schema]") {
  StoreFixture f;
  auto tree = f.store.trees().get(f.store.trees().insert(sample_tree()));
  auto changed = tree;
  changed.vitality = 2;
  f.store.trees().update(changed, 1, "kontrolle.mueller");
  f.store.trees().add_inspection({.id = 0,
                                  .tree_id = tree.id,
                                  .inspected_on = rootzone::test::date(2026, 3, 2),
                                  .kind = rootzone::geo::InspectionKind::regular,
                                  .inspector = "B. Müller",
                                  .findings = "Totholz im Kronenbereich",
                                  .measures = "Totholz entfernen",
                                  .measures_deadline = std::nullopt,
                                  .next_inspection = std::nullopt,
                                  .recorded_at = rootzone::test::utc(2026, 3, 2, 11),
                                  .recorded_by = "kontrolle.mueller"});
  f.store.works().insert(rootzone::test::sample_work(), "netze.bau");

  // SQLite's RAISE(ABORT) triggers and PostGIS's rootzone_append_only() say the same words;
  // SQLite's message begins with the statement, PostgreSQL's with the location and the SQL.
  const auto refused = [&](const std::string& sql, const std::string& words) {
    INFO(sql);
    CHECK_THROWS_AS(f.exec(sql), storage::ConstraintViolation);
    if (f.postgis()) {
      CHECK_THROWS_WITH(f.exec(sql), Catch::Contains(words));
    } else {
      CHECK_THROWS_WITH(f.exec(sql), "\"" + sql + "\" failed: " + words);
    }
  };
  refused("UPDATE tree_history SET new_value = '3'", "tree_history is append-only");
  refused("DELETE FROM tree_history", "tree_history is append-only");
  refused("UPDATE inspections SET findings = ''", "inspections are append-only");
  refused("DELETE FROM inspections", "inspections are append-only");
  refused("DELETE FROM work_status_history", "work_status_history is append-only");
  refused("UPDATE work_status_history SET comment = 'x'", "work_status_history is append-only");
  CHECK(f.store.trees().history(tree.id).size() == 1);
  CHECK(f.store.trees().inspections(tree.id).size() == 1);
}

// What the WAL gives SQLite readers and MVCC gives PostgreSQL's: a reader beside an open write
// transaction neither waits nor sees its rows, and sees them once it commits.
TEST_CASE("a reader beside an open write sees the last committed state at once",
          "[storage][database]") {
  StoreFixture f;
  f.store.trees().insert(sample_tree("MZ-1"));
  auto reader = storage::Store::open(f.location.location());
  REQUIRE(reader.trees().count() == 1);
  {
    storage::StoreTransaction tx(f.store);
    f.store.trees().insert(sample_tree("MZ-2"));
    auto moved = f.store.trees().get(1);
    moved.location.x += 10;
    f.store.trees().update(moved, 1, "test");
    const auto start = std::chrono::steady_clock::now();
    CHECK(reader.trees().count() == 1);
    CHECK(reader.trees().get(1).location == sample_tree().location);
    CHECK_FALSE(reader.trees().find_by_source_id("MZ-2"));
    // Not after a lock timeout: at once (SQLite's busy timeout is 5 s).
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    tx.commit();
  }
  CHECK(reader.trees().count() == 2);
  CHECK(reader.trees().get(1).version == 2);
}
