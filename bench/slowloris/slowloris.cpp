// slowloris: many connections that dribble their request heads, one byte every few seconds,
// while other clients measure request latency (issue 15, "Load and abuse";
// docs/RELIABILITY.md "HTTP framing, timeouts and slowloris").
//
//   slowloris --port 8080 [--host 127.0.0.1] [--slow 1000] [--interval 2] [--seconds 45]
//             [--baseline 10] [--clients 2] [--path /health] [--pause-ms 10]
//
// First --baseline seconds: the measuring clients alone. Then --slow connections open (each
// sends "GET / HTTP/1.1\r\nHost: ..\r\n" and then one byte of an endless header every
// --interval seconds, spread evenly) and the clients go on measuring for --seconds. Each
// measuring client sends GET --path on one keep-alive connection, waits for the answer, pauses
// --pause-ms; a failed request (connect, read, a status other than 200) is counted and the
// client reconnects (as it does, without a failure, after a response with Connection: close). On
// stdout: the latency of both phases and what became of the slow connections (answered 408, closed
// without an answer, still open at the end; seconds from opening to the close), then one RESULT
// line for scripts.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int slow = 1000;
  double interval = 2.0;
  double seconds = 45.0;
  double baseline = 10.0;
  int clients = 2;
  std::string path = "/health";
  int pause_ms = 10;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "slowloris: %s\nusage: slowloris --port P [--host H] [--slow N] [--interval S] "
               "[--seconds S] [--baseline S] [--clients N] [--path P] [--pause-ms MS]\n",
               why);
  std::exit(64);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    if (a == "--host") {
      o.host = v;
    } else if (a == "--port") {
      o.port = std::atoi(v);
    } else if (a == "--slow") {
      o.slow = std::atoi(v);
    } else if (a == "--interval") {
      o.interval = std::atof(v);
    } else if (a == "--seconds") {
      o.seconds = std::atof(v);
    } else if (a == "--baseline") {
      o.baseline = std::atof(v);
    } else if (a == "--clients") {
      o.clients = std::atoi(v);
    } else if (a == "--path") {
      o.path = v;
    } else if (a == "--pause-ms") {
      o.pause_ms = std::atoi(v);
    } else {
      usage(("unknown option " + a).c_str());
    }
  }
  if (o.port <= 0 || o.port > 65535) usage("--port is needed");
  if (o.slow < 0 || o.clients < 1 || o.interval <= 0 || o.seconds <= 0) usage("bad value");
  return o;
}

