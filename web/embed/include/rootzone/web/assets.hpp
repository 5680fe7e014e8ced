#pragma once
// The map page's files, compiled into the binary by web/build.mjs (esbuild's bundle, MapLibre's
// worker, index.html), so that `rootzone serve` serves the page on a machine without node.
// Every file comes with a gzip copy made at build time: a client that accepts gzip gets it
// without compressing per request.
#include <optional>
#include <span>
#include <string_view>

namespace rootzone::web {

struct Asset {
  std::string_view path;          // "/map" or "/map/assets/app-<hash>.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // strong: "\"<sha256 prefix>\""
  bool immutable;                 // the name carries the content hash: cache for a year
  std::string_view body;
  std::string_view gzip;
};

std::span<const Asset> embedded_assets();

inline const Asset* find_asset(std::string_view path) {
  for (const auto& a : embedded_assets())
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace rootzone::web
