#pragma once
// Each subcommand lives in its own command_<name>.cpp: it declares its options on a CLI11
// subcommand and, when chosen, leaves the action to run in `chosen`. main() runs the action
// inside the one error mapper of app/ (docs/style.md 4, 12).
#include <functional>

namespace CLI {
class App;
}

namespace rootzone::app {

using Action = std::function<int()>;

void add_init_command(CLI::App& root, Action& chosen);
void add_info_command(CLI::App& root, Action& chosen);
void add_import_command(CLI::App& root, Action& chosen);
void add_check_command(CLI::App& root, Action& chosen);
void add_serve_command(CLI::App& root, Action& chosen);
void add_users_command(CLI::App& root, Action& chosen);
void add_tiles_command(CLI::App& root, Action& chosen);
void add_backup_command(CLI::App& root, Action& chosen);
void add_rules_command(CLI::App& root, Action& chosen);

}  // namespace rootzone::app
