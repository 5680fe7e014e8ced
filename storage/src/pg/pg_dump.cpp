#include "pg/pg_dump.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace rootzone::storage::pg {

namespace {

namespace fs = std::filesystem;

// The tools of the server's major version: Debian installs them under
// /usr/lib/postgresql/<version>/bin; /usr/bin/pg_dump is a wrapper that needs a cluster list.
std::string tool(const std::string& name) {
  if (const char* bin = std::getenv("ROOTZONE_PG_BIN"); bin != nullptr && *bin != '\0') {
    return (fs::path(bin) / name).string();
  }
  std::error_code ec;
  const fs::path debian = fs::path("/usr/lib/postgresql/15/bin") / name;
  if (fs::exists(debian, ec)) return debian.string();
  return name;
}

struct Outcome {
  int status = 0;      // the exit status, or -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

// Runs argv[0] with the arguments, reading what it prints; never through a shell.
Outcome run(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw StorageError("cannot start " + argv[0] + ": " + std::generic_category().message(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    throw StorageError("cannot start " + argv[0] + ": " + std::generic_category().message(rc) +
                       " (install postgresql-client-15, or set ROOTZONE_PG_BIN)");
  }
  Outcome out;
  char buffer[4096];
  for (;;) {
    const auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      if (out.output.size() < 64 * 1024) out.output.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string last_lines(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "(no output)";
  std::string trimmed = text.substr(0, end + 1);
  // The last three lines carry the reason; a long dump of warnings before them does not.
  std::size_t at = trimmed.size();
  for (int lines = 0; lines < 3 && at != std::string::npos && at > 0; ++lines) {
    at = trimmed.rfind('\n', at - 1);
  }
  return at == std::string::npos ? trimmed : trimmed.substr(at + 1);
}

}  // namespace

void dump(const std::string& location, const fs::path& file) {
  // --no-owner/--no-privileges: a restore into another server or by another role works;
  // the location goes as --dbname, so libpq reads it exactly as rootzone's own connection.
  const auto r = run({tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                      "--file=" + file.string(), "--dbname=" + location});
  if (r.status != 0) {
    throw StorageError("pg_dump of " + printable_location(location) +
                       " failed: " + last_lines(r.output));
  }
}

int check_dump(const fs::path& file) {
  const auto r = run({tool("pg_restore"), "--list", file.string()});
  if (r.status != 0) {
    throw StorageError("pg_restore cannot read the dump " + file.string() + ": " +
                       last_lines(r.output));
  }
  int entries = 0;
  std::size_t at = 0;
  while (at < r.output.size()) {
    const auto end = r.output.find('\n', at);
    const auto line = r.output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    // Entries are numbered lines ("123; 1259 16390 TABLE public trees rootzone"); the header
    // is comments (";").
    if (!line.empty() && line.front() != ';') ++entries;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return entries;
}

}  // namespace rootzone::storage::pg
