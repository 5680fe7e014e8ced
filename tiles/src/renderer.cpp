#include "rootzone/tiles/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/tile_clip.hpp"
#include "rootzone/geo/zones.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tile_query.hpp"
#include "rootzone/tiles/disc.hpp"
#include "rootzone/tiles/grid_transform.hpp"
#include "rootzone/tiles/mvt.hpp"
#include "rootzone/tiles/tree_index.hpp"

namespace rootzone::tiles {

namespace {

constexpr int kCell = 32;  // aggregation cell of trees below kTreeDetailZoom, tile units
// A detailed tree costs about 48 bytes of tile: beyond this many in one tile (tile and buffer)
// it would pass 500 KB, so such a tile counts its trees per cell like the lower zooms.
constexpr std::size_t kMaxDetailedTrees = 10000;

TilePoint snap(geo::Point p) {
  return {static_cast<std::int32_t>(std::lround(p.x)), static_cast<std::int32_t>(std::lround(p.y))};
}

std::vector<Property>& with(std::vector<Property>& props, std::string_view key,
                            const std::optional<double>& v) {
  if (v) props.emplace_back(key, *v);
  return props;
}

}  // namespace

struct TileRenderer::Impl {
  geo::Transformer to_3857;
  RenderOptions options;

  // Per tile being rendered.
  TileFrame frame;
  geo::Bounds clip;  // tile units: the tile and its buffer
  geo::Bounds area;
  int zoom = 0;

  Impl(int srid, RenderOptions o) : to_3857(srid, 3857), options(o) {}

  bool inside(geo::Point t) const {
    return t.x >= clip.minx && t.x < clip.maxx && t.y >= clip.miny && t.y < clip.maxy;
  }

  // A grid transform over the store points `pts` (their bounds, or the tile's store area
  // when that is smaller: at low zooms the area is far bigger than any city).
  GridTransform grid_over(const geo::Bounds& data) const {
    geo::Bounds b = data.intersection(area);
    if (b.empty()) b = data;
    return GridTransform(to_3857, b.grown(1), frame);
  }

  // The trees inside the tile's area (closed, as the index tests), with their bounds.
  std::vector<const IndexedTree*> trees_in(const TreeIndex::Reader& trees, const geo::Bounds& box,
                                           geo::Bounds& data) const {
    std::vector<const IndexedTree*> out;
    trees.for_each(box, [&](const IndexedTree& t) {
      out.push_back(&t);
      data.expand(t.location);
    });
    return out;
  }

  void trees_detailed(const TreeIndex::Reader& trees, LayerBuilder& layer) {
    auto data = geo::Bounds::none();
    const auto rows = trees_in(trees, area, data);
    if (rows.empty()) return;
    if (rows.size() > kMaxDetailedTrees) {
      // Denser than a detailed tile can carry within its size budget: counted per cell.
      aggregate(rows, data, layer);
      return;
    }
    const auto grid = grid_over(data);
    // Keys once per layer, values once per pool id (the pool holds each distinct value once).
    // Each tree brings its own number; the other fields share a few hundred values.
    layer.reserve_pooled(rows.size() + 256);
    const std::uint32_t k_number = layer.key_index("tree_number"),
                        k_species = layer.key_index("species"), k_genus = layer.key_index("genus"),
                        k_status = layer.key_index("status"),
                        k_protected = layer.key_index("protected"),
                        k_crown = layer.key_index("crown_diameter_m"),
                        k_height = layer.key_index("height_m"),
                        k_circumference = layer.key_index("circumference_cm");
    std::uint32_t tags[16];
    for (const auto* r : rows) {
      const auto t = grid(r->location);
      if (!inside(t)) continue;
      std::size_t n = 0;
      const auto tag = [&](std::uint32_t key, PoolId v) {
        if (v == kNoValue) return;
        tags[n++] = key;
        tags[n++] = layer.pooled_value_index(v, trees.value(v));
      };
      tag(k_number, r->number);
      tag(k_species, r->species);
      tag(k_genus, r->genus);
      tag(k_status, r->status);
      tag(k_protected, r->is_protected ? kPoolTrue : kPoolFalse);
      tag(k_crown, r->crown);
      tag(k_height, r->height);
      tag(k_circumference, r->circumference);
      layer.add_point(static_cast<std::uint64_t>(r->id), snap(t), tags, n);
    }
  }

