#include "rootzone/storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "pg/connection.hpp"
#include "pg/pg_dump.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"
#include "store_check.hpp"

namespace rootzone::storage {

namespace {

namespace fs = std::filesystem;

std::string errno_text(int error) { return std::generic_category().message(error); }

fs::path folder_of(const fs::path& file) {
  return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

// Refuses a target that cannot or must not take the copy, before anything is copied.
void check_target(const fs::path& from, const fs::path& to, bool overwrite) {
  const std::string name = to.string();
  std::error_code ec;
  const auto folder = folder_of(to);
  if (!fs::is_directory(folder, ec)) {
    throw TargetUnwritable("cannot write backup " + name + ": the folder " + folder.string() +
                           " does not exist");
  }
  if (fs::is_directory(to, ec)) {
    throw TargetUnwritable("cannot write backup " + name + ": it is a folder; name a file");
  }
  if (fs::exists(to, ec)) {
    if (fs::equivalent(from, to, ec)) {
      throw TargetUnwritable("cannot write backup " + name + ": it is the store being copied");
    }
    if (!overwrite) {
      throw StoreExists("cannot write backup " + name +
                        ": the file already exists (--force replaces it)");
    }
  }
  // A -wal or -journal beside the name belongs to a store there (open, or left by a crash):
  // SQLite would apply it to the copy renamed into its place, mixing two stores.
  for (const char* suffix : {"-wal", "-journal"}) {
    const fs::path beside = name + suffix;
    if (fs::exists(beside, ec)) {
      throw TargetUnwritable("cannot write backup " + name + ": " + beside.string() +
                             " exists, so a store there is in use or was left by a crash; stop "
                             "its server or choose another name");
    }
  }
}

// The copy under a temporary name in the target's folder (a rename within one file system is
// atomic); removed with SQLite's side files unless kept.
class TempFile {
 public:
  explicit TempFile(const fs::path& to) {
    const auto folder = folder_of(to);
    std::string pattern = (folder / ("." + to.filename().string() + ".backup-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = ::mkstemp(buffer.data());
    if (fd < 0) {
      throw TargetUnwritable("cannot write backup " + to.string() + ": cannot create a file in " +
                             folder.string() + ": " + errno_text(errno));
    }
    ::close(fd);
    path_ = buffer.data();
  }
  ~TempFile() {
    if (kept_) return;
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      fs::remove(path_.string() + suffix, ignored);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const fs::path& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  fs::path path_;
  bool kept_ = false;
};

// The destination connection: plain SQLite, since pages are copied as they are.
class Destination {
 public:
  explicit Destination(const fs::path& file) {
    const int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) {
      const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw TargetUnwritable("cannot open the backup file " + file.string() + ": " + why);
    }
  }
  ~Destination() { close(); }
  Destination(const Destination&) = delete;
  Destination& operator=(const Destination&) = delete;

  sqlite3* handle() const { return db_; }

  void exec(const char* sql, const std::string& context) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string why = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw StorageError(context + ": " + why);
    }
  }

  // Every row of `PRAGMA integrity_check`: "ok" alone when the file is sound.
  std::vector<std::string> integrity_check() {
    std::vector<std::string> rows;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &stmt, nullptr);
    while (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      rows.emplace_back(text != nullptr ? text : "");
    }
    if (rc != SQLITE_OK || rows.empty()) rows.emplace_back(sqlite3_errmsg(db_));
    sqlite3_finalize(stmt);
    return rows;
  }

  void close() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

class BackupHandle {
 public:
  BackupHandle(sqlite3* dest, sqlite3* source)
      : backup_(sqlite3_backup_init(dest, "main", source, "main")) {
    if (backup_ == nullptr) {
      throw StorageError(std::string("cannot start the backup: ") + sqlite3_errmsg(dest));
    }
  }
  ~BackupHandle() {
    if (backup_ != nullptr) sqlite3_backup_finish(backup_);
  }
  BackupHandle(const BackupHandle&) = delete;
  BackupHandle& operator=(const BackupHandle&) = delete;

  sqlite3_backup* get() const { return backup_; }
  // Ends the backup; SQLite's result of the whole copy.
  int finish() { return sqlite3_backup_finish(std::exchange(backup_, nullptr)); }

 private:
  sqlite3_backup* backup_;
};

void sync_path(const fs::path& path, int flags, const std::string& what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw StorageError("cannot sync " + what + " " + path.string() + ": " + errno_text(error));
  }
  ::close(fd);
}

// Moves the finished copy to its name: without `overwrite` only if the name is still free
// (another process may have taken it since check_target).
void move_into_place(const fs::path& temp, const fs::path& to, bool overwrite) {
  int rc = 0;
  if (overwrite) {
    rc = ::rename(temp.c_str(), to.c_str());
  } else {
    rc = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // A file system without RENAME_NOREPLACE: link() refuses an existing name just as well.
      rc = ::link(temp.c_str(), to.c_str());
      if (rc == 0) ::unlink(temp.c_str());
    }
  }
  if (rc == 0) return;
  const int error = errno;
  if (error == EEXIST) {
    throw StoreExists("cannot write backup " + to.string() +
                      ": the file appeared while copying (--force replaces it)");
  }
  throw TargetUnwritable("cannot write backup " + to.string() + ": " + errno_text(error));
}

// The finished copy, synced, renamed to its name and its folder synced: once this returns, the
// backup survives a power loss. Returns its size.
std::int64_t publish(TempFile& temp, const fs::path& to, bool overwrite) {
  sync_path(temp.path(), O_RDONLY, "the backup file");
  move_into_place(temp.path(), to, overwrite);
  temp.keep();
  sync_path(folder_of(to), O_RDONLY | O_DIRECTORY, "the folder");
  std::error_code ec;
  return static_cast<std::int64_t>(fs::file_size(to, ec));
}

// In rollback-journal mode each step is a read lock of its own and a writer's commit between
// two steps makes SQLite start the copy again; beyond this many passes over the store, give up.
constexpr int max_passes = 20;
// The source connection's busy handler already waits 5 s for a lock: this many of those.
constexpr int max_busy_steps = 6;

}  // namespace

