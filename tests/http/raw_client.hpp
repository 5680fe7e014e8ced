#pragma once
// The raw-socket side of the HTTP tests: the blocking client of tests/support with a shorter
// timeout, and a real Server on an ephemeral loopback port. Shared by test_http.cpp (one case
// per Pistache fault) and test_http_abuse.cpp (framing, timeouts, slow clients).
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "rootzone/http/http.hpp"
#include "support/raw_http_client.hpp"

namespace rootzone::test_http {

using rootzone::http::Response;
using rootzone::http::Router;
using rootzone::http::Server;
using rootzone::http::ServerOptions;

using RawResponse = rootzone::test::HttpResponse;

// The HTTP tests' client: a shorter receive timeout than the API tests', since many cases wait
// for it to pass to show that nothing arrived.
class Client : public rootzone::test::HttpClient {
 public:
  explicit Client(std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(5),
                  int receive_buffer = 0)
      : HttpClient(port, Options{.timeout = timeout, .receive_buffer = receive_buffer}) {}
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
