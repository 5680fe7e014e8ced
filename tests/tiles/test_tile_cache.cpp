// The tile cache: bounded by bytes (least recently used first), dropped by area, never storing
// a render that overlapped an invalidation, cleared when another process wrote.
#include <catch2/catch.hpp>
#include <memory>

#include "rootzone/tiles/tile_cache.hpp"

using namespace rootzone;
using namespace rootzone::tiles;

namespace {

CachedTile tile_of(std::size_t bytes, char fill = 'x') {
  auto body = std::make_shared<const std::string>(bytes, fill);
  return {body, nullptr, etag_of(*body)};
}

}  // namespace

TEST_CASE("Tile cache: the least recently used tiles go first when the byte bound is reached") {
  // Each entry costs its body + 2 x key + 128 bytes of bookkeeping: 1000 + 2 + 128 = 1130.
  TileCache cache(3 * 1130);
  for (const char* k : {"a", "b", "c"}) cache.put(k, tile_of(1000), {0, 0, 1, 1}, cache.epoch());
  CHECK(cache.size() == 3);
  CHECK(cache.bytes() == 3 * 1130);
  CHECK(cache.find("a"));  // a is now the most recent
  cache.put("d", tile_of(1000), {0, 0, 1, 1}, cache.epoch());
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.find("b"));  // the least recent went
  CHECK(cache.find("a"));
  CHECK(cache.find("c"));
  CHECK(cache.find("d"));
  // A tile bigger than the whole bound is served but never kept.
  cache.put("huge", tile_of(5000), {0, 0, 1, 1}, cache.epoch());
  CHECK_FALSE(cache.find("huge"));
  CHECK(cache.size() == 3);
}

TEST_CASE("Tile cache: a change drops exactly the tiles whose area it touches") {
  TileCache cache(1 << 20);
  cache.put("west", tile_of(10), {0, 0, 100, 100}, cache.epoch());
  cache.put("east", tile_of(10), {200, 0, 300, 100}, cache.epoch());
  cache.put("both", tile_of(10), {0, 0, 300, 100}, cache.epoch());
  CHECK(cache.invalidate({{90, 50, 95, 55}}) == 2);  // west and both
  CHECK_FALSE(cache.find("west"));
  CHECK_FALSE(cache.find("both"));
  CHECK(cache.find("east"));
  CHECK(cache.invalidate({{150, 0, 160, 10}}) == 0);  // between the tiles
  CHECK(cache.find("east"));
}

TEST_CASE("Tile cache: a render that overlapped an invalidation is not stored") {
  TileCache cache(1 << 20);
  const auto started = cache.epoch();
  cache.invalidate({{0, 0, 1, 1}});  // a write commits while the tile renders
  cache.put("t", tile_of(10), {0, 0, 100, 100}, started);
  CHECK_FALSE(cache.find("t"));
  cache.put("t", tile_of(10), {0, 0, 100, 100}, cache.epoch());
  CHECK(cache.find("t"));
}

TEST_CASE("Tile cache: clear drops every entry and refuses renders that started before it") {
  TileCache cache(1 << 20);
  const auto started = cache.epoch();
  cache.put("a", tile_of(10), {0, 0, 1, 1}, started);
  cache.put("b", tile_of(20), {50, 50, 60, 60}, started);
  cache.clear();  // another process wrote: nothing held is current
  CHECK_FALSE(cache.find("a"));
  CHECK_FALSE(cache.find("b"));
  CHECK(cache.bytes() == 0);
  cache.put("a", tile_of(10), {0, 0, 1, 1}, started);
  CHECK_FALSE(cache.find("a"));
}

TEST_CASE("Tile cache: gzipped bytes join an entry only while its ETag is current") {
  TileCache cache(1 << 20);
  const auto t = tile_of(2000, 'a');
  cache.put("t", t, {0, 0, 1, 1}, cache.epoch());
  cache.add_gzip("t", "\"stale\"", std::make_shared<const std::string>("gz-old"));
  CHECK_FALSE(cache.find("t")->gzipped);
  cache.add_gzip("t", t.etag, std::make_shared<const std::string>("gz"));
  REQUIRE(cache.find("t")->gzipped);
  CHECK(*cache.find("t")->gzipped == "gz");
  CHECK(etag_of("a") != etag_of("b"));
  CHECK(etag_of("a").size() == 18);
}
