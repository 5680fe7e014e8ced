// `rootzone backup` and storage::backup_store against a real `rootzone serve` taking writes:
// the copy holds every write acknowledged before the backup began, passes integrity_check,
// writers go on during the copy, and a server started on the restored copy serves exactly it.
// Every case is [sqlite-only]: SQLite's online backup API, integrity_check, journal modes and
// synchronous FULL; `rootzone backup` on PostGIS (pg_dump) is tested in
// tests/postgis/test_pg_backup.cpp.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "campaigns/write_load.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/backup.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// app/exit_codes.hpp, restated.
constexpr int no_input = 66;
constexpr int cant_create = 73;
constexpr int io = 74;

struct City {
  std::string db;
  std::string contractor_key;
  std::string field_staff_key;
};

// `trees` protected trees (one 120 cm stem: protected under the Mainz ordinance, 80 cm) 30 m
// apart in Mainz (EPSG:25832), and a contractor and a field worker with keys.
City make_city(const test::TempDir& dir, int trees) {
  City city{(dir / "city.sqlite").string(), "", ""};
  auto store = storage::Store::create(city.db);
  {
    storage::Transaction tx(store.database());
    for (int i = 0; i < trees; ++i) {
      geo::Tree t;
      t.source_id = "B-" + std::to_string(i);
      t.location = {440000.0 + 30.0 * (i % 200), 5530000.0 + 30.0 * (i / 200)};
      t.stem_circumferences_cm = {120};
      t.crown_diameter_m = 8;
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      store.trees().insert(t);
    }
    tx.commit();
  }
  geo::User c;
  c.name = "carla";
  c.role = geo::Role::contractor;
  c.organisation = "Tiefbau GmbH";
  city.contractor_key = core::issue_api_key(store.users(), store.users().add(c)).token;
  geo::User f;
  f.name = "fritz";
  f.role = geo::Role::field_staff;
  city.field_staff_key = core::issue_api_key(store.users(), store.users().add(f)).token;
  return city;
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines, std::size_t from,
                 std::size_t to) {
  std::ofstream out(file, std::ios::trunc);
  for (std::size_t i = from; i < to && i < lines.size(); ++i) out << lines[i] << '\n';
}

std::size_t line_count(const fs::path& file) { return read_lines(file).size(); }

// Waits until the log has at least `n` lines (the load is running) or 30 s passed.
void wait_for_lines(const fs::path& log, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line_count(log) < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(line_count(log) >= n);
}

std::string integrity(const std::string& db) {
  storage::Database d(db);
  auto s = d.prepare("PRAGMA integrity_check");
  std::string rows;
  while (s.step()) rows += s.text(0);
  return rows;
}

