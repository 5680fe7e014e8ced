#include "pg/connection.hpp"

#include <charconv>
#include <cstring>
#include <memory>
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
  exec("SET client_encoding = 'UTF8'");
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}
Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      depth_(std::exchange(other.depth_, 0)),
      location_(std::move(other.location_)),
      prepared_(std::move(other.prepared_)) {}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    depth_ = std::exchange(other.depth_, 0);
    location_ = std::move(other.location_);
    prepared_ = std::move(other.prepared_);
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
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      throw_for(prepared.get(), location_ + ": \"" + excerpt(sql) + "\"");
    }
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
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw_for(result.get(), location_ + ": \"" + excerpt(sql) + "\"");
  }
  return Result(result.release());
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
    } else {
      connection_.exec("ROLLBACK TO SAVEPOINT " + savepoint_);
      connection_.exec("RELEASE SAVEPOINT " + savepoint_);
    }
  } catch (...) {
    // The connection is gone; the server rolled back already.
  }
}

void Transaction::commit() {
  connection_.exec(savepoint_.empty() ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint_);
  done_ = true;
  --connection_.depth_;
}

}  // namespace rootzone::storage::pg
