#pragma once
// Mapbox Vector Tile 2.1 encoder on protozero. What the spec requires is done here, once:
// layers of version 2 with their extent, keys and values deduplicated per layer, typed values,
// feature ids, command/zigzag geometry (§4.3), no repeated points, exterior rings with positive
// area by the surveyor's formula in tile coordinates (clockwise on screen, y down) and holes
// the other way (§4.3.4.4), rings that collapsed to fewer than three points or zero area
// dropped. Coordinates arrive already on the tile's integer grid.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace rootzone::tiles {

struct TilePoint {
  std::int32_t x = 0;
  std::int32_t y = 0;
  friend bool operator==(const TilePoint&, const TilePoint&) = default;
};
using TilePath = std::vector<TilePoint>;

// MVT value types (§4.1): string, double, int64 (int_value), uint64, bool.
using Value = std::variant<std::string, double, std::int64_t, std::uint64_t, bool>;
using Property = std::pair<std::string_view, Value>;

enum class GeomType : std::uint32_t { point = 1, linestring = 2, polygon = 3 };

class LayerBuilder {
 public:
  explicit LayerBuilder(std::string name, std::uint32_t extent = 4096);
  // Moves only: its value list points into its own value table.
  LayerBuilder(LayerBuilder&&) noexcept;
  LayerBuilder& operator=(LayerBuilder&&) noexcept;
  ~LayerBuilder();

  const std::string& name() const { return name_; }
  std::uint32_t extent() const { return extent_; }
  std::size_t feature_count() const { return feature_count_; }

  // Each returns false (and adds nothing) when nothing of the geometry survives: no points, no
  // line with two distinct points, no polygon whose exterior ring keeps an area.
  bool add_points(std::optional<std::uint64_t> id, const TilePath& points,
                  const std::vector<Property>& properties);
  bool add_lines(std::optional<std::uint64_t> id, const std::vector<TilePath>& lines,
                 const std::vector<Property>& properties);
  // Each polygon: its exterior ring, then its holes; closed or not (a closing point equal to
  // the first is dropped: ClosePath closes).
  bool add_polygons(std::optional<std::uint64_t> id,
                    const std::vector<std::vector<TilePath>>& polygons,
                    const std::vector<Property>& properties);

  // The fast path for a layer of many points whose values come from a pool in which each
  // distinct value has one id (tiles::TreeIndex): keys are looked up once per layer, values
  // once per pool id, and a feature's tags arrive as (key index, value index) pairs. A layer
  // takes its values either this way or by value (the add_* above), never both, or a value
  // could be listed twice. The pooled values must outlive write_to().
  std::uint32_t key_index(std::string_view key);
  std::uint32_t pooled_value_index(std::uint32_t pool_id, const Value& value);
  void reserve_pooled(std::size_t values);  // a hint: about this many distinct values to come
  void add_point(std::optional<std::uint64_t> id, TilePoint p, const std::uint32_t* tags,
                 std::size_t tag_count);

  // The Layer message (field 3 of Tile) appended to `tile`.
  void write_to(std::string& tile) const;

 private:
  bool add(std::optional<std::uint64_t> id, GeomType type,
           const std::vector<std::uint32_t>& geometry, const std::vector<Property>& properties);
  void append_feature(std::optional<std::uint64_t> id, GeomType type, const std::uint32_t* tags,
                      std::size_t tag_count, const std::uint32_t* geometry,
                      std::size_t geometry_count);
  std::uint32_t value_index(const Value& v);

  std::string name_;
  std::uint32_t extent_;
  std::vector<char> features_;     // the encoded Feature messages, each with its field tag
  std::size_t features_size_ = 0;  // bytes of features_ in use
  std::size_t feature_count_ = 0;
  std::vector<std::string> keys_;
  std::unordered_map<std::string, std::uint32_t> key_ids_;
  std::vector<const Value*> values_;  // in index order: keys of value_ids_, or pooled values
  std::unordered_map<Value, std::uint32_t> value_ids_;
  struct PoolIndex;  // pool id -> value index, open addressing
  std::unique_ptr<PoolIndex> pooled_;
  std::vector<std::uint32_t> tags_;  // scratch
};

// A tile of the given layers; layers without features are left out (an empty tile is "").
std::string encode_tile(const std::vector<LayerBuilder>& layers);

// Signed area by the surveyor's formula, in tile units²: positive for an MVT exterior ring.
double ring_area(const TilePath& ring);

}  // namespace rootzone::tiles
