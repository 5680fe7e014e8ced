#pragma once
// A SpatiaLite connection, its prepared statements and transactions, as small owning types
// over SQLite's C API (docs/style.md 5). No SQLite type leaks beyond the forward declarations.
//
// One Database is one connection: use it from one thread at a time (a server keeps one per
// worker thread; WAL lets them read while one writes).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace rootzone::storage {

class Statement;

class Database {
 public:
  enum class OpenMode {
    existing,  // the file must exist (StoreMissing otherwise)
    create,    // the file must not exist (StoreExists otherwise); it is created empty
  };

  // Opens the file, initialises SpatiaLite on the connection and sets foreign_keys=ON, a busy
  // timeout and WAL journaling. Throws StorageError naming the path and SQLite's reason.
  explicit Database(const std::filesystem::path& path, OpenMode mode = OpenMode::existing);
  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::filesystem::path& path() const;

  // Prepares one statement. Statements are kept per connection and handed out again after
  // use, so repositories may call this on every operation without re-parsing the SQL.
  Statement prepare(std::string_view sql);

  // Runs a script of several statements (migrations); rows they return are ignored.
  void execute(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  bool in_transaction() const;

  // For code inside storage/ that needs SQLite directly.
  sqlite3* handle() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A prepared statement. Bind indexes are 1-based (SQLite's), column indexes 0-based.
class Statement {
 public:
  ~Statement();
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value);
  Statement& bind(int index, bool value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value);
  Statement& bind(int index, const std::string& value);
  // Text SQLite does not copy: `value` must stay alive and unchanged until the statement has
  // run and been reset. For hot writes of fields of an object that outlives the statement.
  Statement& bind_static(int index, std::string_view value);
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind(int index, const std::vector<std::uint8_t>& blob);
  Statement& bind(int index, std::nullopt_t);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // Named parameters, as written in the SQL (":id", "@id", "$id").
  template <class T>
  Statement& bind(std::string_view name, const T& value) {
    return bind(parameter_index(name), value);
  }
  int parameter_index(std::string_view name) const;

  // Advances to the next row: true while there is one. Throws StorageError (or a subclass)
  // citing the SQL and SQLite's message.
  bool step();
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE) to completion.
  void run();
  // Makes the statement ready to run again; bindings stay unless clear_bindings() is called.
  void reset();
  void clear_bindings();

  int column_count() const;
  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  int int32(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  // Valid until the next step(), reset() or column call on this column: for hot loops that
  // only look at the text.
  std::string_view text_view(int column) const;
  std::span<const std::uint8_t> blob_view(int column) const;  // the same for blobs
  std::vector<std::uint8_t> blob(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<int> optional_int32(int column) const;
  std::optional<double> optional_real(int column) const;
  std::optional<std::string> optional_text(int column) const;

  std::string_view sql() const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, Database::Impl* owner, const std::string* key);
  void check_bind(int rc, int index);

  sqlite3_stmt* stmt_ = nullptr;
  // When done, the statement returns to its connection's cache under the SQL it was
  // prepared from; it must not outlive its Database.
  Database::Impl* owner_ = nullptr;
  const std::string* key_ = nullptr;
};

// BEGIN IMMEDIATE (the write lock up front: no deadlock between two readers upgrading); rolls
// back in the destructor unless commit() ran. Inside an open transaction it nests as a
// SAVEPOINT, so a repository operation composes with a caller's transaction (an import).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  std::string savepoint_;  // empty for the outermost transaction
  bool done_ = false;
};

// For a bulk write (an import) into a store that no other connection has open: while it lives,
// the store keeps a rollback journal instead of its WAL. Through the WAL every page is written
// twice, into the WAL and then by the checkpoint into the file (a sixth of a 1M-tree import,
// bench/RESULTS.md); with the journal, pages the write appends are written once and only the
// few it changes are saved first. When another connection has the store open (a server), it
// takes nothing and the write goes through the WAL, beside its readers. While it holds the
// store, a connection that opens it waits (busy timeout) for it. A crash leaves a hot journal,
// which the next opener rolls back; Store::open sets WAL again.
// Make it outside any transaction and let it end after the transaction (declare it first).
class BulkJournal {
 public:
  explicit BulkJournal(Database& db);
  ~BulkJournal();  // back to WAL
  BulkJournal(const BulkJournal&) = delete;
  BulkJournal& operator=(const BulkJournal&) = delete;
  // True when the store is written with the rollback journal (no one else had it open).
  bool sole() const { return sole_; }
  // Has the kernel start writing what is already in the store's file, without waiting: the
  // commit's fsync then finds little left (it was most of a 1M-tree import's commit). Cheap;
  // call it every few thousand rows. Does nothing unless sole().
  void write_ahead() const;

 private:
  Database& db_;
  bool sole_ = false;
  int file_ = -1;  // the store's file, for write_ahead
};

// One read transaction (BEGIN DEFERRED) around several reads: they see one snapshot of the
// store, and WAL's read lock is taken once instead of once per statement (a page of 100
// features is 200 statements). Inside an open transaction it does nothing.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
  bool owned_ = false;
};

}  // namespace rootzone::storage
