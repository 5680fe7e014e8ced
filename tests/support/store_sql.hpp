#pragma once
// Plain SQL on a test's store, whichever it is: for the checks of what the repositories wrote
// and for the statements no repository offers (a tree deleted behind the server's back, a
// trigger's refusal). On PostGIS on a connection of its own, so only committed rows are seen.
#include <string>
#include <vector>

#include "rootzone/storage/store.hpp"

namespace rootzone::test {

// The first column of the first row as text; "" for no row or NULL.
std::string sql_one(storage::Store& store, const std::string& sql);

// Every row, its first `columns` columns as text ("" for NULL).
std::vector<std::vector<std::string>> sql_rows(storage::Store& store, const std::string& sql,
                                               int columns);

// Runs one statement; the store's errors as the store throws them (ConstraintViolation for what
// a CHECK or trigger refuses, on both stores).
void sql_exec(storage::Store& store, const std::string& sql);

}  // namespace rootzone::test
