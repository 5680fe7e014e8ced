#pragma once
// The errors of rootzone's use cases, in the domain's words. Each says what kind of refusal
// it is; api/ maps the kind to an HTTP status and problem+json in one place (api/src/
// domain_errors.cpp), app/ to a message and an exit code. Nothing here knows HTTP.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rootzone::core {

enum class ErrorKind {
  unauthorized,         // the caller must say who it is (the public asked for a role's right)
  forbidden,            // the caller is known and may not do this
  not_found,            // no such tree, work, conflict ...
  conflict,             // the request contradicts the stored state (a duplicate reference,
                        // an illegal lifecycle step, a felled tree inspected)
  precondition_failed,  // the thing changed since the caller read it
  unprocessable,        // understood, but not a storable value (impossible sizes, bad shape)
  busy,                 // another writer (an import in another process) holds the store
};
std::string_view to_string(ErrorKind kind);

// A versioned thing as a stale writer last saw it, for the answer that names its current
// version (the HTTP layer turns it into an ETag).
struct CurrentVersion {
  std::string collection;  // "tree", "work"
  std::int64_t id = 0;
  std::int64_t version = 0;
};

class Error : public std::runtime_error {
 public:
  // `title`: a short name of the refusal where the kind alone says too little ("Illegal
  // transition", "Tree is felled"); empty: the kind's own.
  Error(ErrorKind kind, const std::string& detail, std::string title = {},
        std::optional<CurrentVersion> current = std::nullopt)
      : std::runtime_error(detail),
        kind_(kind),
        title_(std::move(title)),
        current_(std::move(current)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& title() const { return title_; }
  const std::optional<CurrentVersion>& current() const { return current_; }

 private:
  ErrorKind kind_;
  std::string title_;
  std::optional<CurrentVersion> current_;
};

// The refusal of a stale write: `collection` `id` is at `current` now.
Error stale(std::string_view collection, std::int64_t id, std::int64_t current);

}  // namespace rootzone::core
