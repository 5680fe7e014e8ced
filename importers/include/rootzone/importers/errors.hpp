#pragma once
// importers' exception hierarchy (docs/style.md 1, 2): messages name the file, the mapping member
// or the record that failed. Bad *records* are not exceptions: they go to the ProblemReport.
#include <stdexcept>

namespace rootzone::importers {

struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The input file does not exist (exit code 66).
struct InputMissing : ImportError {
  using ImportError::ImportError;
};

// The file exists but cannot be read as the format it claims: GDAL cannot open it, a WZDx
// feed that is no JSON, a file cut off in the middle (exit code 65).
struct InputUnreadable : ImportError {
  using ImportError::ImportError;
};

// The mapping profile is missing, not JSON, names an unknown canonical field, or names a
// source field the file does not have (exit code 65).
struct MappingError : ImportError {
  using ImportError::ImportError;
};

}  // namespace rootzone::importers