// A write load on its own thread until the destructor stops it.
class Load {
 public:
  Load(const City& city, int port, const fs::path& log, const std::string& tag) {
    test::LoadOptions o;
    o.port = port;
    o.contractor_key = city.contractor_key;
    o.field_staff_key = city.field_staff_key;
    o.trees = test::pick_load_trees(city.db, 300);
    o.log = log;
    o.tag = tag;
    thread_ = std::thread([this, o] { counts_ = test::run_write_load(o, stop_); });
  }
  ~Load() { finish(); }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;
  test::LoadCounts finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return counts_;
  }

 private:
  std::atomic<bool> stop_{false};
  test::LoadCounts counts_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("backup_store under a write load: every write acknowledged before it is in the copy",
          "[app][backup][server][sqlite-only]") {
  test::TempDir dir;
  const auto city = make_city(dir, 20000);
  test::ServerProcess server(city.db);
  const auto log = dir / "acks.log";
  Load load(city, server.port(), log, "a");
  wait_for_lines(log, 40);

  // Slowed down on purpose (16 pages a step, 20 ms after each): the copy takes seconds while
  // the server goes on acknowledging writes.
  const std::size_t before = line_count(log);
  storage::BackupOptions slow;
  slow.pages_per_step = 16;
  slow.progress = [](std::int64_t, std::int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  const auto copy = dir / "copy.sqlite";
  const auto started = std::chrono::steady_clock::now();
  const auto result = storage::backup_store(city.db, copy, slow);
  const auto took = std::chrono::steady_clock::now() - started;
  const std::size_t after = line_count(log);
  wait_for_lines(log, after + 10);
  const auto counts = load.finish();
  INFO("load: " << counts.works << " works, " << counts.tree_edits << " tree edits, "
                << counts.refused << " refused; backup " << result.pages << " pages in "
                << std::chrono::duration<double>(took).count() << " s, " << result.steps
                << " steps");
  CHECK(result.snapshot);
  CHECK(result.steps > 10);
  // Writers were not held up by the copy: the server acknowledged writes all through it.
  CHECK(after - before >= 10);
  CHECK(integrity(copy.string()) == "ok");
  CHECK_FALSE(fs::exists(copy.string() + "-wal"));  // one self-contained file

  const auto lines = read_lines(log);
  write_lines(dir / "before.log", lines, 0, before);
  const auto held = test::verify_acknowledged(copy, dir / "before.log");
  INFO((held.ok() ? std::string() : held.missing.front()));
  CHECK(held.ok());
  CHECK(held.works + held.tree_edits == static_cast<std::int64_t>(before));
  CHECK(held.works >= 20);
  CHECK(held.tree_edits >= 20);
  // A snapshot, not the live store: nothing acknowledged after the copy ended is in it.
  write_lines(dir / "later.log", lines, after, lines.size());
  const auto later = test::verify_acknowledged(copy, dir / "later.log");
  CHECK(later.missing.size() == lines.size() - after);
  // ... while the store itself has everything.
  server.stop();
  CHECK(test::verify_acknowledged(city.db, log).ok());
}

TEST_CASE("rootzone backup while serving, then a restore of the copy serves exactly it",
          "[app][backup][server][sqlite-only]") {
  test::TempDir dir;
  const auto city = make_city(dir, 2000);
  const auto log = dir / "acks.log";
  const auto copy = dir / "nightly.sqlite";
  std::size_t before = 0;
  {
    test::ServerProcess server(city.db);
    Load load(city, server.port(), log, "b");
    wait_for_lines(log, 30);
    before = line_count(log);
    const auto r = test::run_rootzone({"backup", "--db", city.db, "--out", copy.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("integrity_check ok") != std::string::npos);
    CHECK(r.out.find("one snapshot of the store as it was when the backup began") !=
          std::string::npos);
    wait_for_lines(log, line_count(log) + 20);
    load.finish();
    CHECK(server.stop() == 0);
  }
  const auto lines = read_lines(log);
  write_lines(dir / "before.log", lines, 0, before);
  const auto held = test::verify_acknowledged(copy, dir / "before.log");
  INFO((held.ok() ? std::string() : held.missing.front()));
  REQUIRE(held.ok());

  // What the copy holds, read before the restore: its works and a work's tree conflicts.
  std::int64_t copied_works = 0;
  {
    storage::Database d(copy);
    auto s = d.prepare("SELECT count(*) FROM works");
    s.step();
    copied_works = s.int64(0);
  }
  REQUIRE(copied_works >= 10);
  // The last work acknowledged before the backup (in the copy) and the last one of all (only
  // in the store: the load went on for 20 more writes after the backup ended).
  std::string in_copy, only_in_store;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("work ", 0) != 0) continue;
    (i < before ? in_copy : only_in_store) = lines[i];
  }
  REQUIRE_FALSE(in_copy.empty());
  REQUIRE_FALSE(only_in_store.empty());
  const auto id_of = [](const std::string& line) { return line.substr(5, line.find(' ', 5) - 5); };

  // The restore of docs/RELIABILITY.md "Backups": the server is stopped, the store moved
  // aside, the copy put in its place, the server started.
  fs::rename(city.db, dir / "city.sqlite.before-restore");
  fs::copy_file(copy, city.db);
  test::ServerProcess restored(city.db);
  test::HttpClient http(restored.port());
  const std::string auth = "Authorization: Bearer " + city.contractor_key + "\r\n";
  const auto items = http.get("/collections/works/items?limit=1", auth);
  REQUIRE(items.status == 200);
  CHECK(json::parse(items.body).at("numberMatched") == copied_works);
  const auto kept = http.get("/collections/works/items/" + id_of(in_copy) + "/conflicts", auth);
  REQUIRE(kept.status == 200);
  std::set<std::int64_t> ids;  // the log lists them ascending
  const auto kept_body = json::parse(kept.body);
  for (const auto& c : kept_body.at("conflicts").at("trees")) {
    ids.insert(c.at("properties").at("tree_id").get<std::int64_t>());
  }
  std::string trees;
  for (const auto id : ids) trees += (trees.empty() ? "" : ",") + std::to_string(id);
  INFO(in_copy << " against " << trees);
  CHECK(in_copy.find(" trees=" + trees + " ") != std::string::npos);
  CHECK(http.get("/collections/works/items/" + id_of(only_in_store), auth).status == 404);
  CHECK(restored.stop() == 0);
  CHECK(integrity(city.db) == "ok");
}

