#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rootzone::api {

TokenBuckets::TokenBuckets(double rate, double burst, Now now, std::size_t max_keys)
    : rate_(rate), burst_(burst), now_(std::move(now)), max_keys_(max_keys) {
  if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("rate: must be > 0");
  if (!(burst >= 1) || !std::isfinite(burst)) throw std::invalid_argument("burst: must be >= 1");
  if (max_keys < 1) throw std::invalid_argument("max_keys: must be >= 1");
  last_sweep_ = now_();
}

void TokenBuckets::refill(Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
  b.at = now;
}

TokenBuckets::Verdict TokenBuckets::take(std::string_view key) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  drop_full(now);
  Bucket* b = nullptr;
  if (const auto found = index_.find(key); found != index_.end()) {
    order_.splice(order_.end(), order_, found->second);
    b = &*found->second;
    refill(*b, now);
  } else {
    // At the cap the least recently used bucket is forgotten (as if it had refilled): memory
    // stays bounded whatever the number of callers; a caller gets a full bucket back this way
    // only after max_keys others came since its last request.
    if (index_.size() >= max_keys_) {
      index_.erase(order_.front().key);
      order_.pop_front();
    }
    order_.push_back(Bucket{std::string(key), burst_, now});
    index_.emplace(order_.back().key, std::prev(order_.end()));
    b = &order_.back();
  }
  if (b->tokens >= 1) {
    b->tokens -= 1;
    return {};
  }
  const double wait_s = (1 - b->tokens) / rate_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_s)))};
}

void TokenBuckets::give_back(std::string_view key) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end()) return;
  auto& b = *found->second;
  refill(b, now);
  b.tokens = std::min(burst_, b.tokens + 1);
}

std::size_t TokenBuckets::keys() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

// A bucket that has refilled is the same as none: dropped once a minute, so the map holds only
// the keys of the last minute's callers.
void TokenBuckets::drop_full(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  for (auto it = order_.begin(); it != order_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->at).count();
    if (it->tokens + elapsed * rate_ >= burst_) {
      index_.erase(it->key);
      it = order_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rootzone::api
