#pragma once
// One JSON object per line on stderr, written with a single write(2) so that lines from
// concurrent threads never interleave (the access log and the handler error log).
#include <unistd.h>

#include <string>

#include <nlohmann/json.hpp>

namespace rootzone::http {

inline void log_line(const nlohmann::json& entry) {
  std::string line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;  // nowhere to report a failing stderr
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace rootzone::http
