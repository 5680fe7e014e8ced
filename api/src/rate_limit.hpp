#pragma once
// A token bucket per key (an API key's prefix, a client address ...): each key may make `burst`
// requests at once and `rate` per second on average. Small and shared by the routes that must
// not be flooded (the work preview; issue 15 may put it before others). Thread-safe. The
// clock is injected so tests step time by hand.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rootzone::api {

class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // rate > 0 tokens per second, burst >= 1 tokens held at most (a new key starts full).
  TokenBuckets(double rate, double burst, Now now = Clock::now);

  struct Verdict {
    bool allowed = true;
    int retry_after_s = 0;  // when refused: whole seconds (>= 1) until a token is back
  };
  // Takes one token of `key`'s bucket, or says how long to wait for one.
  Verdict take(std::string_view key);

  std::size_t keys() const;  // buckets held (one per key seen; full ones are dropped now and then)

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  void drop_full(Clock::time_point now);

  double rate_;
  double burst_;
  Now now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_;
};

}  // namespace rootzone::api
