// rootzone info: what a store holds, in one screen.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::app {

namespace {

int run_info(const std::string& db) {
  auto store = storage::Store::open(db);
  const auto crs = geo::describe_crs(store.srid());
  const auto rules = store.rule_sets().active();
  std::cout << "store: " << db << '\n'
            << "crs: EPSG:" << crs.epsg << " (" << crs.name << ")\n"
            << "area of use: " << crs.area.name << " [" << crs.area.west << ", " << crs.area.south
            << ", " << crs.area.east << ", " << crs.area.north << "]\n"
            << "schema version: " << store.schema_version() << '\n'
            << "rule set: " << rules.name << '\n'
            << "trees: " << store.trees().count() << '\n'
            << "works: " << store.works().count() << '\n';
  return exit_code::ok;
}

}  // namespace

void add_info_command(CLI::App& root, Action& chosen) {
  auto db = std::make_shared<std::string>();
  auto* cmd =
      root.add_subcommand("info", "Show a store's CRS, schema version, rule set and contents");
  cmd->add_option("--db", *db, "Path of the store")->required();
  cmd->callback([db, &chosen] { chosen = [db] { return run_info(*db); }; });
}

}  // namespace rootzone::app
