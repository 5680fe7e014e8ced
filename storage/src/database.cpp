#include "rootzone/storage/database.hpp"

#include <fcntl.h>
#include <unistd.h>

// spatialite.h uses sqlite3's types without including sqlite3.h: separate blocks keep
// clang-format from sorting it first.
#include <sqlite3.h>

#include <spatialite.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>

#include "rootzone/storage/errors.hpp"
#include "sqlite_error.hpp"

namespace rootzone::storage {

namespace detail {

void throw_sqlite(sqlite3* db, int rc, std::string_view context) {
  // sqlite3_errmsg describes the most recent failure on the connection; without a handle
  // (open failed before one existed) the code's generic text is all there is.
  throw_for_code(
      rc, std::string(context) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

void throw_for_code(int rc, const std::string& message) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      throw ConstraintViolation(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StoreBusy(message);
    default:
      throw StorageError(message);
  }
}

std::string_view sql_excerpt(std::string_view sql) {
  for (;;) {
    while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front())) != 0) {
      sql.remove_prefix(1);
    }
    if (!sql.starts_with("--")) break;
    const auto next_line = sql.find('\n');
    sql.remove_prefix(next_line == std::string_view::npos ? sql.size() : next_line);
  }
  const auto line_end = sql.find('\n');
  constexpr std::size_t max_length = 72;
  return sql.substr(0, std::min(line_end, max_length));
}

}  // namespace detail

using detail::throw_sqlite;

namespace {

// A writer waits this long for another connection's write lock before StoreBusy: long enough
// for an import batch to commit, short enough for an HTTP request to fail visibly.
constexpr int busy_timeout_ms = 5000;

}  // namespace

struct Database::Impl {
  sqlite3* db = nullptr;
  void* spatialite = nullptr;
  std::filesystem::path path;
  // Prepared statements not in use, by their SQL text. unordered_map keeps keys at stable
  // addresses, so a Statement can point at the key it returns to.
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;

  ~Impl() {
    for (auto& [sql, stmts] : idle) {
      for (auto* s : stmts) sqlite3_finalize(s);
    }
    // sqlite3_close_v2 defers the close until statements still held elsewhere are finalized,
    // so a programming error there leaks instead of crashing.
    if (db != nullptr) sqlite3_close_v2(db);
    if (spatialite != nullptr) spatialite_cleanup_ex(spatialite);
  }

  void exec(const char* sql, std::string_view context) const {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      const std::string reason = error != nullptr ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      detail::throw_for_code(rc, std::string(context) + ": " + reason);
    }
  }
};

Database::Database(const std::filesystem::path& path, OpenMode mode)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  const std::string where = path.string();
  if (mode == OpenMode::create) {
    // "x": create exclusively, so two `rootzone init` racing for one path cannot both win.
    std::FILE* file = std::fopen(where.c_str(), "wx");
    if (file == nullptr) {
      if (std::filesystem::exists(path)) {
        throw StoreExists("cannot create store " + where + ": the file already exists");
      }
      throw StorageError("cannot create store " + where + ": the file cannot be created");
    }
    std::fclose(file);
  } else if (!std::filesystem::exists(path)) {
    throw StoreMissing("cannot open store " + where + ": no such file");
  }

  // NOMUTEX: a Database (its statement cache too) belongs to one thread at a time, so
  // SQLite's own per-call mutex only cost time (4 % of an items page, bench/RESULTS.md).
  const int rc =
      sqlite3_open_v2(where.c_str(), &impl_->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(impl_->db, rc, "cannot open store " + where);

  impl_->spatialite = spatialite_alloc_connection();
  spatialite_init_ex(impl_->db, impl_->spatialite, 0);
  sqlite3_busy_timeout(impl_->db, busy_timeout_ms);
  impl_->exec("PRAGMA foreign_keys = ON", "cannot enable foreign keys on " + where);
  // Reads through a memory map instead of a pread per page (writes still go to the WAL):
  // the API's readers spent 8 % of an items page in read syscalls. 1 GiB of address space,
  // not of memory; a larger store maps its first GiB.
  impl_->exec("PRAGMA mmap_size = 1073741824", "cannot map " + where);
  if (mode == OpenMode::create) {
    // WAL is recorded in the file, so setting it once when the file is made is enough; an
    // existing file is not touched before Store::open knows it is ours.
    impl_->exec("PRAGMA journal_mode = WAL", "cannot switch " + where + " to WAL");
  }
}

Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

const std::filesystem::path& Database::path() const { return impl_->path; }

