// The queue between an import's reading and writing threads: bounded, closed by the producer,
// and neither side left waiting when the other stops or fails.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "bounded_queue.hpp"

using rootzone::importers::detail::BoundedQueue;
using namespace std::chrono_literals;

namespace {

// Long enough for a thread that is not blocked to have got on; a blocked one stays blocked.
constexpr auto kSettle = 50ms;

}  // namespace

TEST_CASE("a producer waits while the queue is full and goes on when a value is taken",
          "[importers][queue]") {
  BoundedQueue<int> q(2);
  REQUIRE(q.push(1));
  REQUIRE(q.push(2));
  CHECK_FALSE(q.try_push(99));  // full: refused at once, not queued
  // Catch2's assertions belong to the test's thread: the producer only records.
  std::atomic<bool> pushed = false;
  std::jthread producer([&] { pushed = q.push(3); });
  std::this_thread::sleep_for(kSettle);
  CHECK_FALSE(pushed);
  CHECK(q.pop() == 1);
  producer.join();
  CHECK(pushed);
  CHECK(q.pop() == 2);
  CHECK(q.pop() == 3);  // in order, and 99 never got in
  CHECK_FALSE(q.try_pop());
}

TEST_CASE("close wakes a waiting consumer once the values are taken", "[importers][queue]") {
  BoundedQueue<std::string> q(4);
  std::atomic<int> taken = 0;
  std::atomic<bool> ended = false;
  std::jthread consumer([&] {
    while (q.pop()) ++taken;
    ended = true;
  });
  REQUIRE(q.push("a"));
  REQUIRE(q.push("b"));
  std::this_thread::sleep_for(kSettle);
  CHECK_FALSE(ended);  // waiting for more, not done
  q.close();
  consumer.join();
  CHECK(ended);
  CHECK(taken == 2);
  CHECK_FALSE(q.push("c"));  // closed: nothing more goes in
  CHECK_FALSE(q.try_push("c"));
  CHECK_FALSE(q.pop());
}

TEST_CASE("close and a stop request release a producer waiting on a full queue",
          "[importers][queue]") {
  SECTION("stop: a std::jthread's destructor requests it before joining") {
    BoundedQueue<int> q(1);
    REQUIRE(q.push(1));
    std::atomic<int> result = -1;
    {
      std::jthread producer([&](std::stop_token stop) { result = q.push(2, stop) ? 1 : 0; });
      std::this_thread::sleep_for(kSettle);
      CHECK(result == -1);
    }  // would hang here if the stop request did not wake the push
    CHECK(result == 0);
    CHECK(q.pop() == 1);
    CHECK_FALSE(q.try_pop());  // the value pushed after the stop was dropped
  }
  SECTION("close") {
    BoundedQueue<int> q(1);
    REQUIRE(q.push(1));
    std::atomic<int> result = -1;
    std::jthread producer([&] { result = q.push(2) ? 1 : 0; });
    std::this_thread::sleep_for(kSettle);
    CHECK(result == -1);
    q.close();
    producer.join();
    CHECK(result == 0);
    CHECK(q.pop() == 1);  // what was queued before the close is still taken
    CHECK_FALSE(q.pop());
  }
}

TEST_CASE("a producer's exception reaches the consumer after the values it queued",
          "[importers][queue]") {
  BoundedQueue<int> q(2);
  std::jthread producer([&] {
    std::exception_ptr failed;
    try {
      q.push(1);
      q.push(2);
      throw std::runtime_error("unreadable record 3");
    } catch (...) {
      failed = std::current_exception();
    }
    q.close(failed);
  });
  CHECK(q.pop() == 1);
  CHECK(q.pop() == 2);
  CHECK_THROWS_WITH(q.pop(), "unreadable record 3");
  CHECK_THROWS_WITH(q.pop(), "unreadable record 3");  // every later pop, not only the first
  CHECK_FALSE(q.try_pop());
  q.close(std::make_exception_ptr(std::logic_error("later")));
  CHECK_THROWS_WITH(q.pop(), "unreadable record 3");  // the first failure is kept
}
