#pragma once
// The raw-socket side of the HTTP tests: a blocking TCP client that speaks bytes and reads
// responses, and a real Server on an ephemeral loopback port. Shared by test_http.cpp (one case
// per Pistache fault) and test_http_abuse.cpp (framing, timeouts, slow clients).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "rootzone/http/http.hpp"

namespace rootzone::test_http {

using rootzone::http::Response;
using rootzone::http::Router;
using rootzone::http::Server;
using rootzone::http::ServerOptions;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

// A blocking TCP client with a receive timeout, speaking raw bytes.
class Client {
 public:
  // timeout: of every receive and send; receive_buffer: SO_RCVBUF before connecting (0: the
  // kernel's autotuning), to make a client that reads slowly fill up quickly.
  explicit Client(std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(5),
                  int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int fd() const { return fd_; }

  // False if the peer closed the connection before everything was written.
  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response. head: the response to a HEAD request (no body whatever the headers).
  RawResponse read_response(bool head = false) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) throw std::runtime_error("connection ended before a response head: " + buf_);
    }
    RawResponse r;
    std::string block = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    std::size_t eol = block.find("\r\n");
    std::string status_line = block.substr(0, eol);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) throw std::runtime_error("bad status line");
    r.status = std::stoi(status_line.substr(9, 3));
    block.erase(0, eol + 2);
    while (!block.empty()) {
      eol = block.find("\r\n");
      std::string line = block.substr(0, eol);
      block.erase(0, eol + 2);
      std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    if (r.status == 100) return r;
    if (head || r.status == 204 || r.status == 304) return r;
    if (!r.has("content-length")) throw std::runtime_error("response without Content-Length");
    std::size_t length = std::stoul(r.header("content-length"));
    while (buf_.size() < length) {
      if (!fill()) throw std::runtime_error("connection ended inside a response body");
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (EOF or reset) with no further bytes; false if
  // bytes arrived or nothing happened within the receive timeout.
  bool closed_by_server() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    if (n < 0 && errno == ECONNRESET) return true;
    return false;
  }

  // Everything the server sends until it closes the connection (EOF or reset); nullopt when
  // the receive timeout passes first.
  std::optional<std::string> read_until_closed() {
    for (;;) {
      char chunk[16384];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
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
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

inline std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

inline rootzone::http::Response text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// A real server on an ephemeral loopback port, two threads (the CI machine has two cores).
class TestServer {
 public:
  explicit TestServer(std::shared_ptr<Router> router, ServerOptions options = {},
                      bool access_log = false) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    options.access_log = access_log;
    server_ = std::make_unique<Server>(options, std::move(router));
    server_->start();
  }
  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

// Polls until pred() or 5 s; returns pred().
template <typename Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!pred() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace rootzone::test_http
