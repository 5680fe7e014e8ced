#include "rootzone/api/basemap.hpp"

#include <algorithm>
#include <cctype>

namespace rootzone::api {

namespace {

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
}

// Characters that would let a URL break out of the CSP header, the JSON of /map/config.json or
// a style attribute: quotes, blanks, separators of CSP source lists, angle brackets, backslash,
// and anything outside printable ASCII.
bool unsafe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '`' || c == ';' || c == ',' ||
         c == '<' || c == '>' || c == '\\';
}

BasemapParse refuse(std::string why) { return {std::nullopt, std::move(why)}; }

}  // namespace

std::string_view to_string(Basemap::Kind k) {
  switch (k) {
    case Basemap::Kind::xyz:
      return "xyz";
    case Basemap::Kind::wms:
      return "wms";
    case Basemap::Kind::style:
      return "style";
  }
  return "xyz";
}

BasemapParse parse_basemap(std::string_view url) {
  constexpr std::string_view kUsage =
      ": give an XYZ template (https://host/{z}/{x}/{y}.png), a WMS GetMap URL with "
      "{bbox-epsg-3857}, or a MapLibre style URL ending in .json";
  if (url.size() > 2000) return refuse("--basemap: the URL is longer than 2000 characters");
  if (const auto bad = std::find_if(url.begin(), url.end(), unsafe_char); bad != url.end()) {
    return refuse(
        "--basemap: the URL contains a quote, blank, ';', ',', '<', '>', '\\' or a "
        "character outside printable ASCII");
  }
  std::string_view rest;
  std::string scheme;
  if (url.starts_with("https://")) {
    scheme = "https://";
  } else if (url.starts_with("http://")) {
    scheme = "http://";
  } else {
    return refuse("--basemap: the URL must start with https:// or http://" + std::string(kUsage));
  }
  rest = url.substr(scheme.size());
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  const auto colon = authority.find(':');
  const auto host = authority.substr(0, colon);
  const auto port =
      colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
  if (host.empty() || !std::all_of(host.begin(), host.end(), host_char) ||
      (colon != std::string_view::npos &&
       (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })))) {
    return refuse("--basemap: '" + std::string(authority) +
                  "' is not a host name with an optional port (letters, digits, '.', '-')");
  }
  Basemap b;
  b.url = std::string(url);
  b.origin = scheme + std::string(authority);
  const auto path = host_end == std::string_view::npos ? std::string_view{} : rest.substr(host_end);
  const auto path_only = path.substr(0, path.find_first_of("?#"));
  if (url.find("{bbox-epsg-3857}") != std::string_view::npos) {
    b.kind = Basemap::Kind::wms;
  } else if (url.find("{z}") != std::string_view::npos &&
             url.find("{x}") != std::string_view::npos &&
             url.find("{y}") != std::string_view::npos) {
    b.kind = Basemap::Kind::xyz;
  } else if (path_only.ends_with(".json")) {
    b.kind = Basemap::Kind::style;
  } else {
    return refuse("--basemap: '" + std::string(url) + "' is none of the three" +
                  std::string(kUsage));
  }
  return {std::move(b), {}};
}

}  // namespace rootzone::api