// Each connection and the server's own side of it take a descriptor of this process's limit.
void raise_open_files(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur < wanted && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int connect_to(const Options& o) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw std::runtime_error("--host must be an IPv4 address");
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error(std::string("connect: ") + std::strerror(e));
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// One response on a keep-alive connection (Content-Length framing, as rootzone and nginx send
// for these paths); its status, or 0 when the connection failed. close: the server said it
// closes the connection after this response (nginx does after keepalive_requests).
int read_response(int fd, std::string& buf, bool& close) {
  std::size_t end;
  char chunk[16384];
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  if (buf.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
  const int status = std::atoi(buf.c_str() + 9);
  std::size_t length = 0;
  std::string head = buf.substr(0, end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t cl = head.find("\r\ncontent-length:");
  if (cl != std::string::npos) length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
  close = head.find("\r\nconnection: close") != std::string::npos;
  while (buf.size() < end + 4 + length) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  buf.erase(0, end + 4 + length);
  return status;
}

struct Latencies {
  std::mutex m;
  std::vector<double> ms[2];  // per phase: 0 baseline, 1 under slowloris
  long failed[2] = {0, 0};
};

void measure(const Options& o, const std::atomic<int>& phase, const std::atomic<bool>& stop,
             Latencies& out) {
  const std::string request =
      "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\nUser-Agent: slowloris-bench\r\n\r\n";
  int fd = -1;
  std::string buf;
  while (!stop.load()) {
    const int p = phase.load();
    const auto t0 = Clock::now();
    int status = 0;
    bool close = false;
    try {
      if (fd < 0) {
        fd = connect_to(o);
        buf.clear();
      }
      if (send_all(fd, request)) status = read_response(fd, buf, close);
    } catch (const std::exception&) {
      status = 0;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    {
      std::lock_guard lock(out.m);
      if (status == 200) {
        out.ms[p].push_back(ms);
      } else {
        ++out.failed[p];
      }
    }
    if ((status != 200 || close) && fd >= 0) {
      ::close(fd);
      fd = -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
  }
  if (fd >= 0) ::close(fd);
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Slow {
  int fd = -1;
  Clock::time_point opened;
  double closed_after = -1;  // seconds from opening to the server's close
  bool answered_408 = false;
  bool answered_other = false;
  std::string got;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  raise_open_files(static_cast<std::size_t>(o.slow + o.clients) + 64);

  Latencies lat;
  std::atomic<int> phase{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < o.clients; ++i) {
    clients.emplace_back([&] { measure(o, phase, stop, lat); });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.baseline));

  // The slow connections: all opened at once, their bytes spread over the interval.
  std::vector<Slow> slow(static_cast<std::size_t>(o.slow));
  const std::string first = "GET / HTTP/1.1\r\nHost: " + o.host + "\r\n";
  int refused = 0;
  for (auto& s : slow) {
    try {
      s.fd = connect_to(o);
      s.opened = Clock::now();
      send_all(s.fd, first);
    } catch (const std::exception&) {
      ++refused;
    }
  }
  phase = 1;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  std::vector<pollfd> pfds;
  std::size_t next = 0;
  const double per_byte = o.interval / std::max<double>(1, static_cast<double>(slow.size()));
  auto next_byte = start;
  while (Clock::now() < end) {
    // Dribble: the next connection in turn gets one byte of an endless header field.
    while (Clock::now() >= next_byte && !slow.empty()) {
      Slow& s = slow[next % slow.size()];
      ++next;
      next_byte +=
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(per_byte));
      if (s.fd >= 0 && s.closed_after < 0) {
        const char c = 'x';
        ::send(s.fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
    // Whatever the server answered, and when it closed.
    pfds.clear();
    for (const auto& s : slow) {
      if (s.fd >= 0 && s.closed_after < 0) pfds.push_back({s.fd, POLLIN, 0});
    }
    if (pfds.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (::poll(pfds.data(), pfds.size(), 10) <= 0) continue;
    for (const auto& p : pfds) {
      if (p.revents == 0) continue;
      auto it = std::find_if(slow.begin(), slow.end(), [&](const Slow& s) { return s.fd == p.fd; });
      char chunk[4096];
      const ssize_t n = ::recv(p.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) {
        it->got.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      it->closed_after = std::chrono::duration<double>(Clock::now() - it->opened).count();
      it->answered_408 = it->got.compare(0, 12, "HTTP/1.1 408") == 0;
      it->answered_other = !it->got.empty() && !it->answered_408;
    }
  }
  stop = true;
  for (auto& t : clients) t.join();

  std::vector<double> closes;
  int with_408 = 0, other = 0, silent = 0, open = 0;
  for (auto& s : slow) {
    if (s.fd < 0) continue;
    if (s.closed_after < 0) {
      ++open;
    } else {
      closes.push_back(s.closed_after);
      if (s.answered_408) {
        ++with_408;
      } else if (s.answered_other) {
        ++other;
      } else {
        ++silent;
      }
    }
    ::close(s.fd);
  }
  std::printf("measuring clients: %d, GET %s, pause %d ms\n", o.clients, o.path.c_str(),
              o.pause_ms);
  const char* names[2] = {"baseline", "under slowloris"};
  for (int p = 0; p < 2; ++p) {
    auto& v = lat.ms[p];
    const std::size_t n = v.size();
    std::printf("%-16s requests %zu failed %ld p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms\n",
                names[p], n, lat.failed[p], percentile(v, 50), percentile(v, 90), percentile(v, 99),
                percentile(v, 100));
  }
  std::printf(
      "slow connections: %d opened (%d refused at connect), %d answered 408, %d answered "
      "otherwise, %d closed silently, %d still open after %.0f s; closed after p0 %.1f s, p50 "
      "%.1f s, p100 %.1f s\n",
      o.slow - refused, refused, with_408, other, silent, open, o.seconds, percentile(closes, 0),
      percentile(closes, 50), percentile(closes, 100));
  auto& b = lat.ms[0];
  auto& u = lat.ms[1];
  std::printf(
      "RESULT base_requests=%zu base_failed=%ld base_p99_ms=%.2f requests=%zu failed=%ld "
      "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f slow=%d refused=%d closed_408=%d closed_other=%d "
      "closed_silent=%d still_open=%d close_min_s=%.1f close_max_s=%.1f\n",
      b.size(), lat.failed[0], percentile(b, 99), u.size(), lat.failed[1], percentile(u, 50),
      percentile(u, 99), percentile(u, 100), o.slow - refused, refused, with_408, other, silent,
      open, percentile(closes, 0), percentile(closes, 100));
  return 0;
}
