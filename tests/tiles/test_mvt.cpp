// The MVT encoder against the spec's own examples (MVT 2.1 §4.3.5) and its rules, decoded by
// the independent decoder in mvt_decode.hpp.
#include <catch2/catch.hpp>

#include "mvt_decode.hpp"
#include "rootzone/tiles/mvt.hpp"

using namespace rootzone::tiles;
using rootzone::test::decode_tile;
using rootzone::test::DTile;

namespace {

// A builder holds pointers into its own value table: it moves, it does not copy.
template <class... Layers>
std::string encode(Layers&&... layers) {
  std::vector<LayerBuilder> v;
  (v.push_back(std::forward<Layers>(layers)), ...);
  return encode_tile(v);
}

DTile one_layer(const LayerBuilder& layer) {
  std::string bytes;
  layer.write_to(bytes);
  auto tile = decode_tile(bytes);
  REQUIRE(tile.layers.size() == 1);
  return tile;
}

std::vector<std::uint32_t> geometry_of(const LayerBuilder& layer) {
  const auto tile = one_layer(layer);
  REQUIRE(tile.layers[0].features.size() == 1);
  return tile.layers[0].features[0].geometry;
}

}  // namespace

TEST_CASE("MVT spec 4.3.5.1: a point at (25,17) encodes as 9 50 34") {
  LayerBuilder l("points");
  REQUIRE(l.add_points(1, {{25, 17}}, {}));
  CHECK(geometry_of(l) == std::vector<std::uint32_t>{9, 50, 34});
}

TEST_CASE("MVT spec 4.3.5.2: the multipoint (5,7) (3,2) encodes as 17 10 14 3 9") {
  LayerBuilder l("points");
  REQUIRE(l.add_points(1, {{5, 7}, {3, 2}}, {}));
  CHECK(geometry_of(l) == std::vector<std::uint32_t>{17, 10, 14, 3, 9});
}

TEST_CASE("MVT spec 4.3.5.3: a linestring encodes as 9 4 4 18 0 16 16 0, repeats dropped") {
  LayerBuilder l("lines");
  // (2,10) twice: the repeat would be a zero-length LineTo.
  REQUIRE(l.add_lines(1, {{{2, 2}, {2, 10}, {2, 10}, {10, 10}}}, {}));
  CHECK(geometry_of(l) == std::vector<std::uint32_t>{9, 4, 4, 18, 0, 16, 16, 0});
}

TEST_CASE(
    "MVT spec 4.3.5.5: a polygon encodes as 9 6 12 18 10 12 24 44 15, closing point dropped") {
  LayerBuilder l("polygons");
  REQUIRE(l.add_polygons(1, {{{{3, 6}, {8, 12}, {20, 34}, {3, 6}}}}, {}));
  CHECK(geometry_of(l) == std::vector<std::uint32_t>{9, 6, 12, 18, 10, 12, 24, 44, 15});
}

TEST_CASE("MVT polygon winding: exterior made positive and holes negative whatever the input") {
  LayerBuilder l("polygons");
  // Exterior given counter-clockwise on screen (negative area), hole given positive.
  const TilePath outer{{0, 0}, {0, 10}, {10, 10}, {10, 0}};
  const TilePath hole{{2, 2}, {4, 2}, {4, 4}, {2, 4}};
  REQUIRE(ring_area(outer) < 0);
  REQUIRE(ring_area(hole) > 0);
  REQUIRE(l.add_polygons(7, {{outer, hole}}, {}));
  const auto tile = one_layer(l);
  CHECK(tile.problems.empty());
  const auto& parts = tile.layers[0].features[0].parts;
  REQUIRE(parts.size() == 2);
  CHECK(rootzone::test::surveyor_area(parts[0]) == 100);
  CHECK(rootzone::test::surveyor_area(parts[1]) == -4);
}

TEST_CASE(
    "MVT degenerate rings: a ring of zero area is dropped, a polygon without one is not added") {
  LayerBuilder l("polygons");
  // Collinear: all on one line after quantisation.
  CHECK_FALSE(l.add_polygons(1, {{{{0, 0}, {5, 5}, {10, 10}}}}, {}));
  // Two points: a ring needs three.
  CHECK_FALSE(l.add_polygons(2, {{{{0, 0}, {5, 5}, {0, 0}}}}, {}));
  // A valid exterior keeps its place while its collapsed hole goes.
  CHECK(l.add_polygons(3, {{{{0, 0}, {10, 0}, {10, 10}}, {{1, 1}, {1, 1}, {2, 2}}}}, {}));
  const auto tile = one_layer(l);
  CHECK(tile.problems.empty());
  REQUIRE(tile.layers[0].features.size() == 1);
  CHECK(tile.layers[0].features[0].id == 3);
  CHECK(tile.layers[0].features[0].parts.size() == 1);
}

