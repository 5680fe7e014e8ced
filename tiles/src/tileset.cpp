#include "rootzone/tiles/tileset.hpp"

#include <stdexcept>

namespace rootzone::tiles {

const std::vector<LayerInfo>& layer_infos() {
  static const std::vector<LayerInfo> infos{
      {LayerId::trees,
       "trees",
       "Trees of the cadastre; below zoom 14 (and in a tile of more than 10000 trees) one point "
       "per 32x32-unit cell of the tile with count and protected_count",
       kMinZoom,
       {{"tree_number", "String"},
        {"species", "String"},
        {"genus", "String"},
        {"status", "String"},
        {"protected", "Boolean"},
        {"crown_diameter_m", "Number"},
        {"height_m", "Number"},
        {"circumference_cm", "Number"},
        {"count", "Number"},
        {"protected_count", "Number"}}},
      {LayerId::protection_zones,
       "protection_zones",
       "Root-zone (DIN 18920) and trench-distance (RAS-LP 4) discs of protected standing trees",
       15,
       {{"tree_id", "Number"}, {"zone", "String"}, {"radius_m", "Number"}, {"rule", "String"}}},
      {LayerId::works,
       "works",
       "Construction works with kind, status and time window; from zoom 14 also title, "
       "contractor, width and radius, and the contact for who may see it",
       kMinZoom,
       {{"reference", "String"},
        {"title", "String"},
        {"contractor", "String"},
        {"kind", "String"},
        {"status", "String"},
        {"starts_at", "String"},
        {"ends_at", "String"},
        {"width_m", "Number"},
        {"radius_m", "Number"},
        {"contact", "String"}}},
      {LayerId::conflicts,
       "conflicts",
       "Works reaching into protection zones, at the tree, with severity and rule",
       kMinZoom,
       {{"severity", "String"},
        {"rule", "String"},
        {"tree_id", "Number"},
        {"work_id", "Number"},
        {"min_distance_m", "Number"},
        {"overlap_share", "Number"},
        {"acknowledged", "Boolean"}}},
  };
  return infos;
}

const LayerInfo& layer_info(LayerId id) {
  for (const auto& l : layer_infos()) {
    if (l.id == id) return l;
  }
  throw std::logic_error("tile layer without a description");
}

const std::vector<Tileset>& tilesets() {
  static const std::vector<Tileset> sets{
      {"city",
       "All layers in one tile (conflicts only for callers who may see them)",
       {LayerId::protection_zones, LayerId::works, LayerId::trees, LayerId::conflicts}},
      {"trees", "The tree cadastre", {LayerId::trees}},
      {"protection_zones", "Protection zones of protected trees", {LayerId::protection_zones}},
      {"works", "Construction works", {LayerId::works}},
      {"conflicts", "Conflicts between works and protected trees", {LayerId::conflicts}},
  };
  return sets;
}

const Tileset* find_tileset(std::string_view id) {
  for (const auto& t : tilesets()) {
    if (id == t.id) return &t;
  }
  return nullptr;
}

std::string View::cache_key() const {
  switch (level) {
    case Level::public_layer:
      return "public";
    case Level::organisation:
      return "org:" + organisation;
    case Level::everything:
      return "all";
  }
  return "public";
}

}  // namespace rootzone::tiles
