// rootzone backup: a consistent copy of a store, also while `rootzone serve` writes to it
// (storage::backup_store; restoring is in docs/RELIABILITY.md, "Backups").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/storage/backup.hpp"
#include "rootzone/storage/location.hpp"

namespace rootzone::app {

namespace {

struct BackupCommandOptions {
  std::string db;
  std::string out;
  bool force = false;
};

int run_backup(const BackupCommandOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  storage::BackupOptions options;
  options.overwrite = o.force;
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (terminal) {
    options.progress = [](std::int64_t done, std::int64_t total) {
      std::fprintf(stderr, "\rcopied %lld of %lld pages", static_cast<long long>(done),
                   static_cast<long long>(total));
    };
  }
  const auto r = storage::backup_store(o.db, o.out, options);
  if (terminal) std::cerr << '\n';
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[256];
  if (r.postgis) {
    std::snprintf(line, sizeof line, "pg_dump custom format, %.1f MiB in %.2f s (%d entries)",
                  static_cast<double>(r.bytes) / (1024.0 * 1024.0), seconds, r.dump_entries);
    std::cout << "backup " << storage::printable_location(o.db) << " -> " << o.out << ": " << line
              << "; pg_restore --list ok; one snapshot of the database as it was when the backup "
                 "began (restore: createdb, then pg_restore --dbname)\n";
    return exit_code::ok;
  }
  std::snprintf(line, sizeof line, "%lld pages, %.1f MiB in %.2f s (%d steps)",
                static_cast<long long>(r.pages), static_cast<double>(r.bytes) / (1024.0 * 1024.0),
                seconds, r.steps);
  std::cout << "backup " << o.db << " -> " << o.out << ": " << line << "; integrity_check ok; "
            << (r.snapshot ? "one snapshot of the store as it was when the backup began"
                           : "the store was not in WAL mode: copied under its read lock")
            << '\n';
  return exit_code::ok;
}

}  // namespace

void add_backup_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<BackupCommandOptions>();
  auto* cmd = root.add_subcommand(
      "backup", "Copy a store to a file, also while a server writes to it (online backup)");
  cmd->add_option("--db", o->db, "Store to copy")->required();
  cmd->add_option("--out", o->out, "The backup file to write (refused if it exists)")->required();
  cmd->add_flag("--force", o->force, "Replace an existing backup file");
  cmd->callback([o, &chosen] { chosen = [o] { return run_backup(*o); }; });
}

}  // namespace rootzone::app
