#pragma once
// Turns a failed SQLite call into the storage exception that fits its result code.
#include <string>
#include <string_view>

struct sqlite3;

namespace rootzone::storage::detail {

// Throws ConstraintViolation, StoreBusy or StorageError: "<context>: <SQLite's message>".
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view context);
[[noreturn]] void throw_for_code(int rc, const std::string& message);

// The start of a statement, for messages: the whole text can be a page long.
std::string_view sql_excerpt(std::string_view sql);

}  // namespace rootzone::storage::detail
