#pragma once
#include <stdexcept>
#include <string>

#include "rootzone/core/errors.hpp"

namespace rootzone::test {

// The domain error `f` throws; a test failure when it throws none.
template <class F>
core::Error error_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const core::Error& e) {
    return e;
  }
  throw std::logic_error("expected a core::Error, none was thrown");
}

}  // namespace rootzone::test
