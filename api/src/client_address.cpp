#include "client_address.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "rootzone/api/trusted_proxy.hpp"

namespace rootzone::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string format(const IpAddress& ip) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), text, sizeof text);
  return text;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string z(text);  // inet_pton wants a terminated string
  IpAddress ip;
  if (::inet_pton(AF_INET, z.c_str(), ip.bytes.data()) == 1) return ip;
  if (::inet_pton(AF_INET6, z.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  ip.v6 = true;
  constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), ip.bytes.begin())) {
    IpAddress v4;
    std::copy(ip.bytes.begin() + 12, ip.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return ip;
}

bool AddressRange::contains(const IpAddress& ip) const {
  if (ip.v6 != base.v6) return false;
  const auto full = static_cast<std::size_t>(prefix / 8);
  for (std::size_t i = 0; i < full; ++i) {
    if (ip.bytes[i] != base.bytes[i]) return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (base.bytes[full] & mask);
}

std::optional<AddressRange> parse_range(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  const auto address = text.substr(0, slash);
  const auto ip = parse_ip(address);
  if (!ip) return std::nullopt;
  // parse_ip reads "::ffff:10.0.0.0" as IPv4: a prefix after it would count IPv6 bits. Refused
  // rather than guessed: the IPv4 range says the same.
  if (!ip->v6 && slash != std::string_view::npos && address.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  const int bits = ip->v6 ? 128 : 32;
  AddressRange r{*ip, bits};
  if (slash == std::string_view::npos) return r;
  const auto digits = text.substr(slash + 1);
  int prefix = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || prefix < 0 ||
      prefix > bits) {
    return std::nullopt;
  }
  r.prefix = prefix;
  return r;
}

std::string check_address_range(std::string_view text) {
  if (parse_range(text)) return {};
  return "'" + std::string(text) +
         "' is no IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)";
}

std::string bucket_of(std::string_view address) {
  auto ip = parse_ip(address);
  if (!ip) return std::string(address);
  if (!ip->v6) return format(*ip);
  std::fill(ip->bytes.begin() + 8, ip->bytes.end(), std::uint8_t{0});
  return format(*ip) + "/64";
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<AddressRange>& trusted) {
  const auto is_trusted = [&](const IpAddress& ip) {
    for (const auto& r : trusted) {
      if (r.contains(ip)) return true;
    }
    return false;
  };
  const auto peer_ip = parse_ip(peer);
  if (!peer_ip) return std::string(peer);
  std::string hop = format(*peer_ip);
  if (!is_trusted(*peer_ip)) return hop;
  while (!trim(forwarded_for).empty()) {
    const auto comma = forwarded_for.rfind(',');
    const auto entry =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    const auto ip = parse_ip(entry);
    if (!ip) return hop;
    hop = format(*ip);
    if (!is_trusted(*ip)) return hop;
  }
  return hop;
}

}  // namespace rootzone::api