namespace {

BackupResult backup_postgis(const std::string& from, const fs::path& to,
                            const BackupOptions& options) {
  {
    pg::Connection c(from);
    pg::require_rootzone_store(c);
  }
  check_target(from, to, options.overwrite);
  TempFile temp(to);
  pg::dump(from, temp.path());
  BackupResult result;
  result.postgis = true;
  result.snapshot = true;  // pg_dump reads one snapshot
  result.dump_entries = pg::check_dump(temp.path());
  result.bytes = publish(temp, to, options.overwrite);
  return result;
}

}  // namespace

BackupResult backup_store(const fs::path& from, const fs::path& to, const BackupOptions& options) {
  if (is_postgis_location(from.string())) return backup_postgis(from.string(), to, options);
  BackupResult result;
  Database source(from);
  // BEGIN, and the first read pins the snapshot: in WAL mode every later read of this
  // connection, the backup's included, sees the store as of this moment, whatever writers do.
  std::optional<ReadSnapshot> snapshot(std::in_place, source);
  try {
    detail::require_rootzone_store(source);
  } catch (const StoreBusy&) {
    throw StoreBusy("cannot back up " + from.string() +
                    ": the store stayed locked for the busy timeout (a bulk import holds it?); "
                    "retry when it is done");
  }
  {
    auto mode = source.prepare("PRAGMA journal_mode");
    result.snapshot = mode.step() && mode.text(0) == "wal";
  }
  // Without WAL a held read lock would keep every writer out until the copy ends: lock per step.
  if (!result.snapshot) snapshot.reset();

  check_target(from, to, options.overwrite);
  TempFile temp(to);
  Destination dest(temp.path());
  const int per_step = options.pages_per_step > 0 ? options.pages_per_step : 1024;
  {
    BackupHandle backup(dest.handle(), source.handle());
    int busy_steps = 0;
    for (;;) {
      const int rc = sqlite3_backup_step(backup.get(), per_step);
      ++result.steps;
      const std::int64_t total = sqlite3_backup_pagecount(backup.get());
      const std::int64_t done = total - sqlite3_backup_remaining(backup.get());
      if (options.progress) options.progress(done, total);
      if (rc == SQLITE_DONE) {
        result.pages = total;
        break;
      }
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++busy_steps > max_busy_steps) {
          throw StoreBusy("cannot back up " + from.string() +
                          ": the store stayed locked (a bulk import holds it?); retry when it "
                          "is done");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      if (rc != SQLITE_OK) {
        throw StorageError("backup of " + from.string() + " failed: " + sqlite3_errstr(rc));
      }
      busy_steps = 0;
      if (result.steps > max_passes * (total / per_step + 1)) {
        throw StoreBusy("cannot back up " + from.string() +
                        ": it changed faster than it could be copied (it is not in WAL mode: "
                        "open it once with rootzone, e.g. `rootzone info`, and retry)");
      }
    }
    const int rc = backup.finish();
    if (rc != SQLITE_OK) {
      throw StorageError("backup of " + from.string() +
                         " failed: " + sqlite3_errmsg(dest.handle()));
    }
  }
  snapshot.reset();

  // One self-contained file: the copy carries the store's WAL flag, which would make its first
  // reader create -wal and -shm files beside it. Store::open sets WAL again.
  dest.exec("PRAGMA journal_mode = DELETE", "cannot finish the backup " + temp.path().string());
  const auto integrity = dest.integrity_check();
  if (integrity.size() != 1 || integrity.front() != "ok") {
    std::string found;
    for (std::size_t i = 0; i < integrity.size() && i < 5; ++i) found += "; " + integrity[i];
    throw StorageError(
        "the copy of " + from.string() +
        " fails PRAGMA integrity_check, so the store itself is damaged: " + found.substr(2));
  }
  dest.close();
  result.bytes = publish(temp, to, options.overwrite);
  return result;
}

}  // namespace rootzone::storage
