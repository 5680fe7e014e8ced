#pragma once
// A token bucket per key (an API key's prefix, a client address ...): each key may make `burst`
// requests at once and `rate` per second on average. Shared by the routes that must not be
// flooded (the work preview, every write: write_limit.hpp). Thread-safe. The clock is injected
// so tests step time by hand.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rootzone::api {

class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // A bucket is 128 bytes of heap with its key and index entry (160 with an IPv6 /64 key):
  // the default cap holds a table at 13-16 MB under a flood of distinct keys
  // (docs/RELIABILITY.md, "Rate limits on writes").
  static constexpr std::size_t kDefaultMaxKeys = 100000;

  // rate > 0 tokens per second, burst >= 1 tokens held at most (a new key starts full);
  // max_keys >= 1 buckets held at most.
  TokenBuckets(double rate, double burst, Now now = Clock::now,
               std::size_t max_keys = kDefaultMaxKeys);

  struct Verdict {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: whole seconds (>= 1) until a token is back
  };
  // Takes one token of `key`'s bucket, or says how long to wait for one.
  Verdict take(std::string_view key);
  // Returns a token taken for a request that was refused for another reason (a second
  // limit), so that the refusal costs nothing here. Never beyond the burst.
  void give_back(std::string_view key);

  std::size_t keys() const;  // buckets held (one per key seen; full ones are dropped now and then)

 private:
  struct Bucket {
    std::string key;
    double tokens = 0;
    Clock::time_point at;
  };
  using Order = std::list<Bucket>;  // least recently used first
  void refill(Bucket& b, Clock::time_point now) const;
  void drop_full(Clock::time_point now);

  double rate_;
  double burst_;
  Now now_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  Order order_;
  // Views of the keys in order_'s nodes, which never move.
  std::unordered_map<std::string_view, Order::iterator> index_;
  Clock::time_point last_sweep_;
};

}  // namespace rootzone::api
