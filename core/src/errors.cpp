#include "rootzone/core/errors.hpp"

namespace rootzone::core {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::unauthorized:
      return "unauthorized";
    case ErrorKind::forbidden:
      return "forbidden";
    case ErrorKind::not_found:
      return "not found";
    case ErrorKind::conflict:
      return "conflict";
    case ErrorKind::precondition_failed:
      return "precondition failed";
    case ErrorKind::unprocessable:
      return "unprocessable";
    case ErrorKind::busy:
      return "busy";
  }
  return "error";
}

Error stale(std::string_view collection, std::int64_t id, std::int64_t current) {
  const std::string name(collection);
  return Error(ErrorKind::precondition_failed,
               name + " " + std::to_string(id) + " was changed by someone else", {},
               CurrentVersion{name, id, current});
}

}  // namespace rootzone::core
