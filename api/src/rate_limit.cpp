#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rootzone::api {

TokenBuckets::TokenBuckets(double rate, double burst, Now now)
    : rate_(rate), burst_(burst), now_(std::move(now)) {
  if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("rate: must be > 0");
  if (!(burst >= 1) || !std::isfinite(burst)) throw std::invalid_argument("burst: must be >= 1");
  last_sweep_ = now_();
}

TokenBuckets::Verdict TokenBuckets::take(std::string_view key) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  drop_full(now);
  auto [it, fresh] = buckets_.try_emplace(std::string(key), Bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  const double wait_s = (1 - b.tokens) / rate_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_s)))};
}

std::size_t TokenBuckets::keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

// A bucket that has refilled is the same as none: dropped once a minute, so the map holds only
// the keys of the last minute's callers.
void TokenBuckets::drop_full(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  std::erase_if(buckets_, [&](const auto& entry) {
    const auto& b = entry.second;
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    return b.tokens + elapsed * rate_ >= burst_;
  });
}

}  // namespace rootzone::api