  void trees_aggregated(const TreeIndex::Reader& trees, LayerBuilder& layer) {
    auto data = geo::Bounds::none();
    const auto rows = trees_in(trees, area, data);
    if (!rows.empty()) aggregate(rows, data, layer);
  }

  // One feature per 32 x 32-unit cell with the count of its trees and of the protected ones,
  // at the mean place of its trees.
  void aggregate(const std::vector<const IndexedTree*>& rows, const geo::Bounds& data,
                 LayerBuilder& layer) const {
    const auto grid = grid_over(data);
    struct Cell {
      double sx = 0, sy = 0;
      std::uint64_t count = 0, protected_count = 0;
    };
    // Cells are aligned with the tile's origin, so neighbouring tiles agree on the buffer's.
    const int buffer_cells = (options.buffer + kCell - 1) / kCell;
    const int per_side = options.extent / kCell + 2 * buffer_cells;
    std::vector<Cell> cells(static_cast<std::size_t>(per_side) *
                            static_cast<std::size_t>(per_side));
    for (const auto* r : rows) {
      const auto t = grid(r->location);
      if (!inside(t)) continue;
      const auto cx = static_cast<std::size_t>(std::floor(t.x / kCell) + buffer_cells);
      const auto cy = static_cast<std::size_t>(std::floor(t.y / kCell) + buffer_cells);
      auto& c = cells[cy * static_cast<std::size_t>(per_side) + cx];
      c.sx += t.x;
      c.sy += t.y;
      ++c.count;
      if (r->is_protected) ++c.protected_count;
    }
    std::vector<Property> props;
    for (std::size_t k = 0; k < cells.size();
         ++k) {  // in key order: the same bytes for the same data
      const auto& c = cells[k];
      if (c.count == 0) continue;
      props.clear();
      props.emplace_back("count", c.count);
      props.emplace_back("protected_count", c.protected_count);
      const auto n = static_cast<double>(c.count);
      const geo::Point mean{c.sx / n, c.sy / n};
      layer.add_points(k + 1, {snap(mean)}, props);
    }
  }

  void zones(storage::Store& store, const TreeIndex::Reader& index, LayerBuilder& layer) {
    const auto rules = store.rule_sets().active();
    std::vector<const IndexedTree*> trees;
    auto data = geo::Bounds::none();
    index.for_each(area.grown(options.max_zone_radius_m), [&](const IndexedTree& t) {
      if (!t.zoned) return;
      trees.push_back(&t);
      data.expand(t.location);
    });
    if (trees.empty()) return;
    const auto grid = grid_over(data);
    std::vector<Property> props;
    for (const auto* t : trees) {
      const double circumference =
          t->circumference == kNoValue ? 0 : index.number(t->circumference);
      const auto crown =
          t->crown == kNoValue ? std::nullopt : std::optional(index.number(t->crown));
      const auto zone = geo::protection_zone(circumference, crown, t->columnar, rules);
      const auto c = grid(t->location);
      struct Disc {
        const char* name;
        double radius_m;
        std::string rule;
      };
      // The root zone by the rule set's rule; the trench distance by RAS-LP 4 / DIN 18920.
      const Disc discs[] = {
          {"root_zone", zone.root_radius_m, std::string(geo::to_string(zone.basis))},
          {"trench", zone.trench_radius_m, "ras_lp4"}};
      for (int k = 0; k < 2; ++k) {
        const auto& d = discs[k];
        // Conformal projections: the disc stays a disc, its radius scaled as at the centre.
        const auto edge = grid({t->location.x + d.radius_m, t->location.y});
        const double radius = std::hypot(edge.x - c.x, edge.y - c.y);
        auto ring = disc_on_grid(c, radius, clip, options.tolerance);
        if (ring.empty()) continue;
        props.clear();
        props.emplace_back("tree_id", static_cast<std::uint64_t>(t->id));
        props.emplace_back("zone", std::string(d.name));
        props.emplace_back("radius_m", d.radius_m);
        props.emplace_back("rule", d.rule);
        layer.add_polygons(static_cast<std::uint64_t>(t->id) * 2 + static_cast<std::uint64_t>(k),
                           {{ring}}, props);
      }
    }
  }

