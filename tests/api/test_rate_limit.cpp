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

TEST_CASE("token buckets: at the cap the least recently used bucket is forgotten",
          "[api][rate-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  TokenBuckets buckets(
      1, 2, [&] { return now; }, 3);  // 3 buckets at most
  for (const char* key : {"a", "b", "c"}) {
    CHECK(buckets.take(key).allowed);
    CHECK(buckets.take(key).allowed);
    CHECK_FALSE(buckets.take(key).allowed);  // each drained
  }
  CHECK_FALSE(buckets.take("a").allowed);  // "a" used last now; "b" is the oldest
  CHECK(buckets.take("d").allowed);        // a fourth key: "b" forgotten
  CHECK(buckets.keys() == 3);
  CHECK_FALSE(buckets.take("a").allowed);  // still drained: kept
  CHECK_FALSE(buckets.take("c").allowed);  // kept
  CHECK(buckets.take("b").allowed);        // forgotten: full again ("d" goes now)
  CHECK(buckets.keys() == 3);
  // A flood of 10,000 distinct keys never holds more than the cap.
  for (int i = 0; i < 10000; ++i) CHECK(buckets.take("flood-" + std::to_string(i)).allowed);
  CHECK(buckets.keys() == 3);
}

TEST_CASE("token buckets: a token given back is there again, never beyond the burst",
          "[api][rate-limit]") {
  auto now = TokenBuckets::Clock::time_point{} + 1h;
  TokenBuckets buckets(0.1, 2, [&] { return now; });  // one every 10 s
  CHECK(buckets.take("k").allowed);
  CHECK(buckets.take("k").allowed);
  CHECK_FALSE(buckets.take("k").allowed);
  buckets.give_back("k");
  CHECK(buckets.take("k").allowed);
  CHECK_FALSE(buckets.take("k").allowed);
  // Given back to a full bucket: still 2 at most.
  now += 60s;
  buckets.give_back("k");
  buckets.give_back("k");
  CHECK(buckets.take("k").allowed);
  CHECK(buckets.take("k").allowed);
  CHECK_FALSE(buckets.take("k").allowed);
  buckets.give_back("unknown");  // no bucket: nothing made
  CHECK(buckets.keys() == 1);
}