TEST_CASE("rootzone backup refuses bad input with a clear message and leaves nothing behind",
          "[app][backup][sqlite-only]") {
  test::TempDir dir;
  const auto city = make_city(dir, 10);
  const auto out = (dir / "out.sqlite").string();

  const auto missing =
      test::run_rootzone({"backup", "--db", (dir / "nothing.sqlite").string(), "--out", out});
  CHECK(missing.exit_code == no_input);
  CHECK(missing.err.find("nothing.sqlite: no such file") != std::string::npos);

  {
    std::ofstream text(dir / "notes.txt");
    text << "Baumkataster Mainz, not a database at all, but long enough to be read as one.\n";
  }
  const auto not_db =
      test::run_rootzone({"backup", "--db", (dir / "notes.txt").string(), "--out", out});
  CHECK(not_db.exit_code == io);
  CHECK(not_db.err.find("notes.txt is not a rootzone store: file is not a database") !=
        std::string::npos);
  {
    storage::Database other(dir / "other.sqlite", storage::Database::OpenMode::create);
    other.execute("CREATE TABLE t (x)");
  }
  const auto foreign =
      test::run_rootzone({"backup", "--db", (dir / "other.sqlite").string(), "--out", out});
  CHECK(foreign.exit_code == io);
  CHECK(foreign.err.find("other.sqlite is not a rootzone store: it has no schema_migrations") !=
        std::string::npos);

  const auto no_folder = test::run_rootzone(
      {"backup", "--db", city.db, "--out", (dir / "missing" / "b.sqlite").string()});
  CHECK(no_folder.exit_code == cant_create);
  CHECK(no_folder.err.find("the folder " + (dir / "missing").string() + " does not exist") !=
        std::string::npos);
  // /proc takes no new files, for root neither (a chmod 0555 folder would not stop root).
  const auto unwritable =
      test::run_rootzone({"backup", "--db", city.db, "--out", "/proc/b.sqlite"});
  CHECK(unwritable.exit_code == cant_create);
  CHECK(unwritable.err.find("cannot write backup /proc/b.sqlite: cannot create a file in /proc") !=
        std::string::npos);
  const auto folder = test::run_rootzone({"backup", "--db", city.db, "--out", dir.path().string()});
  CHECK(folder.exit_code == cant_create);
  CHECK(folder.err.find("it is a folder; name a file") != std::string::npos);
  const auto itself = test::run_rootzone({"backup", "--db", city.db, "--out", city.db, "--force"});
  CHECK(itself.exit_code == cant_create);
  CHECK(itself.err.find("it is the store being copied") != std::string::npos);

  // An existing file is kept unless --force.
  {
    std::ofstream old(out);
    old << "yesterday's backup";
  }
  const auto exists = test::run_rootzone({"backup", "--db", city.db, "--out", out});
  CHECK(exists.exit_code == cant_create);
  CHECK(exists.err.find("out.sqlite: the file already exists (--force replaces it)") !=
        std::string::npos);
  CHECK(fs::file_size(out) == std::string("yesterday's backup").size());
  const auto forced = test::run_rootzone({"backup", "--db", city.db, "--out", out, "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(integrity(out) == "ok");
  CHECK(storage::Store::open(out).trees().count() == 10);

  // A -wal beside the name: a store in use there, never replaced, not even with --force.
  { std::ofstream wal(out + "-wal"); }
  const auto in_use = test::run_rootzone({"backup", "--db", city.db, "--out", out, "--force"});
  CHECK(in_use.exit_code == cant_create);
  CHECK(in_use.err.find(out + "-wal exists") != std::string::npos);
  fs::remove(out + "-wal");

  // No temporary file survived any of the refusals.
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    INFO(entry.path().string());
    CHECK(entry.path().filename().string().find(".backup-") == std::string::npos);
  }
}

TEST_CASE(
    "the store syncs every commit (synchronous FULL), so an acknowledged write survives a power "
    "loss",
    "[app][backup][storage][sqlite-only]") {
  test::TempDir dir;
  const auto city = make_city(dir, 1);
  auto store = storage::Store::open(city.db);
  auto& d = store.database();
  auto s = d.prepare("PRAGMA synchronous");
  REQUIRE(s.step());
  CHECK(s.int64(0) == 2);  // FULL (SQLite: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA)
  auto j = d.prepare("PRAGMA journal_mode");
  REQUIRE(j.step());
  CHECK(j.text(0) == "wal");
}

TEST_CASE("rootzone backup of a store in rollback-journal mode, and of one a writer holds locked",
          "[app][backup][sqlite-only]") {
  test::TempDir dir;
  const auto city = make_city(dir, 50);
  storage::Database holder(city.db);
  // What a bulk import that has the store to itself does (storage::BulkJournal).
  holder.execute("PRAGMA journal_mode = DELETE");
  const auto out = (dir / "copy.sqlite").string();
  const auto copied = test::run_rootzone({"backup", "--db", city.db, "--out", out});
  CHECK(copied.exit_code == 0);
  CHECK(copied.out.find("the store was not in WAL mode: copied under its read lock") !=
        std::string::npos);
  CHECK(storage::Store::open(out).trees().count() == 50);

  // An import's commit holds the exclusive lock: the backup waits the busy timeout (5 s), then
  // says why it gave up.
  holder.execute("BEGIN EXCLUSIVE");
  const auto locked =
      test::run_rootzone({"backup", "--db", city.db, "--out", (dir / "late.sqlite").string()});
  holder.execute("ROLLBACK");
  CHECK(locked.exit_code == io);
  CHECK(locked.err.find("the store stayed locked for the busy timeout (a bulk import holds it?)") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(dir / "late.sqlite"));
}
