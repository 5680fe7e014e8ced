#pragma once
// The request around a fuzzed body, shared by the tree and the work body targets: the first
// byte chooses Content-Type (bits 3-4) and Content-Crs (bits 5-6, from the target's own four),
// the rest is the body. `run` reads it as the target's routes do; a Problem or core::Error must
// be a 4xx, any other exception would be a 500 and is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_check.hpp"
#include "rootzone/core/errors.hpp"
#include "route.hpp"

namespace rootzone::fuzz {

template <class Run>
int body_input(const std::uint8_t* data, std::size_t size, const char* const (&crs)[4], Run&& run) {
  if (size == 0) return 0;
  static const char* const kTypes[] = {"application/json", "application/geo+json",
                                       "application/merge-patch+json", "text/plain"};
  const unsigned selector = data[0];
  api::Request req;
  req.method = api::Method::post;
  req.headers["content-type"] = kTypes[(selector >> 3U) % 4U];
  if (const auto* c = crs[(selector >> 5U) % 4U]; *c != '\0') req.headers["content-crs"] = c;
  req.body = std::string(as_text(data + 1, size - 1));
  try {
    run(selector, req);
  } catch (const api::Problem& p) {
    require(p.status >= 400 && p.status <= 499, "a body answered with a non-4xx problem");
  } catch (const core::Error& e) {
    const auto p = api::to_problem(e);
    require(p.status >= 400 && p.status <= 499, "a body answered with a non-4xx error");
  } catch (const std::exception& e) {
    unexpected(e);
  }
  return 0;
}

}  // namespace rootzone::fuzz
