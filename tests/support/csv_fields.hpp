#pragma once
// The fields of one line of a CSV file (RFC 4180: quotes doubled inside quoted fields), for tests
// that read the bundled sample files themselves as an oracle. The files have no line breaks
// inside fields, so a line is a record.
#include <cstddef>
#include <string>
#include <vector>

namespace rootzone::test {

inline std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace rootzone::test
