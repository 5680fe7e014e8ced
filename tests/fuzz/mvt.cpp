// The MVT encoder (tiles/src/mvt.cpp): random features from the bytes (points, lines,
// polygons with holes, ids, properties of every value type, up to two layers), encoded, then
// decoded again with the tests' protozero decoder (tests/tiles/mvt_decode.hpp, written from
// the spec apart from the encoder). The tile must break no spec rule, and every feature must
// come back as given on the tile grid: points exactly, lines without consecutive repeats,
// rings without repeats or closing point, exteriors positive and holes negative (reversed when
// given the other way), rings of no area dropped, ids and properties unchanged.
#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_check.hpp"
#include "rootzone/tiles/mvt.hpp"
#include "tiles/mvt_decode.hpp"

namespace tiles = rootzone::tiles;
namespace test = rootzone::test;
using rootzone::fuzz::require;

namespace {

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    const unsigned lo = byte();  // two statements: the order of the reads is fixed
    const unsigned hi = byte();
    return static_cast<std::uint16_t>(lo | (hi << 8U));
  }
  // Mostly the tile and its buffer (-128 .. 4223 for extent 4096), sometimes far outside it.
  std::int32_t coordinate() {
    const auto mode = byte();
    const auto v = u16();
    if (mode < 200) return static_cast<std::int32_t>(v % 4352U) - 128;
    if (mode < 250) return static_cast<std::int16_t>(v);
    return static_cast<std::int32_t>(v) * 16 - (1 << 20);
  }
  tiles::TilePath path(std::size_t max) {
    tiles::TilePath p(byte() % (max + 1));
    for (auto& pt : p) {
      if (!p.empty() && &pt != &p.front() && byte() < 40) {
        pt = *(&pt - 1);  // a repeated point, which the encoder must drop
      } else {
        pt = {coordinate(), coordinate()};
      }
    }
    return p;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

using Part = std::vector<test::DPoint>;

test::DPoint d(tiles::TilePoint p) { return {p.x, p.y}; }

Part distinct(const tiles::TilePath& in, bool ring) {
  Part out;
  for (const auto& p : in) {
    if (out.empty() || !(out.back() == d(p))) out.push_back(d(p));
  }
  while (ring && out.size() > 1 && out.back() == out.front()) out.pop_back();
  return out;
}

struct Expected {
  std::optional<std::uint64_t> id;
  int type = 0;
  std::vector<Part> parts;
  std::vector<bool> exterior;  // polygons: per part
  std::map<std::string, test::DValue> properties;
};

test::DValue decoded(const tiles::Value& v) {
  return std::visit([](const auto& x) -> test::DValue { return x; }, v);
}

void compare(const test::DFeature& got, const Expected& want) {
  require(got.has_id == want.id.has_value(), "feature id lost or invented");
  if (want.id) require(got.id == *want.id, "feature id changed");
  require(got.type == want.type, "geometry type changed");
  require(got.properties == want.properties, "properties changed");
  require(got.parts.size() == want.parts.size(), "number of parts changed");
  for (std::size_t i = 0; i < want.parts.size(); ++i) {
    if (want.type != 3) {
      require(got.parts[i] == want.parts[i], "a point or line changed");
      continue;
    }
    const double area = test::surveyor_area(got.parts[i]);
    require(want.exterior[i] ? area > 0 : area < 0, "ring with the wrong orientation");
    auto reversed = want.parts[i];
    std::reverse(reversed.begin(), reversed.end());
    require(got.parts[i] == want.parts[i] || got.parts[i] == reversed, "a ring changed");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  std::vector<tiles::LayerBuilder> layers;
  layers.emplace_back("a");
  layers.emplace_back("b", 4096);
  std::vector<std::vector<Expected>> expected(2);
  const std::vector<std::string> keys = {"kind", "id", "name", "value"};
  std::uint64_t next_id = 1;
  for (int feature = 0; feature < 64 && !in.empty(); ++feature) {
    const auto op = in.byte();
    const std::size_t layer = (op >> 2U) & 1U;
    Expected e;
    if ((op & 8U) != 0) e.id = next_id++;
    std::vector<tiles::Property> props;
    const std::size_t n_props = (op >> 4U) % 5U;
    for (std::size_t k = 0; k < n_props && k < keys.size(); ++k) {
      tiles::Value v;
      switch (in.byte() % 5) {
        case 0: {
          const std::size_t length = in.byte() % 8U;
          const auto letter = static_cast<char>('a' + in.byte() % 26U);
          v = std::string(length, letter);
          break;
        }
        case 1:
          v = static_cast<double>(static_cast<std::int16_t>(in.u16())) / 7.0;
          break;
        case 2:
          v = static_cast<std::int64_t>(static_cast<std::int16_t>(in.u16())) * 1000003;
          break;
        case 3:
          v = static_cast<std::uint64_t>(in.u16()) << 40U;
          break;
        default:
          v = (in.byte() & 1U) != 0;
      }
      props.emplace_back(keys[k], v);
      e.properties[keys[k]] = decoded(v);
    }
    bool added = false;
    switch (op % 3) {
      case 0: {
        const auto points = in.path(8);
        e.type = 1;
        if (!points.empty()) {
          Part p;
          for (const auto& pt : points) p.push_back(d(pt));
          e.parts.push_back(p);
        }
        added = layers[layer].add_points(e.id, points, props);
        break;
      }
      case 1: {
        std::vector<tiles::TilePath> lines(in.byte() % 4U);
        for (auto& l : lines) l = in.path(12);
        e.type = 2;
        for (const auto& l : lines) {
          auto p = distinct(l, false);
          if (p.size() >= 2) e.parts.push_back(std::move(p));
        }
        added = layers[layer].add_lines(e.id, lines, props);
        break;
      }
      default: {
        std::vector<std::vector<tiles::TilePath>> polygons(in.byte() % 3U);
        for (auto& rings : polygons) {
          rings.resize(1 + in.byte() % 3U);
          for (auto& r : rings) r = in.path(12);
        }
        e.type = 3;
        for (const auto& rings : polygons) {
          for (std::size_t r = 0; r < rings.size(); ++r) {
            auto p = distinct(rings[r], true);
            const double area = p.size() >= 3 ? test::surveyor_area(p) : 0;
            if (area == 0) {
              if (r == 0) break;
              continue;
            }
            e.parts.push_back(std::move(p));
            e.exterior.push_back(r == 0);
          }
        }
        added = layers[layer].add_polygons(e.id, polygons, props);
      }
    }
    require(added == !e.parts.empty(), "add_* said otherwise than what survives of the geometry");
    if (added) expected[layer].push_back(std::move(e));
  }
  const auto tile = tiles::encode_tile(layers);
  const auto decoded_tile = test::decode_tile(tile);
  for (const auto& p : decoded_tile.problems) std::fprintf(stderr, "%s\n", p.c_str());
  require(decoded_tile.problems.empty(), "the tile breaks a rule of the MVT spec");
  std::size_t layer_count = 0;
  for (std::size_t l = 0; l < 2; ++l) {
    const auto* got = decoded_tile.layer(l == 0 ? "a" : "b");
    if (expected[l].empty()) {
      require(got == nullptr, "an empty layer was written");
      continue;
    }
    ++layer_count;
    require(got != nullptr, "a layer with features is missing");
    require(got->version == 2 && got->extent == 4096, "layer version or extent changed");
    require(got->features.size() == expected[l].size(), "number of features changed");
    for (std::size_t f = 0; f < expected[l].size(); ++f) compare(got->features[f], expected[l][f]);
  }
  require(decoded_tile.layers.size() == layer_count, "more layers than were given");
  return 0;
}
