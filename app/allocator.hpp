// The allocator's caches in a long-running server (docs/architecture.md "Allocator",
// docs/RELIABILITY.md "Soak").
#pragma once

#include <cstddef>
#include <optional>

namespace rootzone::app {

// What `serve` lets tcmalloc's thread caches hold in total. Under tcmalloc's own default, 32 MiB,
// the soak's heap grew with the tree edits (8.7 MiB in four minutes, still growing) while the
// application's own bytes stayed flat: the growth was freed memory kept in tcmalloc's thread
// and transfer caches. With 8 MiB the thread caches held 6-7 MiB and the heap levelled off at the
// same throughput (docs/RELIABILITY.md "Soak").
inline constexpr std::size_t kServeThreadCacheBytes = std::size_t{8} << 20;

// Bounds the total of tcmalloc's thread caches to `bytes`, unless the environment names its own
// bound (TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES, read by tcmalloc itself at start). Returns the
// bound in force afterwards; nullopt when the process does not allocate through tcmalloc (test
// and sanitizer builds), where there is nothing to bound.
std::optional<std::size_t> bound_thread_caches(std::size_t bytes);

// One of tcmalloc's numeric properties (e.g. "tcmalloc.current_total_thread_cache_bytes"); nullopt
// without tcmalloc or for a name it does not know.
std::optional<std::size_t> allocator_property(const char* name);

}  // namespace rootzone::app
