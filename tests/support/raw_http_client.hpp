#pragma once
// A blocking HTTP/1.1 client over a raw TCP socket for the end-to-end tests of a real server:
// the request bytes go out exactly as written (no client library normalising a bad target or
// a header), responses are read one at a time with Content-Length or chunked framing. Every
// read has a receive timeout, so a server that never answers fails the test instead of hanging.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rootzone::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

class HttpClient {
 public:
  struct Options {
    // Of every receive and send, so a server that never answers fails the test.
    std::chrono::seconds timeout{10};
    // SO_RCVBUF before connecting (0: the kernel's autotuning), to make a client that reads
    // slowly fill up quickly.
    int receive_buffer = 0;
    // The local address to connect from (Linux reaches 127.0.0.1 from any of 127/8), so one
    // test can be several clients to a server's per-address limit; none: the kernel's choice.
    const char* from = nullptr;
  };

  explicit HttpClient(int port, const char* from = nullptr)
      : HttpClient(port, Options{.from = from}) {}

  HttpClient(int port, const Options& options) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{static_cast<time_t>(options.timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (options.receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer,
                   sizeof options.receive_buffer);
    }
    if (options.from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, options.from, &local.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        ::close(fd_);
        throw std::runtime_error(std::string("cannot bind to ") + options.from);
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
    }
  }
  ~HttpClient() { ::close(fd_); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  int fd() const { return fd_; }

  // The local port of this connection: which connection a server's log line belongs to.
  int local_port() const {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
  }

  // False if the peer closed the connection before everything was written.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Sends "GET target HTTP/1.1" with Host and the extra header lines ("Name: value\r\n" each)
  // and reads the response.
  HttpResponse get(const std::string& target, const std::string& extra_headers = "") {
    if (!send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n")) {
      throw std::runtime_error("connection closed while sending GET " + target);
    }
    return read_response();
  }

  // Reads one response (head: the answer to a HEAD request, no body whatever the headers).
  HttpResponse read_response(bool head = false) {
    const std::size_t end = until("\r\n\r\n");
    HttpResponse r;
    std::string block = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    std::size_t eol = block.find("\r\n");
    const std::string status_line = block.substr(0, eol);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) {
      throw std::runtime_error("bad status line: " + status_line);
    }
    r.status = std::stoi(status_line.substr(9, 3));
    block.erase(0, eol + 2);
    while (!block.empty()) {
      eol = block.find("\r\n");
      const std::string line = block.substr(0, eol);
      block.erase(0, eol + 2);
      const std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      auto [it, inserted] = r.headers.emplace(name, value);
      if (!inserted) it->second += ", " + value;
    }
    if (head || r.status == 204 || r.status == 304 || r.status < 200) return r;
    if (r.header("transfer-encoding") == "chunked") {
      for (;;) {
        const std::size_t line_end = until("\r\n");
        const std::size_t size = std::stoul(buf_.substr(0, line_end), nullptr, 16);
        buf_.erase(0, line_end + 2);
        need(size + 2);
        r.body += buf_.substr(0, size);
        buf_.erase(0, size + 2);
        if (size == 0) return r;
      }
    }
    if (!r.has("content-length")) throw std::runtime_error("response without Content-Length");
    const std::size_t length = std::stoul(r.header("content-length"));
    need(length);
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (EOF or reset) with no further bytes; false if
  // bytes arrived or nothing happened within the receive timeout.
  bool closed_by_server() {
    if (!buf_.empty()) return false;
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    return n < 0 && (errno == ECONNRESET || errno == EPIPE);
  }

  // Everything the server sends until it closes the connection (EOF or reset); nullopt when
  // the receive timeout passes first.
  std::optional<std::string> read_until_closed() {
    for (;;) {
      char chunk[16384];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buf_.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || errno == ECONNRESET) {
        std::string out;
        out.swap(buf_);
        return out;
      }
      if (errno != EINTR) return std::nullopt;
    }
  }

 private:
  std::size_t until(std::string_view marker) {
    std::size_t at;
    while ((at = buf_.find(marker)) == std::string::npos) {
      if (!fill()) throw std::runtime_error("connection ended before a complete response: " + buf_);
    }
    return at;
  }
  void need(std::size_t n) {
    while (buf_.size() < n) {
      if (!fill()) throw std::runtime_error("connection ended inside a response body");
    }
  }
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

}  // namespace rootzone::test
