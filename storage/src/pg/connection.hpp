#pragma once
// libpq behind small owning types (docs/style.md 5): a connection, a result, a transaction.
// Statements are prepared once per connection (PQprepare) and run with their values as
// parameters ($1, $2 ... in text format, sent apart from the SQL by PQexecPrepared), so no
// value is ever spliced into a statement. Nothing of libpq leaks beyond storage/src/pg/.
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rootzone::storage::pg {

// A statement's value: text (PostgreSQL parses it as the parameter's type), binary (bytea,
// EWKB for ST_GeomFromEWKB: no hex round trip), or NULL.
struct Parameter {
  Parameter(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): reads as SQL NULL
  Parameter(std::string text) : value(std::move(text)) {}    // NOLINT(google-explicit-constructor)
  Parameter(const char* text) : value(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  Parameter(std::optional<std::string> text)                 // NOLINT(google-explicit-constructor)
      : value(std::move(text)) {}
  static Parameter binary(std::span<const std::uint8_t> bytes) {
    Parameter p(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    p.is_binary = true;
    return p;
  }
  std::optional<std::string> value;  // nullopt is SQL NULL
  bool is_binary = false;
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  // Integer columns arrive as text; anything else in them is a damaged store (StorageError).
  std::int64_t int64(int row, int column) const;
  double real(int row, int column) const;
  // A bytea column (text format: \x and hex digits), e.g. ST_AsBinary's WKB.
  std::vector<std::uint8_t> bytes(int row, int column) const;
  // The number of rows an INSERT/UPDATE/DELETE touched.
  std::int64_t affected() const;

 private:
  PGresult* result_ = nullptr;
};

class Connection {
 public:
  // Connects to a libpq URI (postgresql://...). Throws InvalidLocation when libpq cannot parse
  // it and StorageError naming the location (password hidden) with libpq's reason when the
  // server cannot be reached or refuses the connection.
  explicit Connection(const std::string& location);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The location as it may be printed: any password replaced by ***.
  const std::string& location() const { return location_; }

  // Runs one statement, prepared on its first use on this connection. Errors become exceptions by
  // SQLSTATE: class 23 (integrity) is ConstraintViolation, serialisation failure, deadlock and lock
  // timeout are StoreBusy, the rest StorageError; each names the location, the statement and the
  // server's words.
  Result exec(std::string_view sql, std::initializer_list<Parameter> parameters = {});
  Result exec(std::string_view sql, const std::vector<Parameter>& parameters);
  // Runs a script of several statements without parameters: only for SQL this program
  // carries (the embedded migrations), never for anything built from input.
  void execute_script(std::string_view sql, std::string_view label);

  // libpq's connection, for what the wrappers here do not cover (COPY, LISTEN): only inside
  // storage/src/pg/.
  PGconn* raw() const { return conn_; }
  // Open Transactions on this connection: the outermost is BEGIN, the others SAVEPOINTs.
  int transaction_depth() const { return depth_; }
  // The SQLSTATE of the last statement that failed on this connection ("" before any): for the
  // few callers that tell errors outside class 23 apart (PostGIS refusing a geometry).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // Runs `undo` after the outermost open Transaction rolls back (not when it commits), outside
  // any transaction; its errors are swallowed. For what a rollback does not undo: a sequence's
  // values (the bulk writer's reserved ids).
  void after_rollback(std::function<void(Connection&)> undo);

 private:
  friend class Transaction;
  friend class CopyIn;
  [[noreturn]] void fail(const PGresult* result, std::string_view sql);
  PGconn* conn_ = nullptr;

  int depth_ = 0;
  std::string location_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> its statement's name
  std::string last_sqlstate_;
  std::vector<std::function<void(Connection&)>> after_rollback_;
};

// COPY table (columns) FROM STDIN (FORMAT binary): rows streamed to the server as they are
// made, parsed there without SQL per row. Build each row with CopyRow and hand it to write();
// finish() ends the stream and reports the server's verdict (errors by SQLSTATE, as exec). The
// destructor of an unfinished COPY cancels it; the statement then fails, and with it the
// transaction around it, as any failed statement does.
class CopyIn {
 public:
  // `sql` is COPY ... FROM STDIN (FORMAT binary), from this program (never built from input).
  CopyIn(Connection& connection, std::string_view sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  // Sends the buffered rows when they reach `flush_at` bytes.
  void write(std::string_view rows, std::size_t flush_at = 1 << 18);
  // Ends the stream and returns the number of rows the server stored.
  std::int64_t finish();

 private:
  void send();
  Connection& connection_;
  std::string sql_;
  std::string buffer_;
  bool done_ = false;
};

// One row of a binary COPY: fields in the table's column order, in PostgreSQL's binary
// send format (network byte order).
class CopyRow {
 public:
  explicit CopyRow(std::string& out) : out_(out) {}
  // Starts a row of `fields` fields.
  CopyRow& begin(std::int16_t fields);
  CopyRow& null();
  CopyRow& text(std::string_view s);  // text, also for a column of another type's text form
  CopyRow& int4(std::int32_t v);
  CopyRow& int8(std::int64_t v);
  CopyRow& float8(double v);
  CopyRow& boolean(bool v);
  CopyRow& bytes(std::string_view raw);  // bytea, or geometry as EWKB
  template <class T>
  CopyRow& optional(const std::optional<T>& v, CopyRow& (CopyRow::*put)(T)) {
    return v ? (this->*put)(*v) : null();
  }

  // The stream's header and trailer, around all rows.
  static void header(std::string& out);
  static void trailer(std::string& out);

 private:
  std::string& out_;
};

// BEGIN ... COMMIT; rolls back in the destructor unless commit() ran. Inside another one it is a
// SAVEPOINT: its failure undoes only its own part, as storage::Transaction on SQLite.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  std::string savepoint_;  // empty for the outermost
  bool done_ = false;
};

}  // namespace rootzone::storage::pg
