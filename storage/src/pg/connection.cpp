#include "pg/connection.hpp"

#include <bit>
#include <charconv>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"

namespace rootzone::storage::pg {

namespace {

// libpq's messages end in a newline and may span lines, indented by tabs: one line each.
std::string one_line(const char* message) {
  std::string text;
  for (const char* c = message == nullptr ? "" : message; *c != '\0'; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == ' ';
    if (!space) {
      text += *c;
    } else if (!text.empty() && text.back() != ' ') {
      text += ' ';
    }
  }
  if (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The server's own sentence and its hint, without libpq's "ERROR:  " framing.
std::string server_message(const PGresult* result) {
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (primary == nullptr) return one_line(PQresultErrorMessage(result));
  std::string text = one_line(primary);
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    text += " (" + one_line(detail) + ")";
  }
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
    text += " (" + one_line(hint) + ")";
  }
  return text;
}

std::string excerpt(std::string_view sql) {
  constexpr std::size_t limit = 80;
  std::string text(sql.substr(0, limit));
  for (auto& c : text) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > limit ? text + "..." : text;
}

[[noreturn]] void throw_for(const PGresult* result, const std::string& what) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = what + ": " + server_message(result);
  if (sqlstate.starts_with("23")) throw ConstraintViolation(message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") throw StoreBusy(message);
  throw StorageError(message);
}

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

Result::~Result() { PQclear(result_); }
Result::Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Result::rows() const { return PQntuples(result_); }
bool Result::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<std::size_t>(PQgetlength(result_, row, column)));
}
std::int64_t Result::int64(int row, int column) const {
  const char* value = PQgetvalue(result_, row, column);
  const char* end = value + PQgetlength(result_, row, column);
  std::int64_t n = 0;
  const auto [at, error] = std::from_chars(value, end, n);
  if (error != std::errc() || at != end) {
    throw StorageError("PostgreSQL returned '" + std::string(value, end) +
                       "' where an integer was expected");
  }
  return n;
}

double Result::real(int row, int column) const {
  const char* value = PQgetvalue(result_, row, column);
  const char* end = value + PQgetlength(result_, row, column);
  double d = 0;
  const auto [at, error] = std::from_chars(value, end, d);
  if (error != std::errc() || at != end) {
    throw StorageError("PostgreSQL returned '" + std::string(value, end) +
                       "' where a number was expected");
  }
  return d;
}

std::vector<std::uint8_t> Result::bytes(int row, int column) const {
  const char* value = PQgetvalue(result_, row, column);
  std::size_t length = 0;
  // PQunescapeBytea reads bytea's text output (hex, \x...), whatever bytea_output says.
  std::unique_ptr<unsigned char, decltype(&PQfreemem)> raw(
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &length), &PQfreemem);
  if (raw == nullptr) throw StorageError("PostgreSQL returned a bytea libpq cannot decode");
  return {raw.get(), raw.get() + length};
}

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(result_);
  return *n == '\0' ? 0 : std::stoll(n);
}

Connection::Connection(const std::string& location) : location_(printable_location(location)) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(location.c_str(), &parse_error);
  if (parsed == nullptr) {
    const std::string reason = parse_error != nullptr ? one_line(parse_error) : "out of memory";
    PQfreemem(parse_error);
    throw InvalidLocation(location_ + " is not a PostgreSQL connection URI: " + reason);
  }
  PQconninfoFree(parsed);
  // Defaults first: a later keyword wins, so the URI's own connect_timeout overrides ours.
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname",
                                  nullptr};
  const char* const values[] = {"10", "rootzone", location.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (conn_ == nullptr) throw StorageError(location_ + ": libpq could not allocate a connection");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string reason = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw StorageError("cannot connect to " + location_ + ": " + reason);
  }
  // The store's text (times, names) is UTF-8 whatever the server's or client's locale says;
  // notices (CREATE ... IF NOT EXISTS) are not for the user's terminal.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // And doubles as their shortest text that reads back as the same value (any
  // extra_float_digits above 0 means that since PostgreSQL 12), whatever the server's
  // configuration says: coordinates and measures read back exactly as written. A statement
  // waiting for another transaction's lock (a writer holding the generation row) gives up
  // after 5 s as SQLite's busy timeout does (database.cpp): StoreBusy, 503 with Retry-After,
  // rather than a request that hangs for as long as the other writer runs.
  // A write is acknowledged only once it is durable: with synchronous_commit off (a server
  // tuned for bulk loads) an acknowledged write could be lost in a crash. Stricter settings (a
  // synchronous standby's remote_apply) stay as the server has them.
  exec(
      "SELECT set_config('client_encoding', 'UTF8', false),"
      " set_config('extra_float_digits', '3', false), set_config('lock_timeout', '5s', false),"
      " CASE WHEN current_setting('synchronous_commit') = 'off'"
      " THEN set_config('synchronous_commit', 'on', false) END");
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}
Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      depth_(std::exchange(other.depth_, 0)),
      location_(std::move(other.location_)),
      prepared_(std::move(other.prepared_)),
      last_sqlstate_(std::move(other.last_sqlstate_)),
      after_rollback_(std::move(other.after_rollback_)) {}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    depth_ = std::exchange(other.depth_, 0);
    location_ = std::move(other.location_);
    prepared_ = std::move(other.prepared_);
    last_sqlstate_ = std::move(other.last_sqlstate_);
    after_rollback_ = std::move(other.after_rollback_);
  }
  return *this;
}

