#include "rootzone/tiles/mbtiles.hpp"

#include <stdexcept>

#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/support/gzip.hpp"
#include "rootzone/tiles/renderer.hpp"
#include "rootzone/tiles/tilejson.hpp"
#include "rootzone/tiles/tree_index.hpp"

namespace rootzone::tiles {

namespace {

// The data's extent in EPSG:3857 (its outline transformed), none for an empty store.
std::optional<geo::Bounds> data_extent_3857(storage::Store& store) {
  const auto b = storage::data_extent(store);
  if (!b) return std::nullopt;
  const geo::Transformer to_merc(store.srid(), 3857);
  auto m = geo::Bounds::none();
  for (int i = 0; i <= 16; ++i) {
    const double f = i / 16.0;
    for (const geo::Point p : {geo::Point{b->minx + f * (b->maxx - b->minx), b->miny},
                               geo::Point{b->minx + f * (b->maxx - b->minx), b->maxy},
                               geo::Point{b->minx, b->miny + f * (b->maxy - b->miny)},
                               geo::Point{b->maxx, b->miny + f * (b->maxy - b->miny)}}) {
      m.expand(to_merc.forward(p));
    }
  }
  return m;
}

}  // namespace

ExportResult export_mbtiles(storage::Store& store, const Tileset& set,
                            const std::filesystem::path& out, const ExportOptions& o) {
  if (o.minzoom < kMinZoom || o.maxzoom > kMaxZoom || o.minzoom > o.maxzoom) {
    throw std::invalid_argument("zoom range " + std::to_string(o.minzoom) + ".." +
                                std::to_string(o.maxzoom) + " is not within " +
                                std::to_string(kMinZoom) + ".." + std::to_string(kMaxZoom) +
                                " with minzoom <= maxzoom");
  }
  const auto extent = data_extent_3857(store);
  storage::Database db(out, storage::Database::OpenMode::create);
  db.execute(
      "CREATE TABLE metadata (name TEXT, value TEXT);"
      "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
      " tile_data BLOB);"
      "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
  ExportResult result;
  TileRenderer renderer(store.srid());
  TreeIndex trees;
  trees.load(store);
  storage::Transaction tx(db);
  auto insert = db.prepare(
      "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)");
  std::optional<geo::Bounds> lonlat;
  if (extent) {
    const auto sw = merc_to_lonlat({extent->minx, extent->miny});
    const auto ne = merc_to_lonlat({extent->maxx, extent->maxy});
    lonlat = geo::Bounds{sw.x, sw.y, ne.x, ne.y};
    for (int z = o.minzoom; z <= o.maxzoom; ++z) {
      const auto range = tiles_covering(*extent, z);
      std::uint64_t done = 0;
      for (auto y = range.min_y; y <= range.max_y; ++y) {
        for (auto x = range.min_x; x <= range.max_x; ++x) {
          const auto tile = renderer.render(store, trees, set, {z, x, y}, o.view);
          ++result.tiles;
          if (!tile.empty()) {
            const auto gz = support::gzip(tile);
            // MBTiles rows count from the south (TMS).
            const auto tms_row = (std::int64_t{1} << z) - 1 - y;
            insert.bind(1, z).bind(2, std::int64_t{x}).bind(3, tms_row);
            insert.bind(4, std::span<const std::uint8_t>(
                               reinterpret_cast<const std::uint8_t*>(gz.data()), gz.size()));
            insert.run();
            insert.reset();
            ++result.written;
            result.bytes += tile.size();
          }
          if (o.progress) o.progress(z, ++done, range.count());
        }
      }
    }
  }
  const auto tj = tilejson(*find_tileset(set.id), "", lonlat, o.view);
  nlohmann::json json_meta = {{"vector_layers", tj["vector_layers"]}};
  const auto b = tj["bounds"];
  auto meta = db.prepare("INSERT INTO metadata (name, value) VALUES (?, ?)");
  const std::pair<std::string, std::string> rows[] = {
      {"name", std::string("rootzone ") + set.id},
      {"format", "pbf"},
      {"type", "overlay"},
      {"version", "1"},
      {"description", set.description},
      {"minzoom", std::to_string(o.minzoom)},
      {"maxzoom", std::to_string(o.maxzoom)},
      {"bounds", std::to_string(b[0].get<double>()) + "," + std::to_string(b[1].get<double>()) +
                     "," + std::to_string(b[2].get<double>()) + "," +
                     std::to_string(b[3].get<double>())},
      {"center", std::to_string(tj["center"][0].get<double>()) + "," +
                     std::to_string(tj["center"][1].get<double>()) + "," +
                     std::to_string(o.maxzoom)},
      {"json", json_meta.dump()},
  };
  for (const auto& [name, value] : rows) {
    meta.bind(1, name).bind(2, value);
    meta.run();
    meta.reset();
  }
  tx.commit();
  // One self-contained file for the device: out of WAL, so no -wal/-shm beside it.
  db.execute("PRAGMA journal_mode = DELETE");
  return result;
}

}  // namespace rootzone::tiles
