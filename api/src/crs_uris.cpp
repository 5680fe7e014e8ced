#include "crs_uris.hpp"

#include <map>
#include <memory>

namespace rootzone::api {

namespace {

std::string epsg_uri(int code) {
  return "http://www.opengis.net/def/crs/EPSG/0/" + std::to_string(code);
}

}  // namespace

std::vector<std::string> supported_crs_uris(int store_srid) {
  std::vector<std::string> uris{std::string(kCrs84), epsg_uri(4326), epsg_uri(store_srid)};
  if (store_srid != 3857) uris.push_back(epsg_uri(3857));
  return uris;
}

std::optional<OutputCrs> crs_from_uri(std::string_view uri, int store_srid) {
  if (uri == kCrs84) return OutputCrs{std::string(uri), 4326, false};
  for (const int code : {4326, store_srid, 3857}) {
    if (uri == epsg_uri(code)) return OutputCrs{std::string(uri), code, code == 4326};
  }
  return std::nullopt;
}

const geo::Transformer* thread_transformer(int from_epsg, int to_epsg) {
  if (from_epsg == to_epsg) return nullptr;
  // PROJ: one context per thread; a Transformer owns one, so each thread keeps its own.
  thread_local std::map<std::pair<int, int>, std::unique_ptr<geo::Transformer>> cache;
  auto& slot = cache[{from_epsg, to_epsg}];
  if (!slot) slot = std::make_unique<geo::Transformer>(from_epsg, to_epsg);
  return slot.get();
}

}  // namespace rootzone::api