  void works(storage::Store& store, LayerBuilder& layer, const View& view) {
    auto rows = storage::tile_works(store, area);
    if (rows.empty()) return;
    std::vector<geo::PlanarShape> shapes;
    auto data = geo::Bounds::none();
    for (const auto& w : rows) {
      shapes.push_back(geo::planar_shape(w.geometry));
      expand_by(data, shapes.back());
    }
    if (data.empty()) return;
    const auto grid = grid_over(data);
    std::vector<Property> props;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& w = rows[i];
      auto& s = shapes[i];
      work_properties(w, view, props);
      const auto id = static_cast<std::uint64_t>(w.id);
      if (s.kind == geo::PlanarShape::Kind::point) {
        add_work_points(w, s, grid, id, props, layer);
      } else {
        add_work_lines_or_polygons(s, grid, id, props, layer);
      }
    }
  }

  static void expand_by(geo::Bounds& data, const geo::PlanarShape& s) {
    for (const auto& p : s.points) data.expand(p);
    for (const auto& l : s.lines)
      for (const auto& p : l) data.expand(p);
    for (const auto& poly : s.polygons)
      for (const auto& r : poly)
        for (const auto& p : r) data.expand(p);
  }

  void work_properties(const storage::TileWork& w, const View& view,
                       std::vector<Property>& props) const {
    props.clear();
    props.emplace_back("reference", w.reference);
    props.emplace_back("kind", w.kind);
    props.emplace_back("status", w.status);
    props.emplace_back("starts_at", w.starts_at);
    props.emplace_back("ends_at", w.ends_at);
    // A whole city's works at z11 must stay within the tile budget: the descriptive fields
    // come with the street-level zooms.
    if (zoom >= kTreeDetailZoom) {
      if (!w.title.empty()) props.emplace_back("title", w.title);
      props.emplace_back("contractor", w.contractor);
      with(props, "width_m", w.width_m);
      with(props, "radius_m", w.radius_m);
      if (view.sees_details_of(w.contractor) && !w.contact.empty()) {
        props.emplace_back("contact", w.contact);
      }
    }
  }

  void add_work_points(const storage::TileWork& w, const geo::PlanarShape& s,
                       const GridTransform& grid, std::uint64_t id,
                       const std::vector<Property>& props, LayerBuilder& layer) const {
    // A point with a radius is the disc it stands for; a bare point stays a point.
    if (w.radius_m) {
      std::vector<std::vector<TilePath>> polys;
      for (const auto& p : s.points) {
        const auto c = grid(p);
        const auto e = grid({p.x + *w.radius_m, p.y});
        auto ring = disc_on_grid(c, std::hypot(e.x - c.x, e.y - c.y), clip, options.tolerance);
        if (!ring.empty()) polys.push_back({std::move(ring)});
      }
      layer.add_polygons(id, polys, props);
    } else {
      TilePath pts;
      for (const auto& p : s.points) {
        const auto t = grid(p);
        if (inside(t)) pts.push_back(snap(t));
      }
      layer.add_points(id, pts, props);
    }
  }

