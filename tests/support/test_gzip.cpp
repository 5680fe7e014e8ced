#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "rootzone/support/gzip.hpp"

using rootzone::support::gzip;

namespace {

// Inflates one gzip member with zlib itself, so the test does not trust the code it tests.
std::string gunzip(const std::string& gz) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  const auto left = zs.avail_in;
  inflateEnd(&zs);
  CHECK(rc == Z_STREAM_END);
  CHECK(left == 0);
  return out;
}

bool has_gzip_header(const std::string& gz) {
  return gz.size() >= 18 && static_cast<unsigned char>(gz[0]) == 0x1f &&
         static_cast<unsigned char>(gz[1]) == 0x8b;
}

}  // namespace

TEST_CASE("gzip writes a gzip member that inflates to the input", "[gzip]") {
  const std::string text = "{\"type\":\"FeatureCollection\",\"features\":[]}";
  const auto gz = gzip(text);
  CHECK(has_gzip_header(gz));
  CHECK(gunzip(gz) == text);
}

TEST_CASE("gzip of nothing is a valid empty member", "[gzip]") {
  const auto gz = gzip("");
  CHECK(has_gzip_header(gz));
  CHECK(gunzip(gz).empty());
}

TEST_CASE("gzip round-trips 1 MB, compressible or not", "[gzip]") {
  std::string repetitive;
  while (repetitive.size() < (1U << 20)) repetitive += "tree 4711, Tilia cordata, 120 cm; ";
  repetitive.resize(1U << 20);
  const auto gz = gzip(repetitive);
  CHECK(gz.size() < repetitive.size() / 10);
  CHECK(gunzip(gz) == repetitive);

  // Incompressible bytes: the output may exceed the input, and deflateBound must cover it.
  std::string noise(1U << 20, '\0');
  std::uint32_t x = 2463534242U;
  for (auto& c : noise) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  for (const int level : {0, 1, 6, 9}) {
    INFO("level " << level);
    CHECK(gunzip(gzip(noise, level)) == noise);
  }
}

TEST_CASE("gzip refuses a level zlib does not know", "[gzip]") {
  CHECK_THROWS_AS(gzip("x", 42), std::runtime_error);
}
