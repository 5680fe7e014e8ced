// api/src/rate_limit.hpp: token buckets per key, stepped by an injected clock.
#include <catch2/catch.hpp>
#include <chrono>

#include "rate_limit.hpp"

using rootzone::api::TokenBuckets;
using namespace std::chrono_literals;

TEST_CASE("token buckets: a burst, then the rate, per key", "[api][rate-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  TokenBuckets buckets(2, 3, [&] { return now; });  // 2 per second, 3 at once

  for (int i = 0; i < 3; ++i) CHECK(buckets.take("a").allowed);
  auto refused = buckets.take("a");
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_s == 1);  // one token takes 0.5 s: rounded up to a whole second
  CHECK(buckets.take("b").allowed);   // its own bucket

  now += 499ms;
  CHECK_FALSE(buckets.take("a").allowed);
  now += 1ms;  // 0.5 s: one token back
  CHECK(buckets.take("a").allowed);
  CHECK_FALSE(buckets.take("a").allowed);

  now += 10s;  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) CHECK(buckets.take("a").allowed);
  CHECK_FALSE(buckets.take("a").allowed);
}

TEST_CASE("token buckets: Retry-After counts the seconds to the next token", "[api][rate-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  TokenBuckets slow(0.2, 1, [&] { return now; });  // one every 5 s
  CHECK(slow.take("k").allowed);
  CHECK(slow.take("k").retry_after_s == 5);
  now += 2500ms;
  CHECK(slow.take("k").retry_after_s == 3);  // 2.5 s left, rounded up
}

TEST_CASE("token buckets: full buckets are dropped after a minute", "[api][rate-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  TokenBuckets buckets(10, 5, [&] { return now; });
  for (int i = 0; i < 100; ++i) CHECK(buckets.take("key-" + std::to_string(i)).allowed);
  CHECK(buckets.keys() == 100);
  now += 61s;
  CHECK(buckets.take("new").allowed);
  CHECK(buckets.keys() == 1);
}

TEST_CASE("token buckets: a rate or burst that cannot work is refused", "[api][rate-limit]") {
  CHECK_THROWS_AS(TokenBuckets(0, 1), std::invalid_argument);
  CHECK_THROWS_AS(TokenBuckets(1, 0.5), std::invalid_argument);
}
