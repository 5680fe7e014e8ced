// rootzone: the command line. One place maps every failure to a message and an exit code.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "command.hpp"
#include "exit_codes.hpp"
#include "postgis_gate.hpp"
#include "rootzone/core/errors.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/storage/errors.hpp"

namespace {

int run_reporting_errors(const rootzone::app::Action& action) {
  namespace ec = rootzone::app::exit_code;
  try {
    return action();
  } catch (const rootzone::importers::InputMissing& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::no_input;
  } catch (const rootzone::importers::ImportError& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::data;
  } catch (const rootzone::storage::SchemaError& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::data;
  } catch (const rootzone::storage::StoreExists& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::cant_create;
  } catch (const rootzone::storage::TargetUnwritable& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::cant_create;
  } catch (const rootzone::storage::StoreMissing& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::no_input;
  } catch (const rootzone::storage::NotOnPostgis& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::unavailable;
  } catch (const rootzone::storage::InvalidLocation& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::usage;
  } catch (const rootzone::storage::NotFound& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::data;
  } catch (const rootzone::storage::StorageError& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::io;
  } catch (const rootzone::core::Error& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return e.kind() == rootzone::core::ErrorKind::busy ? ec::io : ec::data;
  } catch (const rootzone::geo::GeoError& e) {
    std::cerr << "rootzone: error: " << e.what() << '\n';
    return ec::data;
  } catch (const std::exception& e) {
    std::cerr << "rootzone: internal error: " << e.what() << '\n';
    return ec::software;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rootzone: protected trees against construction works, served to GIS clients",
               "rootzone"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rootzone 0.1.0");

  rootzone::app::Action chosen;
  rootzone::app::add_init_command(app, chosen);
  rootzone::app::add_info_command(app, chosen);
  rootzone::app::add_import_command(app, chosen);
  rootzone::app::add_check_command(app, chosen);
  rootzone::app::add_serve_command(app, chosen);
  rootzone::app::add_users_command(app, chosen);
  rootzone::app::add_tiles_command(app, chosen);
  rootzone::app::add_backup_command(app, chosen);
  rootzone::app::add_rules_command(app, chosen);

  // CLI11 reports an unknown first word only as "A subcommand is required": name it instead.
  const auto is_command = [&](const std::string& word) {
    const auto subs = app.get_subcommands([&](const CLI::App* s) { return s->get_name() == word; });
    return !subs.empty();
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    std::cerr << "rootzone: unknown command '" << argv[1] << "'; commands:";
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      std::cerr << ' ' << sub->get_name();
    }
    std::cerr << "\nRun with --help for more information.\n";
    return rootzone::app::exit_code::usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return rootzone::app::exit_code::usage;
  }
  return run_reporting_errors([&] {
    rootzone::app::refuse_commands_not_on_postgis(app);
    return chosen();
  });
}
