// rootzone import trees|works FILE: filled by the importers issue.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"

namespace rootzone::app {

namespace {
struct ImportOptions {
  std::string db, file, mapping, format;
  bool strict = false;
  bool dry_run = false;
};
}  // namespace

void add_import_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = root.add_subcommand("import", "Import trees or works from files and feeds");
  cmd->require_subcommand(1);
  for (const char* what : {"trees", "works"}) {
    auto* sub = cmd->add_subcommand(what, std::string("Import ") + what + " from FILE");
    sub->add_option("file", o->file, "CSV, GeoJSON, GeoPackage, Shapefile or WZDx file")->required();
    sub->add_option("--db", o->db, "Store to import into")->required();
    sub->add_option("--mapping", o->mapping, "Mapping profile of the source (JSON)");
    sub->add_option("--format", o->format, "Force a format, e.g. wzdx");
    sub->add_flag("--strict", o->strict, "Abort the whole import on the first problem");
    sub->add_flag("--dry-run", o->dry_run, "Report what would change without writing");
    sub->callback([&chosen, o] {
      chosen = [] {
        std::cerr << "rootzone import: not built into this version yet\n";
        return exit_code::unavailable;
      };
    });
  }
}

}  // namespace rootzone::app
