#pragma once
// Internal: RAII for the GEOS reentrant C API (docs/style.md 5). Not installed, not in
// include/: GEOS types must not leak into geo's public headers (docs/architecture.md).
// Every GEOS object is bound to the context that made it, so each owning pointer carries
// its context in the deleter, and all objects of one thread come from that thread's context.
#include <geos_c.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::geo::detail {

// One GEOS context with handlers that keep the last message: the _r functions report
// failure only by a null/0 return, the reason arrives through the handler.
class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  // The handlers hold `this`: the context may neither be copied nor moved.
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
  GeosContext(GeosContext&&) = delete;
  GeosContext& operator=(GeosContext&&) = delete;

  GEOSContextHandle_t get() const { return handle_; }
  const std::string& last_error() const { return last_error_; }
  const std::string& last_notice() const { return last_notice_; }
  // Forget earlier messages before a call whose failure is to be reported.
  void clear_messages();
  // Throws GeometryError "<what>: <GEOS's last error>".
  [[noreturn]] void fail(std::string_view what) const;

 private:
  static void on_error(const char* message, void* self);
  static void on_notice(const char* message, void* self);

  GEOSContextHandle_t handle_;
  std::string last_error_;
  std::string last_notice_;
};

// This thread's context (GEOS: one context per thread), created on first use.
GeosContext& thread_context();

template <typename T, auto Destroy>
struct GeosDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(T* p) const noexcept {
    if (p != nullptr) {
      Destroy(ctx, p);
    }
  }
};

inline void geos_free(GEOSContextHandle_t ctx, void* p) { GEOSFree_r(ctx, p); }

using GeomPtr = std::unique_ptr<GEOSGeometry, GeosDeleter<GEOSGeometry, &GEOSGeom_destroy_r>>;
using PreparedPtr =
    std::unique_ptr<const GEOSPreparedGeometry,
                    GeosDeleter<const GEOSPreparedGeometry, &GEOSPreparedGeom_destroy_r>>;
using STRtreePtr = std::unique_ptr<GEOSSTRtree, GeosDeleter<GEOSSTRtree, &GEOSSTRtree_destroy_r>>;
using WKTReaderPtr =
    std::unique_ptr<GEOSWKTReader, GeosDeleter<GEOSWKTReader, &GEOSWKTReader_destroy_r>>;
using WKTWriterPtr =
    std::unique_ptr<GEOSWKTWriter, GeosDeleter<GEOSWKTWriter, &GEOSWKTWriter_destroy_r>>;
using WKBReaderPtr =
    std::unique_ptr<GEOSWKBReader, GeosDeleter<GEOSWKBReader, &GEOSWKBReader_destroy_r>>;
using WKBWriterPtr =
    std::unique_ptr<GEOSWKBWriter, GeosDeleter<GEOSWKBWriter, &GEOSWKBWriter_destroy_r>>;
// Buffers GEOS allocates (WKT text, WKB bytes, type names) must go back through GEOSFree_r.
using CharBuf = std::unique_ptr<char, GeosDeleter<void, &geos_free>>;
using ByteBuf = std::unique_ptr<unsigned char, GeosDeleter<void, &geos_free>>;

inline GeomPtr own(const GeosContext& c, GEOSGeometry* g) { return GeomPtr(g, {c.get()}); }

// ISO WKB <-> GEOS geometry in this thread's context; both throw GeometryError.
GeomPtr read_wkb(const GeosContext& c, const std::vector<std::uint8_t>& wkb);
// 2D ISO WKB, little endian: the bytes storage hands to SpatiaLite.
std::vector<std::uint8_t> write_wkb(const GeosContext& c, const GEOSGeometry& g);

}  // namespace rootzone::geo::detail
