#pragma once
// Runs the real `rootzone` binary (or any command) and captures what a user would see.
#include <string>
#include <vector>

namespace rootzone::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Arguments are passed without a shell, so paths with spaces need no quoting.
RunResult run(const std::vector<std::string>& argv);
RunResult run_rootzone(const std::vector<std::string>& args);

}  // namespace rootzone::test
