#pragma once
// The thread of a node on PostGIS that follows the other nodes' writes: it listens on its own
// connection (storage/change_feed.hpp, application_name 'rootzone follower'), waits on its
// socket with a timeout (so it stops within that timeout), and hands each announcement to the
// live engine in commit order. When the connection breaks it reconnects with a growing pause
// (0.1 s doubling to 5 s), then catches up with what it missed.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "rootzone/storage/change_feed.hpp"

namespace rootzone::core {

class LiveEngine;

class ChangeFollower {
 public:
  // `feed` listens already (opened before the engine loaded, so nothing falls between the two);
  // nullptr when that first connection failed: the thread connects itself.
  ChangeFollower(LiveEngine& live, std::string location, std::unique_ptr<storage::ChangeFeed> feed);
  ~ChangeFollower();  // stops the thread and waits for it
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

 private:
  void run();
  bool connect();
  void pause(std::chrono::milliseconds how_long) const;

  LiveEngine& live_;
  std::string location_;
  std::unique_ptr<storage::ChangeFeed> feed_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace rootzone::core
