#include "rootzone/storage/location.hpp"

namespace rootzone::storage {

bool is_postgis_location(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string printable_location(std::string_view db) {
  std::string out(db);
  if (!is_postgis_location(db)) return out;
  // user:password@ in the authority (before the first '/' after the scheme).
  const auto authority = out.find("://") + 3;
  const auto authority_end = std::min(out.find_first_of("/?", authority), out.size());
  const auto at = out.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority) {
    const auto colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // password=... among the query parameters.
  const auto query = out.find('?');
  for (auto p = query; p != std::string::npos; p = out.find('&', p + 1)) {
    if (out.compare(p + 1, 9, "password=") == 0) {
      const auto value = p + 10;
      const auto end = std::min(out.find('&', value), out.size());
      out.replace(value, end - value, "***");
    }
  }
  return out;
}

}  // namespace rootzone::storage
