#include "change_follower.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "rootzone/core/change_notice.hpp"
#include "rootzone/core/live_engine.hpp"

namespace rootzone::core {

namespace {

constexpr std::chrono::milliseconds kPoll{200};  // how soon a stop is noticed
// With announcements queued behind a write in progress: how soon to try applying them again.
constexpr std::chrono::milliseconds kRetry{2};
constexpr std::chrono::milliseconds kFirstPause{100};
constexpr std::chrono::milliseconds kLongestPause{5000};

void log(const char* level, const std::string& msg, const std::string& error = {}) {
  nlohmann::json line = {{"level", level}, {"msg", msg}};
  if (!error.empty()) line["error"] = error;
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
            << std::flush;
}

}  // namespace

ChangeFollower::ChangeFollower(LiveEngine& live, std::string location,
                               std::unique_ptr<storage::ChangeFeed> feed)
    : live_(live), location_(std::move(location)), feed_(std::move(feed)) {
  thread_ = std::thread([this] { run(); });
}

ChangeFollower::~ChangeFollower() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  live_.set_following(false);
}

void ChangeFollower::pause(std::chrono::milliseconds how_long) const {
  const auto until = std::chrono::steady_clock::now() + how_long;
  while (!stop_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min(kPoll, how_long));
  }
}

// Listening first, then catching up: a write committed in between is both announced and
// found by the catch-up, and applied once (by generation).
bool ChangeFollower::connect() {
  const bool reconnect = feed_ == nullptr;
  try {
    if (!feed_) feed_ = storage::open_change_feed(location_);
    live_.set_following(true);
    live_.resync();
  } catch (const std::exception& e) {
    live_.set_following(false);
    feed_.reset();
    log("warning", "change follower: cannot listen to the store's changes; retrying", e.what());
    return false;
  }
  if (reconnect) log("info", "change follower: listening again; caught up with the store");
  return true;
}

void ChangeFollower::run() {
  auto backoff = kFirstPause;
  bool connected = false;
  bool idle = true;  // nothing queued
  while (!stop_) {
    if (!connected) {
      connected = connect();
      if (!connected) {
        pause(backoff);
        backoff = std::min(backoff * 2, kLongestPause);
        continue;
      }
      backoff = kFirstPause;
      idle = true;  // resync applied what was queued
    }
    try {
      const auto payloads = feed_->wait(idle ? kPoll : kRetry);
      if (payloads.empty() && idle) continue;
      std::vector<DataChange> notices;
      notices.reserve(payloads.size());
      for (const auto& p : payloads) notices.push_back(read_change_notice(p));
      idle = live_.follow(std::move(notices));
    } catch (const std::exception& e) {
      // The feed broke, or the store could not be read to apply a change: listen anew and
      // catch up, which reloads what was missed.
      live_.set_following(false);
      feed_.reset();
      connected = false;
      log("warning", "change follower: lost the store's change notifications; reconnecting",
          e.what());
      pause(backoff);
    }
  }
}

}  // namespace rootzone::core
