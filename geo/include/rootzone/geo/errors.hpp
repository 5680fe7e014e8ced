#pragma once
// geo's exception hierarchy: messages name what was violated (docs/style.md 1).
#include <stdexcept>

namespace rootzone::geo {

struct GeoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct GeometryError : GeoError {
  using GeoError::GeoError;
};
struct CrsError : GeoError {
  using GeoError::GeoError;
};

}  // namespace rootzone::geo
