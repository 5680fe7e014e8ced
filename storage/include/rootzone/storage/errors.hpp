#pragma once
// storage's exception hierarchy: every message names the store object or SQL that failed and
// carries SQLite's own words (docs/style.md 1, 2).
#include <stdexcept>

namespace rootzone::storage {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The file's schema cannot be used by this build: newer than the embedded migrations, or a
// migration that failed to apply.
struct SchemaError : StorageError {
  using StorageError::StorageError;
};

// Store::create on a path that already exists.
struct StoreExists : StorageError {
  using StorageError::StorageError;
};

// Store::open on a path that does not exist.
struct StoreMissing : StorageError {
  using StorageError::StorageError;
};

// "tree 4711 not found"
struct NotFound : StorageError {
  using StorageError::StorageError;
};

// Optimistic locking: "tree 4711: version 3 expected, store has 4".
struct VersionConflict : StorageError {
  using StorageError::StorageError;
};

// A UNIQUE, CHECK, NOT NULL, FOREIGN KEY or geometry constraint refused the data: the caller
// sent something impossible or duplicate, the store itself is fine.
struct ConstraintViolation : StorageError {
  using StorageError::StorageError;
};

// A file storage was asked to write beside the store (a backup) cannot be made there: the
// folder is missing or not writable, or the name is taken by a folder or a store in use.
struct TargetUnwritable : StorageError {
  using StorageError::StorageError;
};

// Another connection held the write lock longer than the busy timeout: retry later.
struct StoreBusy : StorageError {
  using StorageError::StorageError;
};

// A --db that names no store: a postgresql:// URI libpq cannot parse (issue 16).
struct InvalidLocation : StorageError {
  using StorageError::StorageError;
};

// A command that has not moved to PostgreSQL/PostGIS yet was given a postgresql:// store
// (docs/postgis.md, "What runs on PostGIS today").
struct NotOnPostgis : StorageError {
  using StorageError::StorageError;
};

}  // namespace rootzone::storage
