#pragma once
// COPY ... TO STDOUT in PostgreSQL's binary format, for the bulk reads of a check (a million
// trees read): one statement streamed, no per-row round trip, no text conversion of numbers
// (float8 travels as its 8 IEEE bytes, so every double comes back exactly as it went in). The
// writing direction is CopyIn and CopyRow in connection.hpp. Only for SQL this program carries:
// COPY takes no $n parameters, and the statements here have no values in them; the values travel in
// the data.
#include <libpq-fe.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "pg/connection.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage::pg::copy {

namespace detail {

// std::byteswap is C++23.
template <class U>
U swap_bytes(U v) {
  if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
  if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
  if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(v));
}

template <class U>
U big_endian(U v) {
  return std::endian::native == std::endian::little ? swap_bytes(v) : v;
}

inline std::string server_words(const PGresult* r, PGconn* conn) {
  const char* primary = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string text = primary != nullptr ? primary : PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The same mapping by SQLSTATE as Connection::exec: integrity class 23 is a ConstraintViolation,
// serialisation failure, deadlock and lock timeout StoreBusy, everything else StorageError.
[[noreturn]] inline void fail(Connection& c, const PGresult* r, std::string_view sql) {
  const char* state = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = c.location() + ": \"" + std::string(sql.substr(0, 80)) +
                              (sql.size() > 80 ? "..." : "") + "\": " + server_words(r, c.raw());
  if (sqlstate.starts_with("23")) throw ConstraintViolation(message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") throw StoreBusy(message);
  throw StorageError(message);
}

// Collects the results after COPY ends; the first error wins.
inline void finish(Connection& c, std::string_view sql) {
  PGresult* failed = nullptr;
  while (PGresult* r = PQgetResult(c.raw())) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && failed == nullptr) {
      failed = r;
    } else {
      PQclear(r);
    }
  }
  if (failed != nullptr) {
    const std::string text(sql);
    try {
      fail(c, failed, text);
    } catch (...) {
      PQclear(failed);
      throw;
    }
  }
}

constexpr char signature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its terminating NUL

}  // namespace detail

// One row of a COPY ... TO STDOUT (FORMAT binary), read field by field in column order.
class Row {
 public:
  Row(const char* data, std::size_t size) : p_(data), end_(data + size) {}

  bool is_null(int column) const { return field(column).size == -1; }
  std::int64_t int8(int column) const { return integer<std::int64_t>(column, 8); }
  std::int32_t int4(int column) const { return integer<std::int32_t>(column, 4); }
  bool boolean(int column) const { return bytes(column, 1)[0] != 0; }
  double float8(int column) const {
    return std::bit_cast<double>(static_cast<std::uint64_t>(integer<std::int64_t>(column, 8)));
  }
  std::optional<double> optional_float8(int column) const {
    if (is_null(column)) return std::nullopt;
    return float8(column);
  }
  std::optional<bool> optional_boolean(int column) const {
    if (is_null(column)) return std::nullopt;
    return boolean(column);
  }
  std::string_view text(int column) const {
    const auto f = field(column);
    return f.size < 0 ? std::string_view()
                      : std::string_view(f.data, static_cast<std::size_t>(f.size));
  }

  // Called by the reader: the offsets of the row's fields.
  bool index(int columns) {
    if (columns > max_columns) return false;
    const char* p = p_;
    for (int i = 0; i < columns; ++i) {
      if (end_ - p < 4) return false;
      const auto size = static_cast<std::int32_t>(big<std::uint32_t>(p));
      p += 4;
      fields_[i] = {p, size};
      if (size > 0) {
        if (end_ - p < size) return false;
        p += size;
      }
    }
    return true;
  }

 private:
  static constexpr int max_columns = 16;
  struct Field {
    const char* data = nullptr;
    std::int32_t size = -1;
  };
  template <class U>
  static U big(const char* p) {
    U v;
    std::memcpy(&v, p, sizeof v);
    return detail::big_endian(v);
  }
  Field field(int column) const { return fields_[column]; }
  const char* bytes(int column, std::int32_t size) const {
    const auto f = field(column);
    if (f.size != size) {
      throw StorageError("COPY field " + std::to_string(column) + " has " + std::to_string(f.size) +
                         " bytes, expected " + std::to_string(size));
    }
    return f.data;
  }
  template <class I>
  I integer(int column, std::int32_t size) const {
    using U = std::make_unsigned_t<I>;
    return static_cast<I>(big<U>(bytes(column, size)));
  }

  const char* p_;
  const char* end_;
  Field fields_[max_columns];
};

// Runs `sql` (a COPY (SELECT ...) TO STDOUT (FORMAT binary) without parameters) and hands
// each row to `f`, streaming: the rows are never all in memory at once.
inline void read(Connection& c, const std::string& sql, int columns,
                 const std::function<void(const Row&)>& f) {
  PGconn* conn = c.raw();
  PGresult* start = PQexec(conn, sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_OUT) {
    try {
      detail::fail(c, start, sql);
    } catch (...) {
      PQclear(start);
      throw;
    }
  }
  PQclear(start);
  bool header = true;
  std::exception_ptr error;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn, &buffer, 0);
    if (n == -1) break;  // done: the result follows
    if (n < 0) detail::fail(c, nullptr, sql);
    std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
    if (error) continue;  // drain what the server still sends
    const char* p = buffer;
    std::size_t size = static_cast<std::size_t>(n);
    // The server sends the file header in front of the first row, each row (and the trailer,
    // a field count of -1) as one message.
    if (header) {
      constexpr std::size_t header_size = 11 + 4 + 4;
      if (size < header_size || std::memcmp(p, detail::signature, 11) != 0) {
        error = std::make_exception_ptr(StorageError("COPY: not PostgreSQL's binary format"));
        continue;
      }
      std::uint32_t extension = 0;
      std::memcpy(&extension, p + 15, 4);
      extension = detail::big_endian(extension);
      p += header_size + extension;
      size -= header_size + extension;
      header = false;
      if (size == 0) continue;
    }
    if (size < 2) {
      error = std::make_exception_ptr(StorageError("COPY: a row without a field count"));
      continue;
    }
    std::uint16_t count = 0;
    std::memcpy(&count, p, 2);
    count = detail::big_endian(count);
    if (count == 0xFFFF) continue;  // the trailer
    Row row(p + 2, size - 2);
    if (count != columns || !row.index(columns)) {
      error = std::make_exception_ptr(StorageError("COPY: a row of " + std::to_string(count) +
                                                   " fields, expected " + std::to_string(columns)));
      continue;
    }
    try {
      f(row);
    } catch (...) {
      error = std::current_exception();
    }
  }
  detail::finish(c, sql);
  if (error) std::rethrow_exception(error);
}

}  // namespace rootzone::storage::pg::copy