Result Connection::exec(std::string_view sql, std::initializer_list<Parameter> parameters) {
  return exec(sql, std::vector<Parameter>(parameters));
}

Result Connection::exec(std::string_view sql, const std::vector<Parameter>& parameters) {
  const std::string statement(sql);
  // Parsed and planned once per connection under a name of its own, as Database::prepare
  // keeps SQLite's statements; the values travel apart from the SQL (Bind), never parsed.
  auto name = prepared_.find(statement);
  if (name == prepared_.end()) {
    const std::string new_name = "rz" + std::to_string(prepared_.size() + 1);
    std::unique_ptr<PGresult, ResultFree> prepared(
        PQprepare(conn_, new_name.c_str(), statement.c_str(), 0, nullptr));
    if (prepared == nullptr) {
      throw StorageError(location_ + ": \"" + excerpt(sql) +
                         "\": " + one_line(PQerrorMessage(conn_)));
    }
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) fail(prepared.get(), sql);
    name = prepared_.emplace(statement, new_name).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(parameters.size());
  for (const auto& p : parameters) {
    values.push_back(p.value ? p.value->c_str() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.is_binary ? 1 : 0);
  }
  std::unique_ptr<PGresult, ResultFree> result(
      PQexecPrepared(conn_, name->second.c_str(), static_cast<int>(values.size()), values.data(),
                     lengths.data(), formats.data(), 0));
  if (result == nullptr) {
    throw StorageError(location_ + ": \"" + excerpt(sql) +
                       "\": " + one_line(PQerrorMessage(conn_)));
  }
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result.get(), sql);
  return Result(result.release());
}

void Connection::fail(const PGresult* result, std::string_view sql) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state == nullptr ? "" : state;
  throw_for(result, location_ + ": \"" + excerpt(sql) + "\"");
}

void Connection::execute_script(std::string_view sql, std::string_view label) {
  const std::string script(sql);
  // PQexec runs several statements in one call (simple query protocol); it stops at the first
  // error, which names the statement's position.
  std::unique_ptr<PGresult, ResultFree> result(PQexec(conn_, script.c_str()));
  if (result == nullptr) {
    throw SchemaError(location_ + ": " + std::string(label) + ": " +
                      one_line(PQerrorMessage(conn_)));
  }
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw SchemaError(location_ + ": " + std::string(label) + ": " + server_message(result.get()));
  }
}

CopyIn::CopyIn(Connection& connection, std::string_view sql) : connection_(connection), sql_(sql) {
  std::unique_ptr<PGresult, ResultFree> result(PQexec(connection_.conn_, sql_.c_str()));
  if (result == nullptr) {
    throw StorageError(connection_.location_ + ": \"" + excerpt(sql_) +
                       "\": " + one_line(PQerrorMessage(connection_.conn_)));
  }
  if (PQresultStatus(result.get()) != PGRES_COPY_IN) connection_.fail(result.get(), sql_);
  CopyRow::header(buffer_);
}

CopyIn::~CopyIn() {
  if (done_) return;
  // Cancels the COPY: the server ends it with an error, which ends the statement.
  if (PQputCopyEnd(connection_.conn_, "cancelled by rootzone") == 1) {
    while (PGresult* r = PQgetResult(connection_.conn_)) PQclear(r);
  }
}

