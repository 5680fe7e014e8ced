// api/src/write_limit.hpp and client_address.hpp: the client a write is counted against, and
// the two buckets every write takes from, stepped by an injected clock.
#include <catch2/catch.hpp>
#include <chrono>

#include "client_address.hpp"
#include "rootzone/api/trusted_proxy.hpp"
#include "write_limit.hpp"

using namespace rootzone::api;
using namespace std::chrono_literals;

namespace {

Request from(std::string peer, std::string forwarded_for = "", std::string key = "") {
  Request req;
  req.method = Method::post;
  req.remote = std::move(peer);
  if (!forwarded_for.empty()) req.headers["x-forwarded-for"] = std::move(forwarded_for);
  if (!key.empty()) req.headers["authorization"] = "Bearer " + key;
  return req;
}

// The 429 a write limit throws, or none.
std::optional<Problem> refusal(const std::function<void()>& admit) {
  try {
    admit();
  } catch (const Problem& p) {
    return p;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("client address: IP addresses and CIDR ranges", "[api][write-limit]") {
  CHECK(check_address_range("127.0.0.1").empty());
  CHECK(check_address_range("10.0.0.0/8").empty());
  CHECK(check_address_range("::1").empty());
  CHECK(check_address_range("fd00::/8").empty());
  CHECK(check_address_range("0.0.0.0/0").empty());
  CHECK(check_address_range("localhost") ==
        "'localhost' is no IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)");
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "::/129",
                          "1.2.3", "1.2.3.4.5", "::ffff:10.0.0.0/104"}) {
    INFO(bad);
    CHECK_FALSE(parse_range(bad).has_value());
  }
  const auto net = *parse_range("10.20.0.0/12");  // 10.16.0.0 - 10.31.255.255
  CHECK(net.contains(*parse_ip("10.16.0.0")));
  CHECK(net.contains(*parse_ip("10.31.255.255")));
  CHECK_FALSE(net.contains(*parse_ip("10.32.0.0")));
  CHECK_FALSE(net.contains(*parse_ip("10.15.255.255")));
  CHECK_FALSE(net.contains(*parse_ip("::ffff:11.0.0.1")));
  CHECK(net.contains(*parse_ip("::ffff:10.20.1.1")));  // a dual-stack socket's IPv4 peer
  const auto v6 = *parse_range("2001:db8::/32");
  CHECK(v6.contains(*parse_ip("[2001:db8:ffff::1]")));
  CHECK(v6.contains(*parse_ip("2001:db8::1%eth0")));
  CHECK_FALSE(v6.contains(*parse_ip("2001:db9::1")));
  CHECK_FALSE(v6.contains(*parse_ip("32.1.13.184")));  // the same first bytes, but IPv4
}

TEST_CASE("client address: one bucket per IPv4 address and per IPv6 /64", "[api][write-limit]") {
  CHECK(bucket_of("192.0.2.7") == "192.0.2.7");
  CHECK(bucket_of("::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(bucket_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(bucket_of("[2001:0db8:0001:0002::1]") == "2001:db8:1:2::/64");
  CHECK(bucket_of("") == "");  // a router test without a socket
}

TEST_CASE("client address: X-Forwarded-For only from a trusted proxy, read from the right",
          "[api][write-limit]") {
  const std::vector<AddressRange> none;
  const std::vector<AddressRange> nginx = {*parse_range("127.0.0.1")};
  const std::vector<AddressRange> chain = {*parse_range("127.0.0.1"), *parse_range("10.0.0.0/8")};
  // Not trusted: the header is the client's own word.
  CHECK(client_address("198.51.100.9", "203.0.113.5", none) == "198.51.100.9");
  CHECK(client_address("198.51.100.9", "203.0.113.5", nginx) == "198.51.100.9");
  // nginx on loopback (deploy/: X-Forwarded-For $remote_addr).
  CHECK(client_address("127.0.0.1", "203.0.113.5", nginx) == "203.0.113.5");
  CHECK(client_address("127.0.0.1", "", nginx) == "127.0.0.1");
  // A client's own entries on the left are never believed: the rightmost untrusted one is the
  // address the trusted proxy saw.
  CHECK(client_address("127.0.0.1", "192.0.2.1, 203.0.113.5", nginx) == "203.0.113.5");
  CHECK(client_address("127.0.0.1", "203.0.113.5, 10.1.2.3", chain) == "203.0.113.5");
  CHECK(client_address("127.0.0.1", "203.0.113.5,10.1.2.3 , 10.9.9.9", chain) == "203.0.113.5");
  CHECK(client_address("127.0.0.1", "203.0.113.5, 10.1.2.3", nginx) == "10.1.2.3");
  // Every hop trusted: the leftmost.
  CHECK(client_address("127.0.0.1", "10.1.2.3, 10.4.5.6", chain) == "10.1.2.3");
  // An entry that is no address ends the walk at the last trusted hop.
  CHECK(client_address("127.0.0.1", "unknown", nginx) == "127.0.0.1");
  CHECK(client_address("127.0.0.1", "203.0.113.5, garbage, 10.1.2.3", chain) == "10.1.2.3");
  CHECK(client_address("127.0.0.1", "203.0.113.5,", nginx) == "127.0.0.1");
  CHECK(client_address("127.0.0.1", "[2001:db8::5]", nginx) == "2001:db8::5");
  CHECK(client_address("", "203.0.113.5", nginx) == "");
}

TEST_CASE("write limits: a key's burst, then the address's across keys", "[api][write-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  ServiceOptions o;
  o.write_rate = 1;  // per key: 1 per second, 2 at once
  o.write_burst = 2;
  o.write_rate_per_address = 0.5;  // per address: one every 2 s, 3 at once
  o.write_burst_per_address = 3;
  WriteLimits limits(o, [&] { return now; });
  const std::string a = limits.address_of(from("192.0.2.1"));
  const std::string b = limits.address_of(from("192.0.2.2"));
  REQUIRE(a == "192.0.2.1");

  limits.admit_address(a);
  limits.admit_key("rz_aaaaaaaaaaaa", a);
  limits.admit_address(a);
  limits.admit_key("rz_aaaaaaaaaaaa", a);
  // The key's third: refused by the key; the address gets its token back.
  limits.admit_address(a);
  const auto by_key = refusal([&] { limits.admit_key("rz_aaaaaaaaaaaa", a); });
  REQUIRE(by_key);
  CHECK(by_key->status == 429);
  CHECK(by_key->detail == "writes: at most 1 per second per API key (2 at once); retry in 1 s");
  CHECK(by_key->headers == std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}});
  // Another key from the same address: the address's third token (the refund made it).
  limits.admit_address(a);
  limits.admit_key("rz_bbbbbbbbbbbb", a);
  // Its fourth is refused by the address, before any key is looked at.
  const auto by_address = refusal([&] { limits.admit_address(a); });
  REQUIRE(by_address);
  CHECK(by_address->detail ==
        "writes from 192.0.2.1: at most 0.5 per second per address (3 at once); retry in 2 s");
  CHECK(by_address->headers ==
        std::vector<std::pair<std::string, std::string>>{{"Retry-After", "2"}});
  // Another address is unaffected.
  limits.admit_address(b);
  limits.admit_key("rz_cccccccccccc", b);
  CHECK(limits.keys() == 3);
  CHECK(limits.addresses() == 2);
  // Two seconds later the address has one token back.
  now += 2s;
  limits.admit_address(a);
  CHECK(refusal([&] { limits.admit_address(a); }));
}

TEST_CASE("write limits: a rate of 0 turns a limit off", "[api][write-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  ServiceOptions o;
  o.write_rate = 0;
  o.write_rate_per_address = 1;
  o.write_burst_per_address = 1;
  WriteLimits per_address_only(o, [&] { return now; });
  CHECK(per_address_only.on());
  for (int i = 0; i < 100; ++i) per_address_only.admit_key("rz_aaaaaaaaaaaa", "192.0.2.1");
  CHECK(per_address_only.keys() == 0);
  per_address_only.admit_address("192.0.2.1");
  CHECK(refusal([&] { per_address_only.admit_address("192.0.2.1"); }));

  o.write_rate_per_address = 0;
  WriteLimits off(o, [&] { return now; });
  CHECK_FALSE(off.on());
  for (int i = 0; i < 100; ++i) {
    off.admit_address("192.0.2.1");
    off.admit_key("rz_aaaaaaaaaaaa", "192.0.2.1");
  }
  CHECK(off.addresses() == 0);
}

TEST_CASE("write limits: the address comes from X-Forwarded-For only behind a trusted proxy",
          "[api][write-limit]") {
  ServiceOptions o;
  CHECK(WriteLimits(o).address_of(from("127.0.0.1", "203.0.113.5")) == "127.0.0.1");
  o.trusted_proxies = {"127.0.0.1", "::1"};
  WriteLimits behind(o);
  CHECK(behind.address_of(from("127.0.0.1", "203.0.113.5")) == "203.0.113.5");
  CHECK(behind.address_of(from("::1", "2001:db8:1:2::77")) == "2001:db8:1:2::/64");
  CHECK(behind.address_of(from("192.0.2.1", "203.0.113.5")) == "192.0.2.1");
  o.trusted_proxies = {"nginx"};
  CHECK_THROWS_WITH(WriteLimits(o),
                    "trusted proxy: 'nginx' is no IP address or CIDR range (e.g. 127.0.0.1, "
                    "10.0.0.0/8, ::1, fd00::/8)");
}

TEST_CASE("write limits: the API key's prefix names the bucket", "[api][write-limit]") {
  CHECK(api_key_prefix(from("", "", "rz_0123456789ab_secretsecret")) == "rz_0123456789ab");
}

TEST_CASE("write limits: memory stays bounded under a flood of addresses", "[api][write-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  ServiceOptions o;
  WriteLimits limits(
      o, [&] { return now; }, 1000);
  for (int i = 0; i < 70000; ++i) {
    const auto address =
        limits.address_of(from("10." + std::to_string(i >> 16) + "." +
                               std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255)));
    limits.admit_address(address);
  }
  CHECK(limits.addresses() == 1000);
  // A minute later the sweep drops the buckets that refilled: all of them.
  now += 61s;
  limits.admit_address("192.0.2.1");
  CHECK(limits.addresses() == 1);
}
