#pragma once
// libpq behind small owning types (docs/style.md 5): a connection, a result, a transaction.
// Statements are prepared once per connection (PQprepare) and run with their values as
// parameters ($1, $2 ... in text format, sent apart from the SQL by PQexecPrepared), so no
// value is ever spliced into a statement. Nothing of libpq leaks beyond storage/src/pg/.
#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rootzone::storage::pg {

using Parameter = std::optional<std::string>;  // nullopt is SQL NULL

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
  // Runs a script of several statements without parameters: only for SQL this program
  // carries (the embedded migrations), never for anything built from input.
  void execute_script(std::string_view sql, std::string_view label);

 private:
  PGconn* conn_ = nullptr;
  std::string location_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> its statement's name
};

// BEGIN ... COMMIT; rolls back in the destructor unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace rootzone::storage::pg
