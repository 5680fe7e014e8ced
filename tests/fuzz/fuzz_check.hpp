#pragma once
// What every fuzz target shares: the libFuzzer entry point's declaration and a check that ends
// the run on a broken invariant. abort() is what both libFuzzer (which keeps the input as a
// crash) and the replay (whose CTest case then fails) take as a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Set-up that is not an input's work (a store made once): libFuzzer calls it before its
// per-input timeout starts, the replay before the first input. Optional.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace rootzone::fuzz {

[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline void require(bool ok, std::string_view what) {
  if (!ok) fail(what);
}

// An exception that would reach the HTTP layer as a 500 (or end an import with a stack trace):
// the input is a finding.
[[noreturn]] inline void unexpected(const std::exception& e) {
  std::fprintf(stderr, "unexpected exception: %s\n", e.what());
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace rootzone::fuzz
