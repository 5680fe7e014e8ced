#pragma once
// Who a request comes from, for the per-address write limit (write_limit.hpp): the peer of the
// connection, or, when the peer is a trusted proxy, the client its X-Forwarded-For names.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::api {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4
};
// "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0"; an IPv4-mapped IPv6 address
// (::ffff:192.0.2.1, how a dual-stack socket shows an IPv4 peer) is the IPv4 address.
std::optional<IpAddress> parse_ip(std::string_view text);

struct AddressRange {
  IpAddress base;
  int prefix = 32;  // bits that must match
  bool contains(const IpAddress& ip) const;
};
// "10.0.0.0/8", "::1" (a single address: /32 or /128); none when it is neither.
std::optional<AddressRange> parse_range(std::string_view text);

// The bucket a client address falls in: the IPv4 address itself; for IPv6 its /64 ("2001:db8::/64":
// one subscriber's network, which hands out any number of addresses). Text that is no address
// (a router test without a socket: "") is kept as it is.
std::string bucket_of(std::string_view address);

// The client of a request from `peer`. A peer in `trusted` relays the client's address in
// `forwarded_for` (X-Forwarded-For, "client, proxy1, proxy2"): read from the right, every
// trusted hop is skipped and the first untrusted address is the client (what a client wrote
// on the left itself is never believed). An entry that is no address ends the walk at the
// last trusted hop. Not trusted, or no header: the peer.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<AddressRange>& trusted);

}  // namespace rootzone::api
