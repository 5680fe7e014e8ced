#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace rootzone::test {

ServerProcess::ServerProcess(const std::string& db) : ServerProcess(db, {}) {}

ServerProcess::ServerProcess(const std::string& db, const std::vector<std::string>& extra_args) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args{ROOTZONE_BINARY, "serve", "--db",      db,
                                "--port",        "0",     "--threads", "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) throw std::runtime_error("cannot start rootzone serve");
  err_fd_ = pipe_fds[0];

  // "rootzone: serving DB at http://127.0.0.1:PORT/ ..." within 20 s, or the test fails.
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{err_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[512];
    const auto n = ::read(err_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    const auto at = seen.find("http://127.0.0.1:");
    if (at != std::string::npos && seen.find('/', at + 17) != std::string::npos) {
      port_ = std::stoi(seen.substr(at + 17));
      log_reader_ = std::thread([fd = err_fd_] {
        char sink[4096];
        while (::read(fd, sink, sizeof sink) > 0) {
        }
      });
      return;
    }
  }
  stop();
  throw std::runtime_error("rootzone serve did not start: " + seen);
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (log_reader_.joinable()) log_reader_.join();  // the pipe closed with the process
  if (err_fd_ >= 0) ::close(err_fd_);
  err_fd_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ServerProcess::~ServerProcess() { stop(); }

}  // namespace rootzone::test
