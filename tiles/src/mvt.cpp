#include "rootzone/tiles/mvt.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <protozero/pbf_writer.hpp>
#include <protozero/varint.hpp>
#include <stdexcept>

namespace rootzone::tiles {

namespace {

// Field numbers of vector_tile.proto (MVT 2.1).
namespace tile_field {
constexpr protozero::pbf_tag_type layers = 3;
}
namespace layer_field {
constexpr protozero::pbf_tag_type version = 15, name = 1, features = 2, keys = 3, values = 4,
                                  extent = 5;
}
namespace feature_field {
constexpr protozero::pbf_tag_type id = 1, tags = 2, type = 3, geometry = 4;
}
namespace value_field {
constexpr protozero::pbf_tag_type string = 1, double_value = 3, int_value = 4, uint_value = 5,
                                  bool_value = 7;
}

static_assert(std::endian::native == std::endian::little, "doubles are copied as fixed64 bytes");

std::size_t varint_size(std::uint64_t v) {
  return static_cast<std::size_t>(protozero::length_of_varint(v));
}
char* put_varint(char* p, std::uint64_t v) { return p + protozero::add_varint_to_buffer(p, v); }

char field_key(protozero::pbf_tag_type field, protozero::pbf_wire_type type) {
  return static_cast<char>((field << 3U) | static_cast<std::uint32_t>(type));  // fields < 16
}

// §4.3.1: CommandInteger = (id & 0x7) | (count << 3); §4.3.2: parameters zigzag-encoded.
constexpr std::uint32_t move_to = 1, line_to = 2, close_path = 7;
std::uint32_t command(std::uint32_t id, std::size_t count) {
  return (id & 0x7U) | (static_cast<std::uint32_t>(count) << 3U);
}
std::uint32_t zigzag(std::int32_t n) {
  return (static_cast<std::uint32_t>(n) << 1U) ^ static_cast<std::uint32_t>(n >> 31);
}

// Writes positions relative to the cursor, which carries over between parts (§4.3.2).
struct Cursor {
  TilePoint at{0, 0};
  void to(std::vector<std::uint32_t>& out, TilePoint p) {
    out.push_back(zigzag(p.x - at.x));
    out.push_back(zigzag(p.y - at.y));
    at = p;
  }
};

// Without consecutive repeats; for a ring also without the closing point.
TilePath distinct(const TilePath& in, bool ring) {
  TilePath out;
  out.reserve(in.size());
  for (const auto& p : in) {
    if (out.empty() || !(out.back() == p)) out.push_back(p);
  }
  if (ring) {
    while (out.size() > 1 && out.back() == out.front()) out.pop_back();
  }
  return out;
}

}  // namespace

double ring_area(const TilePath& ring) {
  double twice = 0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const auto& a = ring[i];
    const auto& b = ring[(i + 1) % n];
    twice += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
  }
  return twice / 2;
}

// Open addressing over pool ids: a tile of 10,000 trees looks up about 80,000 values, which a
// node-based map would make the dearest part of encoding.
struct LayerBuilder::PoolIndex {
  std::vector<std::uint64_t> slots = std::vector<std::uint64_t>(1024, 0);  // (id + 1) << 32 | index
  std::size_t used = 0;

  std::uint64_t* find(std::uint32_t id) {
    const auto mask = slots.size() - 1;
    auto i = (static_cast<std::size_t>(id) * 0x9E3779B97F4A7C15ULL >> 20U) & mask;
    const auto tag = (static_cast<std::uint64_t>(id) + 1) << 32U;
    while (slots[i] != 0 && (slots[i] & 0xffffffff00000000ULL) != tag) i = (i + 1) & mask;
    return &slots[i];
  }
  void grow() {
    std::vector<std::uint64_t> old(slots.size() * 2, 0);
    old.swap(slots);
    for (const auto s : old) {
      if (s != 0) *find(static_cast<std::uint32_t>((s >> 32U) - 1)) = s;
    }
  }
};

LayerBuilder::LayerBuilder(std::string name, std::uint32_t extent)
    : name_(std::move(name)), extent_(extent) {}
LayerBuilder::LayerBuilder(LayerBuilder&&) noexcept = default;
LayerBuilder& LayerBuilder::operator=(LayerBuilder&&) noexcept = default;
LayerBuilder::~LayerBuilder() = default;