void CopyIn::send() {
  if (buffer_.empty()) return;
  if (PQputCopyData(connection_.conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    throw StorageError(connection_.location_ + ": \"" + excerpt(sql_) +
                       "\": " + one_line(PQerrorMessage(connection_.conn_)));
  }
  buffer_.clear();
}

void CopyIn::write(std::string_view rows, std::size_t flush_at) {
  buffer_.append(rows);
  if (buffer_.size() >= flush_at) send();
}

std::int64_t CopyIn::finish() {
  CopyRow::trailer(buffer_);
  send();
  done_ = true;
  if (PQputCopyEnd(connection_.conn_, nullptr) != 1) {
    throw StorageError(connection_.location_ + ": \"" + excerpt(sql_) +
                       "\": " + one_line(PQerrorMessage(connection_.conn_)));
  }
  std::unique_ptr<PGresult, ResultFree> result(PQgetResult(connection_.conn_));
  // Whatever follows (nothing, for one COPY) is read, so the connection is ready again.
  while (PGresult* more = PQgetResult(connection_.conn_)) PQclear(more);
  if (result == nullptr) {
    throw StorageError(connection_.location_ + ": \"" + excerpt(sql_) +
                       "\": " + one_line(PQerrorMessage(connection_.conn_)));
  }
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) connection_.fail(result.get(), sql_);
  const char* n = PQcmdTuples(result.get());
  return *n == '\0' ? 0 : std::stoll(n);
}

namespace {

template <class T>
void put_big_endian(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  auto u = static_cast<U>(v);
  char bytes[sizeof(T)];
  for (int i = static_cast<int>(sizeof(T)) - 1; i >= 0; --i) {
    bytes[i] = static_cast<char>(u & 0xFF);
    u = static_cast<U>(u >> 8);
  }
  out.append(bytes, sizeof(T));
}

}  // namespace

void CopyRow::header(std::string& out) {
  out.append("PGCOPY\n\377\r\n\0", 11);
  put_big_endian<std::int32_t>(out, 0);  // flags: no OIDs
  put_big_endian<std::int32_t>(out, 0);  // no header extension
}

void CopyRow::trailer(std::string& out) { put_big_endian<std::int16_t>(out, -1); }

CopyRow& CopyRow::begin(std::int16_t fields) {
  put_big_endian(out_, fields);
  return *this;
}
CopyRow& CopyRow::null() {
  put_big_endian<std::int32_t>(out_, -1);
  return *this;
}
CopyRow& CopyRow::text(std::string_view s) { return bytes(s); }
CopyRow& CopyRow::bytes(std::string_view raw) {
  put_big_endian(out_, static_cast<std::int32_t>(raw.size()));
  out_.append(raw);
  return *this;
}
CopyRow& CopyRow::int4(std::int32_t v) {
  put_big_endian<std::int32_t>(out_, 4);
  put_big_endian(out_, v);
  return *this;
}
CopyRow& CopyRow::int8(std::int64_t v) {
  put_big_endian<std::int32_t>(out_, 8);
  put_big_endian(out_, v);
  return *this;
}
CopyRow& CopyRow::float8(double v) {
  put_big_endian<std::int32_t>(out_, 8);
  put_big_endian(out_, std::bit_cast<std::int64_t>(v));
  return *this;
}
CopyRow& CopyRow::boolean(bool v) {
  put_big_endian<std::int32_t>(out_, 1);
  out_ += static_cast<char>(v ? 1 : 0);
  return *this;
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  if (connection_.depth_ == 0) {
    connection_.exec("BEGIN");
  } else {
    savepoint_ = "rz_sp" + std::to_string(connection_.depth_);
    connection_.exec("SAVEPOINT " + savepoint_);
  }
  ++connection_.depth_;
}

Transaction::~Transaction() {
  if (done_) return;
  --connection_.depth_;
  try {
    if (savepoint_.empty()) {
      connection_.exec("ROLLBACK");
      auto undo = std::move(connection_.after_rollback_);
      connection_.after_rollback_.clear();
      for (auto& f : undo) {
        try {
          f(connection_);
        } catch (const StorageError&) {
          // What it undoes is cosmetic (ids left unused): the rollback itself succeeded.
        }
      }
    } else {
      connection_.exec("ROLLBACK TO SAVEPOINT " + savepoint_);
      connection_.exec("RELEASE SAVEPOINT " + savepoint_);
    }
  } catch (...) {
    // The connection is gone; the server rolled back already.
  }
}

void Connection::after_rollback(std::function<void(Connection&)> undo) {
  if (depth_ > 0) after_rollback_.push_back(std::move(undo));
}

void Transaction::commit() {
  connection_.exec(savepoint_.empty() ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint_);
  if (savepoint_.empty()) connection_.after_rollback_.clear();
  done_ = true;
  --connection_.depth_;
}

}  // namespace rootzone::storage::pg
