// Commands declared ahead of their implementation, so that scripts and `--help` see the
// command line the later issues build; running one says so and exits with EX_UNAVAILABLE.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"

namespace rootzone::app {

namespace {

struct PendingOptions {
  std::string db;
  std::string out;
  int minzoom = 0;
  int maxzoom = 16;
};

Action not_built_yet(std::string command) {
  return [command = std::move(command)] {
    std::cerr << "rootzone " << command
              << ": not built into this version yet (see the project's open issues)\n";
    return exit_code::unavailable;
  };
}

void add_tiles(CLI::App& root, Action& chosen, const std::shared_ptr<PendingOptions>& o) {
  auto* cmd = root.add_subcommand("tiles", "Vector tiles");
  cmd->require_subcommand(1);
  auto* exp = cmd->add_subcommand("export", "Write an MBTiles file for offline devices");
  exp->add_option("--db", o->db, "Store to read")->required();
  exp->add_option("--out", o->out, "MBTiles file to write")->required();
  exp->add_option("--minzoom", o->minzoom)->capture_default_str()->check(CLI::Range(0, 22));
  exp->add_option("--maxzoom", o->maxzoom)->capture_default_str()->check(CLI::Range(0, 22));
  exp->callback([&chosen, o] { chosen = not_built_yet("tiles export"); });
}

}  // namespace

void add_pending_commands(CLI::App& root, Action& chosen) {
  auto opts = std::make_shared<PendingOptions>();
  add_tiles(root, chosen, opts);
}

}  // namespace rootzone::app
