#include "socket_writer.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace rootzone::http {
namespace {
constexpr std::uint64_t kWakeId = 0;  // connection ids start at 1
}

SocketWriter::SocketWriter(std::function<void(std::uint64_t id)> ready) : ready_(std::move(ready)) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_ < 0 || wake_ < 0) {
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
    throw std::runtime_error("SocketWriter: epoll_create1 or eventfd failed");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeId;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev) != 0) {
    ::close(epoll_);
    ::close(wake_);
    throw std::runtime_error("SocketWriter: epoll_ctl failed");
  }
}

SocketWriter::~SocketWriter() {
  stop();
  ::close(epoll_);
  ::close(wake_);
}

void SocketWriter::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void SocketWriter::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  ssize_t n = ::write(wake_, &one, sizeof one);
  static_cast<void>(n);
  thread_.join();
}

bool SocketWriter::arm(int fd, std::uint64_t id, bool& registered) {
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.u64 = id;
  if (registered && ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev) == 0) return true;
  // Not registered (or the registration ended with an earlier file of that number).
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) == 0) {
    registered = true;
    return true;
  }
  return false;
}

void SocketWriter::remove(int fd, bool& registered) {
  if (!registered) return;
  registered = false;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
}

void SocketWriter::run() {
  epoll_event events[64];
  for (;;) {
    const int n = ::epoll_wait(epoll_, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeId) return;
      ready_(events[i].data.u64);
    }
  }
}

}  // namespace rootzone::http
