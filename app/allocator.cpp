#include "allocator.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace rootzone::app {

namespace {

// gperftools' C interface (malloc_extension_c.h). Debian's libtcmalloc-minimal4 comes without
// its headers, and test builds run without tcmalloc: looked up at run time, so one binary works
// with either allocator.
using GetProperty = int (*)(const char*, std::size_t*);
using SetProperty = int (*)(const char*, std::size_t);

template <class F>
F lookup(const char* symbol) {
  return reinterpret_cast<F>(::dlsym(RTLD_DEFAULT, symbol));
}

constexpr const char* kMaxThreadCache = "tcmalloc.max_total_thread_cache_bytes";

}  // namespace

std::optional<std::size_t> allocator_property(const char* name) {
  static const auto get = lookup<GetProperty>("MallocExtension_GetNumericProperty");
  std::size_t value = 0;
  if (get == nullptr || get(name, &value) == 0) return std::nullopt;
  return value;
}

std::optional<std::size_t> bound_thread_caches(std::size_t bytes) {
  static const auto set = lookup<SetProperty>("MallocExtension_SetNumericProperty");
  if (set == nullptr) return std::nullopt;
  // An operator's own bound wins over the built-in one.
  if (std::getenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES") == nullptr) {
    set(kMaxThreadCache, bytes);
  }
  return allocator_property(kMaxThreadCache);
}

}  // namespace rootzone::app
