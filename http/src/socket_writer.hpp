#pragma once
// The thread that finishes responses a socket could not take at once (server.cpp send()).
//
// Responses are written to the socket by rootzone itself, never through Pistache 0.0.5's write
// queue, which is keyed by fd number alone: an entry queued before a disconnection went to
// whichever new connection was given the same number. A connection waiting for its socket to
// drain is registered here under a number of its own (never reused) with EPOLLOUT |
// EPOLLONESHOT; epoll names the registration by fd and open file, so it ends with that file,
// and the server removes it under the connection's lock when the connection goes away.
#include <cstdint>
#include <functional>
#include <thread>

namespace rootzone::http {

class SocketWriter {
 public:
  // ready(id) runs on the writer thread when the socket registered under id can take bytes
  // (or has failed: the next send says which).
  explicit SocketWriter(std::function<void(std::uint64_t id)> ready);
  ~SocketWriter();
  SocketWriter(const SocketWriter&) = delete;
  SocketWriter& operator=(const SocketWriter&) = delete;

  void start();
  // Ends the thread; registrations stay valid to remove.
  void stop();

  // Wakes ready(id) once when fd can take bytes. registered: whether fd is already in the set
  // (then it is re-armed); set to true. False when epoll refused (then nothing will call).
  bool arm(int fd, std::uint64_t id, bool& registered);
  // Removes fd from the set (before its file is closed, so the number can be reused).
  void remove(int fd, bool& registered);

 private:
  void run();

  std::function<void(std::uint64_t)> ready_;
  int epoll_ = -1;
  int wake_ = -1;  // eventfd: stop()
  std::thread thread_;
};

}  // namespace rootzone::http
