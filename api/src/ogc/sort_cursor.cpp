#include "ogc/sort_cursor.hpp"

#include <nlohmann/json.hpp>

#include "ogc/cql2.hpp"
#include "rootzone/support/json_nesting.hpp"

namespace rootzone::api {

namespace {

using nlohmann::json;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// A cursor carries at most kMaxSortKeys values of stored text: a few KiB at most.
constexpr std::size_t kMaxTokenBytes = 8 * 1024;

std::string base64url(const std::string& bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 255);
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::optional<std::vector<storage::SortKey>> parse_sortby(std::string_view value) {
  std::vector<storage::SortKey> keys;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = value.find(',', start);
    const auto part =
        value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
    storage::SortKey key;
    // A '+' in a query string arrives as a space: " height_m" is "+height_m".
    const bool plus = !part.empty() && (part.front() == '+' || part.front() == ' ');
    key.descending = !part.empty() && part.front() == '-';
    key.name = trim(plus || key.descending ? part.substr(1) : part);
    if (key.name.empty() || keys.size() == kMaxSortKeys) return std::nullopt;
    keys.push_back(std::move(key));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return keys;
}

std::string encode_cursor(const std::vector<storage::SortValue>& values, std::int64_t id) {
  json a = json::array();
  for (const auto& v : values) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            a.push_back(nullptr);
          } else {
            a.push_back(x);
          }
        },
        v);
  }
  a.push_back(id);
  return base64url(a.dump());
}

std::optional<std::pair<std::vector<storage::SortValue>, std::int64_t>> decode_cursor(
    std::string_view token, std::size_t keys) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const auto text = from_base64url(token);
  if (!text || support::json_nesting(*text, 1).depth > 1) return std::nullopt;
  const auto a = json::parse(*text, nullptr, false);
  if (!a.is_array() || a.size() != keys + 1 || !a.back().is_number_integer()) return std::nullopt;
  const auto id = a.back().get<std::int64_t>();
  if (id < 0) return std::nullopt;
  std::vector<storage::SortValue> values;
  for (std::size_t i = 0; i < keys; ++i) {
    const auto& v = a[i];
    if (v.is_null()) {
      values.emplace_back(std::monostate{});
    } else if (v.is_number_integer()) {
      values.emplace_back(v.get<std::int64_t>());
    } else if (v.is_number_float()) {
      values.emplace_back(v.get<double>());
    } else if (v.is_string()) {
      values.emplace_back(v.get<std::string>());
    } else {
      return std::nullopt;
    }
  }
  return std::pair(std::move(values), id);
}

}  // namespace rootzone::api
