#pragma once
// The rate limits every write takes a token from (POST, PUT, PATCH, DELETE through add_route,
// route.cpp): one bucket per API key and one per client address (serve --write-rate,
// --write-burst, --write-rate-per-address, --write-burst-per-address; a rate of 0 turns a
// limit off). Without a token: 429 problem+json with Retry-After, before the write is looked at.
// docs/RELIABILITY.md "Rate limits on writes" says why the defaults and the order are as
// they are.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client_address.hpp"
#include "rate_limit.hpp"
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::api {

// The public prefix of the request's API key ("rz_<12 hex>" of "Bearer rz_<12 hex>_<secret>"):
// it tells valid keys apart without holding their secret.
std::string api_key_prefix(const Request& req);

class WriteLimits {
 public:
  // Throws std::invalid_argument for a burst < 1 with a rate > 0, or a trusted proxy that is
  // no address or range (the command line checks both first).
  explicit WriteLimits(const ServiceOptions& o, TokenBuckets::Now now = TokenBuckets::Clock::now,
                       std::size_t max_keys = TokenBuckets::kDefaultMaxKeys);

  // The bucket of the client a request comes from (client_address.hpp, bucket_of).
  std::string address_of(const Request& req) const;
  // Takes a token of the address's bucket; throws Problem 429 when there is none. Taken before
  // the API key is checked: a write with a wrong key costs its address a token too.
  void admit_address(const std::string& address);
  // Takes a token of a valid key's bucket; when there is none, gives the address its token
  // back (the refusal is the key's) and throws Problem 429.
  void admit_key(std::string_view key_prefix, const std::string& address);

  bool on() const { return per_key_.has_value() || per_address_.has_value(); }
  std::size_t keys() const { return per_key_ ? per_key_->keys() : 0; }
  std::size_t addresses() const { return per_address_ ? per_address_->keys() : 0; }

 private:
  std::optional<TokenBuckets> per_key_;
  std::optional<TokenBuckets> per_address_;
  std::vector<AddressRange> trusted_;
  std::string key_rule_;  // "at most 20 per second per API key (1000 at once)"
  std::string address_rule_;
};

}  // namespace rootzone::api
