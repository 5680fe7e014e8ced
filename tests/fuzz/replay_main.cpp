// The replay of a fuzz target's corpus and crashes in the ordinary build (gcc, CI): every file
// under the directories given is passed to LLVMFuzzerTestOneInput once. A broken invariant
// aborts (the CTest case fails); a run that found no input at all fails too, so a corpus that
// went missing is noticed.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_check.hpp"

// Weak: a target without set-up does not define it.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path dir(argv[i]);
    if (!std::filesystem::is_directory(dir))
      continue;  // crashes/<name> exists only once one was found
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
      std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
      LLVMFuzzerTestOneInput(data.data(), data.size());
      ++replayed;
    }
    std::cout << dir.string() << ": " << files.size() << " inputs replayed\n";
  }
  if (replayed == 0) {
    std::cerr << "no input found in the directories given\n";
    return 1;
  }
  std::cout << replayed << " inputs replayed in all\n";
  return 0;
}