std::uint32_t LayerBuilder::key_index(std::string_view key) {
  const auto [it, inserted] =
      key_ids_.try_emplace(std::string(key), static_cast<std::uint32_t>(keys_.size()));
  if (inserted) keys_.emplace_back(key);
  return it->second;
}

std::uint32_t LayerBuilder::value_index(const Value& v) {
  if (pooled_) throw std::logic_error("LayerBuilder: by-value properties in a pooled layer");
  const auto [it, inserted] = value_ids_.try_emplace(v, static_cast<std::uint32_t>(values_.size()));
  if (inserted) values_.push_back(&it->first);
  return it->second;
}

void LayerBuilder::reserve_pooled(std::size_t values) {
  if (!pooled_) pooled_ = std::make_unique<PoolIndex>();
  while (pooled_->slots.size() < 2 * values) pooled_->grow();
  values_.reserve(values);
}

std::uint32_t LayerBuilder::pooled_value_index(std::uint32_t pool_id, const Value& value) {
  if (!pooled_) pooled_ = std::make_unique<PoolIndex>();
  if (!value_ids_.empty())
    throw std::logic_error("LayerBuilder: pooled values in a by-value layer");
  auto* slot = pooled_->find(pool_id);
  if (*slot != 0) return static_cast<std::uint32_t>(*slot);
  const auto index = static_cast<std::uint32_t>(values_.size());
  values_.push_back(&value);
  *slot = ((static_cast<std::uint64_t>(pool_id) + 1) << 32U) | index;
  if (++pooled_->used * 2 > pooled_->slots.size()) pooled_->grow();
  return index;
}

// A Feature message written in one pass with its sizes known up front: protozero's nested
// writers reserve a length and move the message back over it, three times per feature, which
// was the dearest part of a 10,000-tree tile.
void LayerBuilder::append_feature(std::optional<std::uint64_t> id, GeomType type,
                                  const std::uint32_t* tags, std::size_t tag_count,
                                  const std::uint32_t* geometry, std::size_t geometry_count) {
  std::size_t tags_len = 0;
  for (std::size_t i = 0; i < tag_count; ++i) tags_len += varint_size(tags[i]);
  std::size_t geometry_len = 0;
  for (std::size_t i = 0; i < geometry_count; ++i) geometry_len += varint_size(geometry[i]);
  std::size_t body = 2 + 1 + varint_size(geometry_len) + geometry_len;  // type, geometry
  if (id) body += 1 + varint_size(*id);
  if (tag_count > 0) body += 1 + varint_size(tags_len) + tags_len;
  // Grown by doubling and never zero-filled per feature (std::string::resize would be).
  const auto end = features_size_ + 1 + varint_size(body) + body;
  if (end > features_.size()) features_.resize(std::max(end, 2 * features_.size()));
  char* p = features_.data() + features_size_;
  *p++ = field_key(layer_field::features, protozero::pbf_wire_type::length_delimited);
  p = put_varint(p, body);
  if (id) {
    *p++ = field_key(feature_field::id, protozero::pbf_wire_type::varint);
    p = put_varint(p, *id);
  }
  if (tag_count > 0) {
    *p++ = field_key(feature_field::tags, protozero::pbf_wire_type::length_delimited);
    p = put_varint(p, tags_len);
    for (std::size_t i = 0; i < tag_count; ++i) p = put_varint(p, tags[i]);
  }
  *p++ = field_key(feature_field::type, protozero::pbf_wire_type::varint);
  *p++ = static_cast<char>(type);
  *p++ = field_key(feature_field::geometry, protozero::pbf_wire_type::length_delimited);
  p = put_varint(p, geometry_len);
  for (std::size_t i = 0; i < geometry_count; ++i) p = put_varint(p, geometry[i]);
  assert(p == features_.data() + end);
  features_size_ = end;
  ++feature_count_;
}

void LayerBuilder::add_point(std::optional<std::uint64_t> id, TilePoint p,
                             const std::uint32_t* tags, std::size_t tag_count) {
  const std::uint32_t g[] = {command(move_to, 1), zigzag(p.x), zigzag(p.y)};
  append_feature(id, GeomType::point, tags, tag_count, g, 3);
}

bool LayerBuilder::add(std::optional<std::uint64_t> id, GeomType type,
                       const std::vector<std::uint32_t>& geometry,
                       const std::vector<Property>& properties) {
  if (geometry.empty()) return false;
  tags_.clear();
  for (const auto& [key, value] : properties) {
    tags_.push_back(key_index(key));
    tags_.push_back(value_index(value));
  }
  append_feature(id, type, tags_.data(), tags_.size(), geometry.data(), geometry.size());
  return true;
}

