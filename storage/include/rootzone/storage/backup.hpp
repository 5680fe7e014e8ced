#pragma once
// A consistent copy of a store while it is in use (a server goes on writing), made with
// SQLite's online backup API. Part of the store's contract (docs/architecture.md, "The store
// behind a seam"): a PostGIS store would answer it with pg_dump or a base backup.
#include <cstdint>
#include <filesystem>
#include <functional>

namespace rootzone::storage {

struct BackupOptions {
  // Replace a file already at the target (StoreExists otherwise).
  bool overwrite = false;
  // Pages copied per step: 1024 pages of 4 KiB are 4 MiB, a few milliseconds of copying.
  int pages_per_step = 1024;
  // Called after every step with the pages copied so far and the pages of the snapshot.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  int steps = 0;
  // True when the store was in WAL mode and the whole copy came from the one read snapshot
  // taken when the backup began.
  bool snapshot = false;
  // A PostGIS store: pg_dump's custom format (pages and steps stay 0), and the number of
  // entries pg_restore --list read back from it.
  bool postgis = false;
  int dump_entries = 0;
};

// Copies the store at `from` into the file `to`: holds every transaction committed before the
// call began. In WAL mode (a server's store) the copy reads one snapshot taken at the start;
// writers go on meanwhile, never waiting for the copy. The copy is written to a temporary file
// in `to`'s folder in rollback-journal mode (one self-contained file), must pass
// `PRAGMA integrity_check`, and is then renamed to `to` and synced with its folder.
// Throws StoreMissing (no file at `from`), StorageError ("... is not a rootzone store", a
// failed integrity check), StoreBusy (the store stayed locked, e.g. by a bulk import),
// StoreExists (`to` exists and !overwrite), TargetUnwritable (folder missing or not writable,
// `to` a folder, the store itself, or a store with a -wal or -journal file beside it).
// Nothing is left at `to` or in its folder when it throws.
// A PostGIS store (`from` a postgresql:// location): pg_dump --format=custom of one snapshot of
// the database into the temporary file, read back with pg_restore --list, then synced and
// renamed as above; restored with createdb and pg_restore (docs/postgis.md, "Backups on
// PostGIS"). The same refusals for the target; StorageError with pg_dump's words when it fails.
BackupResult backup_store(const std::filesystem::path& from, const std::filesystem::path& to,
                          const BackupOptions& options = {});

}  // namespace rootzone::storage
