#include "postgis_gate.hpp"

#include <CLI/CLI.hpp>
#include <string>

#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"

namespace rootzone::app {

void refuse_commands_not_on_postgis(const CLI::App& root) {
  // The chosen command and its chosen subcommands ("users add", "tiles export").
  std::string command;
  const CLI::App* chosen = &root;
  for (;;) {
    const auto subs = chosen->get_subcommands();
    if (subs.empty()) break;
    chosen = subs.front();
    command += (command.empty() ? "" : " ") + chosen->get_name();
  }
  const CLI::Option* db = chosen->get_option_no_throw("--db");
  if (db == nullptr || db->count() == 0) return;
  const auto location = db->as<std::string>();
  if (!storage::is_postgis_location(location)) return;
  // What runs on PostGIS (docs/postgis.md, "What runs on PostGIS today"): every command today.
  // The list stays so that a command added later with a --db refuses a PostGIS store until its
  // reads and writes are on the seam, instead of opening "postgresql://..." as a file name.
  for (const char* allowed :
       {"init", "info", "backup", "import", "users", "check", "rules", "serve", "tiles"}) {
    if (command == allowed || command.starts_with(std::string(allowed) + " ")) return;
  }
  throw storage::NotOnPostgis(command +
                              " is not available on PostGIS yet (issue 16; docs/postgis.md lists "
                              "what is); give --db a SpatiaLite file for it");
}

}  // namespace rootzone::app
