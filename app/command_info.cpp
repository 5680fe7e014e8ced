// rootzone info: what a store holds, in one screen.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::app {

namespace {

struct Summary {
  std::string where;
  int srid = 0;
  int schema_version = 0;
  std::string rule_set;
  std::int64_t trees = 0;
  std::int64_t works = 0;
};

// The same screen for either store; only the location line differs.
void print(const Summary& s) {
  const auto crs = geo::describe_crs(s.srid);
  std::cout << "store: " << s.where << '\n'
            << "crs: EPSG:" << crs.epsg << " (" << crs.name << ")\n"
            << "area of use: " << crs.area.name << " [" << crs.area.west << ", " << crs.area.south
            << ", " << crs.area.east << ", " << crs.area.north << "]\n"
            << "schema version: " << s.schema_version << '\n'
            << "rule set: " << s.rule_set << '\n'
            << "trees: " << s.trees << '\n'
            << "works: " << s.works << '\n';
}

int run_info(const std::string& db) {
  auto store = storage::Store::open(db);
  print({store.location(), store.srid(), store.schema_version(), store.rule_sets().active().name,
         store.trees().count(), store.works().count()});
  return exit_code::ok;
}

}  // namespace

void add_info_command(CLI::App& root, Action& chosen) {
  auto db = std::make_shared<std::string>();
  auto* cmd =
      root.add_subcommand("info", "Show a store's CRS, schema version, rule set and contents");
  cmd->add_option("--db", *db, "Path of the store, or postgresql://... of a PostGIS store")
      ->required();
  cmd->callback([db, &chosen] { chosen = [db] { return run_info(*db); }; });
}

}  // namespace rootzone::app