Statement Database::prepare(std::string_view sql) {
  const auto entry = impl_->idle.try_emplace(std::string(sql)).first;
  auto& idle = entry->second;
  if (!idle.empty()) {
    sqlite3_stmt* stmt = idle.back();
    idle.pop_back();
    return Statement(stmt, impl_.get(), &entry->first);
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(impl_->db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) {
    throw_sqlite(impl_->db, rc, "cannot prepare \"" + std::string(detail::sql_excerpt(sql)) + "\"");
  }
  for (const char* p = tail; p != sql.data() + sql.size(); ++p) {
    if (std::isspace(static_cast<unsigned char>(*p)) == 0 && *p != ';') {
      sqlite3_finalize(stmt);
      throw StorageError("cannot prepare \"" + std::string(detail::sql_excerpt(sql)) +
                         "\": more than one statement (use Database::execute for scripts)");
    }
  }
  return Statement(stmt, impl_.get(), &entry->first);
}

void Database::execute(std::string_view sql) {
  impl_->exec(std::string(sql).c_str(),
              "cannot execute \"" + std::string(detail::sql_excerpt(sql)) + "\"");
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(impl_->db); }
std::int64_t Database::changes() const { return sqlite3_changes64(impl_->db); }
bool Database::in_transaction() const { return sqlite3_get_autocommit(impl_->db) == 0; }
sqlite3* Database::handle() const { return impl_->db; }

// ---- Statement

Statement::Statement(sqlite3_stmt* stmt, Database::Impl* owner, const std::string* key)
    : stmt_(stmt), owner_(owner), key_(key) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  try {
    owner_->idle[*key_].push_back(stmt_);
  } catch (const std::bad_alloc&) {
    sqlite3_finalize(stmt_);  // not cached: prepared afresh next time
  }
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), owner_(other.owner_), key_(other.key_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Statement gone(std::move(*this));
    stmt_ = std::exchange(other.stmt_, nullptr);
    owner_ = other.owner_;
    key_ = other.key_;
  }
  return *this;
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) {
    throw_sqlite(sqlite3_db_handle(stmt_), rc,
                 "cannot bind parameter " + std::to_string(index) + " of \"" +
                     std::string(detail::sql_excerpt(sql())) + "\"");
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}
Statement& Statement::bind(int index, int value) {
  return bind(index, static_cast<std::int64_t>(value));
}
Statement& Statement::bind(int index, bool value) { return bind(index, value ? 1 : 0); }
Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}
Statement& Statement::bind_static(int index, std::string_view value) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8),
      index);
  return *this;
}
Statement& Statement::bind(int index, const char* value) {
  return bind(index, std::string_view(value));
}
Statement& Statement::bind(int index, const std::string& value) {
  return bind(index, std::string_view(value));
}
Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  // An empty span has no data pointer, which SQLite would store as NULL: bind a zero blob.
  if (blob.empty()) {
    check_bind(sqlite3_bind_zeroblob(stmt_, index, 0), index);
  } else {
    check_bind(sqlite3_bind_blob64(stmt_, index, blob.data(), blob.size(), SQLITE_TRANSIENT),
               index);
  }
  return *this;
}
Statement& Statement::bind(int index, const std::vector<std::uint8_t>& blob) {
  return bind(index, std::span<const std::uint8_t>(blob));
}
Statement& Statement::bind(int index, std::nullopt_t) { return bind_null(index); }
Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

int Statement::parameter_index(std::string_view name) const {
  const int index = sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
  if (index == 0) {
    throw StorageError("no parameter " + std::string(name) + " in \"" +
                       std::string(detail::sql_excerpt(sql())) + "\"");
  }
  return index;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The statement must be reset before it can be used again; the error stays readable.
  const std::string context = "\"" + std::string(detail::sql_excerpt(sql())) + "\" failed";
  const std::string message = context + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt_));
  sqlite3_reset(stmt_);
  detail::throw_for_code(rc, message);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() { sqlite3_reset(stmt_); }
void Statement::clear_bindings() { sqlite3_clear_bindings(stmt_); }

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
int Statement::int32(int column) const { return sqlite3_column_int(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::span<const std::uint8_t> Statement::blob_view(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(size)};
}

std::string_view Statement::text_view(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}
std::optional<int> Statement::optional_int32(int column) const {
  if (is_null(column)) return std::nullopt;
  return int32(column);
}
std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}
std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::string_view Statement::sql() const { return sqlite3_sql(stmt_); }

// ---- Transaction

namespace {
// One name for every level: SQLite releases and rolls back to the innermost savepoint of a
// name, and Transactions are scoped, so nesting needs no counter.
constexpr const char* savepoint_name = "rootzone";
}  // namespace

Transaction::Transaction(Database& db) : db_(db) {
  if (db_.in_transaction()) {
    savepoint_ = savepoint_name;
    db_.execute("SAVEPOINT " + savepoint_);
  } else {
    db_.execute("BEGIN IMMEDIATE");
  }
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    if (savepoint_.empty()) {
      db_.execute("ROLLBACK");
    } else {
      db_.execute("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
    }
  } catch (const StorageError&) {
    // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR ...); the
    // exception that is unwinding says what went wrong.
  }
}

void Transaction::commit() {
  db_.execute(savepoint_.empty() ? std::string("COMMIT") : "RELEASE " + savepoint_);
  done_ = true;
}

// ---- BulkJournal

BulkJournal::BulkJournal(Database& db) : db_(db) {
  if (db_.in_transaction()) throw StorageError("BulkJournal: must start outside a transaction");
  // Leaving WAL needs the store to itself; when someone else has it open, fail at once rather
  // than after the busy timeout, and keep the WAL.
  sqlite3* h = db_.handle();
  sqlite3_busy_timeout(h, 0);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(h, "PRAGMA journal_mode = DELETE", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sole_ = mode != nullptr && std::string_view(mode) == "delete";
  }
  sqlite3_finalize(stmt);
  sqlite3_busy_timeout(h, busy_timeout_ms);
  if (sole_) file_ = ::open(db_.path().c_str(), O_RDONLY | O_CLOEXEC);
}

void BulkJournal::write_ahead() const {
  if (file_ >= 0) ::sync_file_range(file_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

BulkJournal::~BulkJournal() {
  if (file_ >= 0) ::close(file_);
  if (!sole_) return;
  try {
    db_.execute("PRAGMA journal_mode = WAL");
  } catch (const StorageError&) {
    // The store stays in rollback-journal mode until Store::open sets WAL again.
  }
}

// ---- ReadSnapshot

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
  if (db_.in_transaction()) return;
  db_.prepare("BEGIN DEFERRED").run();
  owned_ = true;
}

ReadSnapshot::~ReadSnapshot() {
  if (!owned_) return;
  try {
    // Nothing was written: ending the read transaction is all COMMIT does here.
    db_.prepare("COMMIT").run();
  } catch (const StorageError&) {
    // Only reads ran; SQLite ends the transaction with the connection at the latest.
  }
}

}  // namespace rootzone::storage
