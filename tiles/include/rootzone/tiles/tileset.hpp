#pragma once
// The tile layers and tilesets the service offers, and who sees what in them (docs/domain.md
// "Who may do what"): described once here for the renderer, TileJSON and the cache.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootzone::tiles {

enum class LayerId { trees, protection_zones, works, conflicts };

struct LayerInfo {
  LayerId id;
  const char* name;
  const char* description;
  int minzoom;
  // Field name -> TileJSON type ("String", "Number", "Boolean").
  std::vector<std::pair<const char*, const char*>> fields;
};
const std::vector<LayerInfo>& layer_infos();
const LayerInfo& layer_info(LayerId id);

struct Tileset {
  const char* id;
  const char* description;
  std::vector<LayerId> layers;
};
inline constexpr int kMinZoom = 0;
inline constexpr int kMaxZoom = 20;
// Trees at full detail from this zoom; below, one feature per 32x32-unit cell with counts.
inline constexpr int kTreeDetailZoom = 14;
const std::vector<Tileset>& tilesets();
const Tileset* find_tileset(std::string_view id);

// What a caller may see. The public and field staff see trees and the public layer of works;
// a contractor also its own organisation's works in detail and their conflicts; planners and
// admins everything.
struct View {
  enum class Level { public_layer, organisation, everything };
  Level level = Level::public_layer;
  std::string organisation;  // for Level::organisation

  static View public_view() { return {}; }
  static View of_organisation(std::string org) { return {Level::organisation, std::move(org)}; }
  static View everything() { return {Level::everything, {}}; }
  bool sees_details_of(std::string_view contractor) const {
    return level == Level::everything ||
           (level == Level::organisation && !organisation.empty() && contractor == organisation);
  }
  bool sees_conflicts() const { return level != Level::public_layer; }
  // Tiles differ only by these: the cache keeps one copy per key.
  std::string cache_key() const;
};

}  // namespace rootzone::tiles