bool LayerBuilder::add_points(std::optional<std::uint64_t> id, const TilePath& points,
                              const std::vector<Property>& properties) {
  std::vector<std::uint32_t> g;
  if (!points.empty()) {
    Cursor c;
    g.push_back(command(move_to, points.size()));
    for (const auto& p : points) c.to(g, p);
  }
  return add(id, GeomType::point, g, properties);
}

bool LayerBuilder::add_lines(std::optional<std::uint64_t> id, const std::vector<TilePath>& lines,
                             const std::vector<Property>& properties) {
  std::vector<std::uint32_t> g;
  Cursor c;
  for (const auto& line : lines) {
    const auto path = distinct(line, false);
    if (path.size() < 2) continue;
    g.push_back(command(move_to, 1));
    c.to(g, path.front());
    g.push_back(command(line_to, path.size() - 1));
    for (std::size_t i = 1; i < path.size(); ++i) c.to(g, path[i]);
  }
  return add(id, GeomType::linestring, g, properties);
}

bool LayerBuilder::add_polygons(std::optional<std::uint64_t> id,
                                const std::vector<std::vector<TilePath>>& polygons,
                                const std::vector<Property>& properties) {
  std::vector<std::uint32_t> g;
  Cursor c;
  for (const auto& rings : polygons) {
    for (std::size_t r = 0; r < rings.size(); ++r) {
      auto ring = distinct(rings[r], true);
      const double area = ring.size() >= 3 ? ring_area(ring) : 0;
      if (area == 0) {
        if (r == 0) break;  // no exterior: its holes mean nothing
        continue;
      }
      // §4.3.4.4: exterior positive, interior negative.
      if ((r == 0) != (area > 0)) std::reverse(ring.begin(), ring.end());
      g.push_back(command(move_to, 1));
      c.to(g, ring.front());
      g.push_back(command(line_to, ring.size() - 1));
      for (std::size_t i = 1; i < ring.size(); ++i) c.to(g, ring[i]);
      g.push_back(command(close_path, 1));
    }
  }
  return add(id, GeomType::polygon, g, properties);
}

void LayerBuilder::write_to(std::string& tile) const {
  protozero::pbf_writer tile_writer(tile);
  protozero::pbf_writer layer(tile_writer, tile_field::layers);
  layer.add_uint32(layer_field::version, 2);
  layer.add_string(layer_field::name, name_);
  // The features were encoded as they came; a message's fields may come in any order, and
  // features before keys and values is how vtzero writes them too.
  tile.append(features_.data(), features_size_);
  for (const auto& k : keys_) layer.add_string(layer_field::keys, k);
  // Each Value message sized up front, as the features are (a tile has thousands of values).
  std::string value;
  for (const auto* v : values_) {
    value.clear();
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          char buf[16];
          char* p = buf;
          if constexpr (std::is_same_v<T, std::string>) {
            *p++ = field_key(value_field::string, protozero::pbf_wire_type::length_delimited);
            p = put_varint(p, x.size());
            value.append(buf, p);
            value.append(x);
            return;
          } else if constexpr (std::is_same_v<T, double>) {
            *p++ = field_key(value_field::double_value, protozero::pbf_wire_type::fixed64);
            std::memcpy(p, &x, 8);  // little-endian, as protobuf's fixed64
            p += 8;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            *p++ = field_key(value_field::int_value, protozero::pbf_wire_type::varint);
            p = put_varint(p, static_cast<std::uint64_t>(x));
          } else if constexpr (std::is_same_v<T, std::uint64_t>) {
            *p++ = field_key(value_field::uint_value, protozero::pbf_wire_type::varint);
            p = put_varint(p, x);
          } else {
            *p++ = field_key(value_field::bool_value, protozero::pbf_wire_type::varint);
            *p++ = x ? 1 : 0;
          }
          value.append(buf, p);
        },
        *v);
    layer.add_string(layer_field::values, value);
  }
  layer.add_uint32(layer_field::extent, extent_);
}

std::string encode_tile(const std::vector<LayerBuilder>& layers) {
  std::string tile;
  for (const auto& layer : layers) {
    if (layer.feature_count() > 0) layer.write_to(tile);
  }
  return tile;
}

}  // namespace rootzone::tiles
