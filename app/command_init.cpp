// rootzone init: create an empty store in a metric CRS.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/store.hpp"
#include "rule_set_files.hpp"

namespace rootzone::app {

namespace {

struct InitOptions {
  std::string db;
  int srid = 25832;
  std::string rules = "mainz";
};

void report(const std::string& where, int srid, int schema_version, const geo::RuleSet& rules) {
  const auto crs = geo::describe_crs(srid);
  std::cout << "created store " << where << ": EPSG:" << crs.epsg << " (" << crs.name
            << "), schema version " << schema_version << ", rule set " << rules.name << " ("
            << rules.ordinance << ")\n";
}

int run_init(const InitOptions& o) {
  // Judged before the store exists: a refused rule set file leaves no store behind.
  const auto rules = rule_set_from_argument(o.rules);
  auto store = storage::Store::create(o.db, o.srid);
  if (rules != store.rule_sets().active()) {
    storage::StoreTransaction tx(store);
    store.rule_sets().save(rules);
    store.rule_sets().set_active(rules.name);
    tx.commit();
  }
  report(store.location(), store.srid(), store.schema_version(), rules);
  return exit_code::ok;
}

}  // namespace

void add_init_command(CLI::App& root, Action& chosen) {
  auto opts = std::make_shared<InitOptions>();
  auto* cmd = root.add_subcommand(
      "init", "Create a new, empty store (SpatiaLite file, or a PostgreSQL/PostGIS database)");
  cmd->add_option("--db", opts->db,
                  "Path of the store to create (must not exist), or postgresql://... of an "
                  "existing database that holds no store yet")
      ->required();
  cmd->add_option("--srid", opts->srid,
                  "EPSG code of the store's CRS: projected, in metres (25832 = ETRS89 / UTM 32N, "
                  "25833 for Berlin and Leipzig)")
      ->capture_default_str();
  cmd->add_option("--rules", opts->rules,
                  "The ordinance deciding which trees are protected: a built-in rule set (" +
                      builtin_rule_set_names() + ") or a JSON file (docs/rules.md)")
      ->capture_default_str();
  cmd->callback([opts, &chosen] { chosen = [opts] { return run_init(*opts); }; });
}

}  // namespace rootzone::app
