// Commands declared ahead of their implementation, so that scripts and `--help` see the
// command line the later issues build; running one says so and exits with EX_UNAVAILABLE.
// None is pending now: `tiles export` is built (command_tiles.cpp).
#include <CLI/CLI.hpp>

#include "command.hpp"

namespace rootzone::app {

void add_tiles_command(CLI::App& root, Action& chosen);  // command_tiles.cpp

void add_pending_commands(CLI::App& root, Action& chosen) { add_tiles_command(root, chosen); }

}  // namespace rootzone::app
