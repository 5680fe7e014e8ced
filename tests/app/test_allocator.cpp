// serve's bound on tcmalloc's thread caches (app/allocator.cpp). This executable links tcmalloc
// as the rootzone binary does (tests/app/CMakeLists.txt), so the bound meets the real allocator.
// What the bound does to the server's heap is measured by the soak (docs/RELIABILITY.md "Soak").
#include <catch2/catch.hpp>
#include <cstdlib>

#include "allocator.hpp"

using rootzone::app::allocator_property;
using rootzone::app::bound_thread_caches;

TEST_CASE("serve bounds tcmalloc's thread caches to 8 MiB instead of its default 32 MiB") {
  // tcmalloc's default, which the soak's heap grew towards.
  REQUIRE(allocator_property("tcmalloc.max_total_thread_cache_bytes") == 32u << 20);
  CHECK(rootzone::app::kServeThreadCacheBytes == 8u << 20);
  CHECK(bound_thread_caches(rootzone::app::kServeThreadCacheBytes) == 8u << 20);
  CHECK(allocator_property("tcmalloc.max_total_thread_cache_bytes") == 8u << 20);
  CHECK_FALSE(allocator_property("tcmalloc.no_such_property").has_value());
}

TEST_CASE("an operator's TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES wins over serve's bound") {
  // tcmalloc read the variable when it started; set now, only the bound's own check sees it,
  // which is the case to prove: the bound in force stays what it was.
  const auto before = allocator_property("tcmalloc.max_total_thread_cache_bytes").value();
  ::setenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES", "33554432", 1);
  CHECK(bound_thread_caches(1u << 20) == before);
  ::unsetenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES");
  CHECK(bound_thread_caches(2u << 20) == 2u << 20);
}
