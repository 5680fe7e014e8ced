#pragma once
// A bounded first-in first-out queue between threads, with close and stop (after libosmium's
// osmium/thread/queue.hpp). Bounded so that a slow consumer holds its producer back instead
// of the producer piling up a whole file in memory.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

namespace rootzone::importers::detail {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Waits while the queue is full. Returns false, and drops the value, when the queue is
  // closed or `stop` is requested: then nobody is going to take it, and waiting on would hang
  // the producer (a std::jthread's destructor requests stop before it joins).
  bool push(T value, std::stop_token stop = {}) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, stop, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_ || stop.stop_requested()) return false;
    items_.push_back(std::move(value));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // Never waits: false, and the value dropped, when the queue is full or closed.
  bool try_push(T value) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(value));
    }
    not_empty_.notify_one();
    return true;
  }

  // Waits for the next value. Once the queue is closed and every value taken: nothing, or
  // the exception it was closed with, thrown here so that it reaches the consuming thread.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) {
      if (failure_) std::rethrow_exception(failure_);
      return std::nullopt;
    }
    return take(lock);
  }

  // Never waits (and never throws the failure): nothing when the queue is empty.
  std::optional<T> try_pop() {
    std::unique_lock lock(mutex_);
    if (items_.empty()) return std::nullopt;
    return take(lock);
  }

  // No more values: consumers take what is left, then get nothing (or `failure`, thrown by
  // pop); producers waiting for room give up. The first failure given is kept.
  void close(std::exception_ptr failure = nullptr) {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      if (!failure_) failure_ = std::move(failure);
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  T take(std::unique_lock<std::mutex>& lock) {
    T value = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return value;
  }

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  // _any: only it can wait on a stop token.
  std::condition_variable_any not_full_;
  std::deque<T> items_;
  std::exception_ptr failure_;
  bool closed_ = false;
};

}  // namespace rootzone::importers::detail
