#pragma once
// A real `rootzone serve` on a free loopback port for end-to-end tests: started with
// --port 0, its port read from the line it prints, stopped with SIGTERM (a graceful drain).
#include <sys/types.h>

#include <string>
#include <thread>
#include <vector>

namespace rootzone::test {

class ServerProcess {
 public:
  // extra_args go after the defaults: {"--basemap", URL}, {"--public-url", "https://x"}.
  explicit ServerProcess(const std::string& db, const std::vector<std::string>& extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // SIGTERM and wait; returns the exit code.
  int stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int err_fd_ = -1;
  std::thread log_reader_;  // drains the access log so a full pipe never blocks the server
};

}  // namespace rootzone::test
