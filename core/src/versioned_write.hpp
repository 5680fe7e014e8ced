#pragma once
// A live-engine write of one versioned record. storage's VersionConflict means a writer outside
// this application changed the record between our read and our update: the caller's precondition
// no longer holds.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "rootzone/core/errors.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::core {

template <class F>
auto write_versioned(Application& app, std::string_view what, std::int64_t id, F&& change) {
  try {
    return app.live().write(std::forward<F>(change));
  } catch (const storage::VersionConflict&) {
    throw Error(ErrorKind::precondition_failed,
                std::string(what) + " " + std::to_string(id) +
                    " was changed by someone else while this request ran; GET it and retry");
  }
}

}  // namespace rootzone::core
