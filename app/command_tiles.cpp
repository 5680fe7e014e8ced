// rootzone tiles export: an MBTiles file of the combined tileset for offline field devices.
// Progress: a redrawn line per zoom on a terminal, and one summary line per zoom always (so a
// log shows how far an export of many zooms got).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/mbtiles.hpp"

namespace rootzone::app {

void add_tiles_command(CLI::App& root, Action& chosen);

namespace {

struct TilesOptions {
  std::string db;
  std::string out;
  std::string tileset = "city";
  int minzoom = 10;
  int maxzoom = 16;
};

int run_export(const TilesOptions& o) {
  if (o.minzoom > o.maxzoom) {
    std::cerr << "rootzone tiles export: --minzoom " << o.minzoom << " is above --maxzoom "
              << o.maxzoom << '\n';
    return exit_code::usage;
  }
  const auto* set = tiles::find_tileset(o.tileset);
  if (set == nullptr) {
    std::cerr << "rootzone tiles export: no tileset '" << o.tileset
              << "': city, trees, protection_zones, works\n";
    return exit_code::usage;
  }
  auto store = storage::Store::open(o.db);
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  auto drawn = std::chrono::steady_clock::time_point{};
  const auto started = std::chrono::steady_clock::now();
  tiles::ExportOptions eo;
  eo.minzoom = o.minzoom;
  eo.maxzoom = o.maxzoom;
  eo.progress = [&](int z, std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (terminal && (done == total || now - drawn > std::chrono::milliseconds(100))) {
      drawn = now;
      std::fprintf(stderr, "\rz%d: %llu/%llu tiles %3d%%", z, static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total), static_cast<int>(100 * done / total));
    }
    if (done == total) {
      std::fprintf(stderr, "%sz%d: %llu tiles done\n", terminal ? "\r" : "", z,
                   static_cast<unsigned long long>(total));
    }
  };
  const auto r = tiles::export_mbtiles(store, *set, o.out, eo);
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "wrote " << o.out << ": " << r.written << " tiles with data of " << r.tiles
            << " covering the data at z" << o.minzoom << "-" << o.maxzoom << ", " << r.bytes / 1024
            << " KiB of MVT (gzipped in the file), " << s << " s\n";
  return exit_code::ok;
}

}  // namespace

void add_tiles_command(CLI::App& root, Action& chosen) {
  auto o = std::make_shared<TilesOptions>();
  auto* cmd = root.add_subcommand("tiles", "Vector tiles");
  cmd->require_subcommand(1);
  auto* exp = cmd->add_subcommand("export", "Write an MBTiles file for offline devices");
  exp->add_option("--db", o->db, "Store to read")->required();
  exp->add_option("--out", o->out, "MBTiles file to write (must not exist)")->required();
  exp->add_option("--minzoom", o->minzoom)->capture_default_str()->check(CLI::Range(0, 20));
  exp->add_option("--maxzoom", o->maxzoom)->capture_default_str()->check(CLI::Range(0, 20));
  exp->add_option("--tileset", o->tileset,
                  "city (all public layers), trees, protection_zones or works")
      ->capture_default_str();
  exp->callback([&chosen, o] { chosen = [o] { return run_export(*o); }; });
}

}  // namespace rootzone::app
