#include "rootzone/support/gzip.hpp"

#include <zlib.h>

#include <limits>
#include <stdexcept>

namespace rootzone::support {

namespace {

// Owns a deflate stream: deflateEnd runs however the compression ends, a throwing
// allocation included.
class Deflater {
 public:
  explicit Deflater(int level) {
    // windowBits 15 + 16: a gzip wrapper instead of zlib's.
    if (deflateInit2(&stream_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("zlib: deflateInit2 failed");
    }
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
};

}  // namespace

std::string gzip(std::string_view data, int level) {
  // One deflate call over the whole input: avail_in and deflateBound count in uLong/uInt.
  if (data.size() > std::numeric_limits<uInt>::max()) {
    throw std::runtime_error("zlib: input too large for one deflate call");
  }
  Deflater zs(level);
  std::string out(deflateBound(zs.get(), static_cast<uLong>(data.size())), '\0');
  // zlib's next_in is not const, but deflate only reads it.
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs->avail_in = static_cast<uInt>(data.size());
  zs->next_out = reinterpret_cast<Bytef*>(out.data());
  zs->avail_out = static_cast<uInt>(out.size());
  if (deflate(zs.get(), Z_FINISH) != Z_STREAM_END) {
    throw std::runtime_error("zlib: deflate did not finish");
  }
  out.resize(zs->total_out);
  return out;
}

}  // namespace rootzone::support