TEST_CASE("MVT lines: a line collapsed to one point is dropped") {
  LayerBuilder l("lines");
  CHECK_FALSE(l.add_lines(1, {{{3, 3}, {3, 3}}}, {}));
  CHECK(l.feature_count() == 0);
  CHECK(encode(std::move(l)).empty());
}

TEST_CASE("MVT layer: version 2, extent, keys and values deduplicated, values keep their types") {
  LayerBuilder l("trees", 4096);
  const std::vector<Property> a{{"species", std::string("Tilia cordata")},
                                {"protected", true},
                                {"height_m", 12.5},
                                {"count", std::uint64_t{3}},
                                {"delta", std::int64_t{-2}}};
  const std::vector<Property> b{{"species", std::string("Tilia cordata")},
                                {"protected", false},
                                {"height_m", 12.5},
                                {"count", 3.0}};  // a double 3 is another value than uint 3
  REQUIRE(l.add_points(1, {{1, 1}}, a));
  REQUIRE(l.add_points(2, {{2, 2}}, b));
  const auto tile = one_layer(l);
  CHECK(tile.problems.empty());
  const auto& layer = tile.layers[0];
  CHECK(layer.version == 2);
  CHECK(layer.extent == 4096);
  CHECK(layer.name == "trees");
  CHECK(layer.keys ==
        std::vector<std::string>{"species", "protected", "height_m", "count", "delta"});
  // Tilia, true, 12.5, uint 3, int -2, false, double 3: seven distinct values.
  CHECK(layer.values.size() == 7);
  const auto& f1 = layer.features[0].properties;
  CHECK(std::get<std::string>(f1.at("species")) == "Tilia cordata");
  CHECK(std::get<bool>(f1.at("protected")) == true);
  CHECK(std::get<double>(f1.at("height_m")) == 12.5);
  CHECK(std::get<std::uint64_t>(f1.at("count")) == 3);
  CHECK(std::get<std::int64_t>(f1.at("delta")) == -2);
  CHECK(std::get<double>(layer.features[1].properties.at("count")) == 3.0);
  CHECK(layer.features[0].id == 1);
  CHECK(layer.features[1].id == 2);
}

TEST_CASE("MVT tile: empty layers are left out, an all-empty tile is zero bytes") {
  LayerBuilder empty("works");
  LayerBuilder trees("trees");
  REQUIRE(trees.add_points(5, {{0, 0}}, {}));
  const auto tile = decode_tile(encode(LayerBuilder("works"), std::move(trees)));
  REQUIRE(tile.layers.size() == 1);
  CHECK(tile.layers[0].name == "trees");
  CHECK(encode(std::move(empty)).empty());
}

TEST_CASE("MVT multipolygon: the cursor carries across polygons, each exterior positive") {
  LayerBuilder l("polygons");
  REQUIRE(l.add_polygons(
      1, {{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}}, {{{10, 10}, {10, 14}, {14, 14}, {14, 10}}}}, {}));
  const auto tile = one_layer(l);
  CHECK(tile.problems.empty());
  const auto& parts = tile.layers[0].features[0].parts;
  REQUIRE(parts.size() == 2);
  // The second exterior came in with negative area: reversed, it starts at its last point.
  CHECK(parts[1][0] == rootzone::test::DPoint{14, 10});
  CHECK(rootzone::test::surveyor_area(parts[0]) == 16);
  CHECK(rootzone::test::surveyor_area(parts[1]) == 16);
}

TEST_CASE(
    "MVT pooled layer: one value per pool id, tags as given, no mixing with by-value properties") {
  LayerBuilder l("trees");
  const Value oak{std::string("Quercus robur")}, tall{12.0};
  const auto species = l.key_index("species"), height = l.key_index("height_m");
  for (std::int32_t i = 0; i < 3; ++i) {
    const std::uint32_t tags[] = {species, l.pooled_value_index(7, oak), height,
                                  l.pooled_value_index(9, tall)};
    l.add_point(static_cast<std::uint64_t>(i) + 1, {i, 2 * i}, tags, 4);
  }
  const auto tile = one_layer(l);
  CHECK(tile.problems.empty());
  const auto& layer = tile.layers[0];
  CHECK(layer.keys == std::vector<std::string>{"species", "height_m"});
  REQUIRE(layer.values.size() == 2);
  REQUIRE(layer.features.size() == 3);
  const auto& f = layer.features[2];
  CHECK(f.id == 3);
  CHECK(std::get<std::string>(f.properties.at("species")) == "Quercus robur");
  CHECK(std::get<double>(f.properties.at("height_m")) == 12.0);
  CHECK(f.geometry == std::vector<std::uint32_t>{9, 4, 8});  // MoveTo(1), zigzag(2), zigzag(4)
  CHECK_THROWS_AS(l.add_points(4, {{1, 1}}, {{"protected", true}}), std::logic_error);

  LayerBuilder works("works");
  REQUIRE(works.add_points(1, {{0, 0}}, {{"kind", std::string("pit")}}));
  CHECK_THROWS_AS(works.pooled_value_index(0, oak), std::logic_error);
}
