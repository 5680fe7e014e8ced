#include "support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

namespace rootzone::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rootzone-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a leftover temp dir must not turn a passing test into a crash
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace rootzone::test