  // Moves `s` onto the grid in place, then clips it to the tile and its buffer.
  void add_work_lines_or_polygons(geo::PlanarShape& s, const GridTransform& grid, std::uint64_t id,
                                  const std::vector<Property>& props, LayerBuilder& layer) const {
    for (auto& l : s.lines)
      for (auto& p : l) p = grid(p);
    for (auto& poly : s.polygons)
      for (auto& r : poly)
        for (auto& p : r) p = grid(p);
    const auto out = geo::clip_to_grid(s, clip, options.tolerance);
    if (out.kind == geo::PlanarShape::Kind::line) {
      std::vector<TilePath> lines;
      for (const auto& l : out.lines) {
        TilePath path;
        for (const auto& p : l) path.push_back(snap(p));
        lines.push_back(std::move(path));
      }
      layer.add_lines(id, lines, props);
    } else if (out.kind == geo::PlanarShape::Kind::polygon) {
      std::vector<std::vector<TilePath>> polys;
      for (const auto& poly : out.polygons) {
        std::vector<TilePath> rings;
        for (const auto& r : poly) {
          TilePath path;
          for (const auto& p : r) path.push_back(snap(p));
          rings.push_back(std::move(path));
        }
        polys.push_back(std::move(rings));
      }
      layer.add_polygons(id, polys, props);
    }
  }

  void conflicts(storage::Store& store, LayerBuilder& layer, const View& view) {
    auto rows = storage::tile_conflicts(store, area);
    auto data = geo::Bounds::none();
    for (const auto& c : rows) data.expand(c.location);
    if (data.empty()) return;
    const auto grid = grid_over(data);
    std::vector<Property> props;
    for (const auto& c : rows) {
      if (!view.sees_details_of(c.contractor)) continue;
      const auto t = grid(c.location);
      if (!inside(t)) continue;
      props.clear();
      props.emplace_back("severity", c.severity);
      props.emplace_back("rule", c.rule);
      props.emplace_back("tree_id", static_cast<std::uint64_t>(c.tree_id));
      props.emplace_back("work_id", static_cast<std::uint64_t>(c.work_id));
      props.emplace_back("min_distance_m", c.min_distance_m);
      props.emplace_back("overlap_share", c.overlap_share);
      props.emplace_back("acknowledged", c.acknowledged);
      layer.add_points(static_cast<std::uint64_t>(c.id), {snap(t)}, props);
    }
  }
};

TileRenderer::TileRenderer(int store_srid, RenderOptions options)
    : impl_(std::make_unique<Impl>(store_srid, options)) {}
TileRenderer::~TileRenderer() = default;
TileRenderer::TileRenderer(TileRenderer&&) noexcept = default;
TileRenderer& TileRenderer::operator=(TileRenderer&&) noexcept = default;
const RenderOptions& TileRenderer::options() const { return impl_->options; }
geo::Bounds TileRenderer::last_area() const { return impl_->area; }

std::string TileRenderer::render(storage::Store& store, const TreeIndex& index, const Tileset& set,
                                 TileId tile, const View& view) {
  auto& im = *impl_;
  const auto& o = im.options;
  im.frame = TileFrame{tile_bounds(tile), o.extent};
  im.zoom = tile.z;
  im.clip = {-static_cast<double>(o.buffer), -static_cast<double>(o.buffer),
             static_cast<double>(o.extent + o.buffer), static_cast<double>(o.extent + o.buffer)};
  const auto a = store_area(im.to_3857, tile, o.extent, o.buffer);
  im.area = a;
  // Held until the tile is encoded: the trees layer's values point into the index's pool.
  const auto trees = index.reader();
  std::vector<LayerBuilder> layers;
  for (const auto id : set.layers) {
    const auto& info = layer_info(id);
    if (tile.z < info.minzoom) continue;
    if (id == LayerId::conflicts && !view.sees_conflicts()) continue;
    LayerBuilder layer(info.name, static_cast<std::uint32_t>(o.extent));
    switch (id) {
      case LayerId::trees:
        if (tile.z >= kTreeDetailZoom) {
          im.trees_detailed(trees, layer);
        } else {
          im.trees_aggregated(trees, layer);
        }
        break;
      case LayerId::protection_zones:
        im.zones(store, trees, layer);
        break;
      case LayerId::works:
        im.works(store, layer, view);
        break;
      case LayerId::conflicts:
        im.conflicts(store, layer, view);
        break;
    }
    layers.push_back(std::move(layer));
  }
  return encode_tile(layers);
}

}  // namespace rootzone::tiles
