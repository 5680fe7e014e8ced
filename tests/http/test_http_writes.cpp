// How responses reach the socket (issue 15, defect 7): Pistache 0.0.5 queues writes by fd number,
// so an answer queued for a connection that closed could go to the next connection given the
// same number. rootzone writes responses itself, under the connection's lock and only while it
// is open; what the socket cannot take waits for the server's writer thread. These cases load
// that path: many short connections whose descriptors are reused at once, and one response far
// larger than the socket buffers, read slowly.
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "raw_client.hpp"
#include "rootzone/http/http.hpp"

using rootzone::http::Method;
using rootzone::http::Request;
using rootzone::http::Response;
using rootzone::http::Router;
using rootzone::http::ServerOptions;
using namespace rootzone::test_http;  // NOLINT(google-build-using-namespace): the test helpers

namespace {

// The body of /echo?token=T&kb=K: T repeated to K KiB.
std::string echo_body(const std::string& token, std::size_t kb) {
  std::string body;
  body.reserve(kb * 1024 + token.size());
  while (body.size() < kb * 1024) body += token;
  return body;
}

std::shared_ptr<Router> echo_router(std::atomic<int>& handled) {
  auto router = std::make_shared<Router>();
  router->add(Method::get, "/echo", [&handled](Request& req) {
    const std::string token = req.query_value("token").value_or("");
    const std::size_t kb = std::stoul(req.query_value("kb").value_or("16"));
    // A little work, so that clients leave while their answer is being made or written.
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (token.back() % 4)));
    ++handled;
    Response r;
    r.content_type = "application/octet-stream";  // never gzipped: the bytes are the token's
    r.header("X-Token", token);
    r.body = echo_body(token, kb);
    return r;
  });
  return router;
}

}  // namespace

// 2,000 connections over 4 threads, one request each. A quarter close right after sending
// (nothing read), a quarter read the head and close, half read the whole answer; the
// descriptors the server frees are given to the next connections at once. Whatever a client
// receives must carry its own token: the header, and every byte of the body it read.
TEST_CASE("short connections that leave early: every answer reaches only its own client") {
  std::atomic<int> handled{0};
  TestServer server(echo_router(handled));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::atomic<int> full_reads{0};
  std::atomic<int> partial_reads{0};
  std::atomic<int> left_unread{0};
  std::atomic<int> foreign{0};  // answers (or parts) that carried another client's token
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(4711U + static_cast<unsigned>(t));
      for (int i = 0; i < kPerThread; ++i) {
        // Unique per connection and the same length for all: "c<thread>-<index, 5 digits>".
        std::string n = std::to_string(i);
        const std::string token =
            "c" + std::to_string(t) + "-" + std::string(5 - n.size(), '0') + n;
        const int kind = static_cast<int>(rng() % 4);  // 0: leave, 1: read a little, 2-3: read
        // Those that read only the head ask for 6 MiB one time in four: more than loopback's
        // socket buffers take at once from a client with a 4 KB receive buffer (tcp_wmem's max
        // is 4 MiB), so the rest waits for the server's writer thread when the client leaves.
        // The others ask for 16 or 256 KiB.
        std::size_t kb = rng() % 2 == 0 ? 16 : 256;
        if (kind == 1 && rng() % 4 == 0) kb = 6 * 1024;
        kind < 2 ? (rng() % 4 == 0 ? 16 : 1024) : (rng() % 2 == 0 ? 16 : 256);
        try {
          Client client(server.port(), std::chrono::seconds(10), kind == 1 ? 4096 : 0);
          if (!client.send(get("/echo?token=" + token + "&kb=" + std::to_string(kb)))) {
            ++failures;
            continue;
          }
          if (kind == 0) {
            ++left_unread;
            continue;  // closed at once, the answer unread
          }
          if (kind == 1) {
            // Read until the token header arrived, then leave with the rest unread.
            std::string got;
            char chunk[512];
            while (got.find("\r\n\r\n") == std::string::npos) {
              const ssize_t r = ::recv(client.fd(), chunk, sizeof chunk, 0);
              if (r <= 0) break;
              got.append(chunk, static_cast<std::size_t>(r));
            }
            if (got.find("\r\nX-Token: " + token + "\r\n") == std::string::npos) {
              ++foreign;
            } else {
              ++partial_reads;
            }
            continue;
          }
          RawResponse r = client.read_response();
          if (r.status != 200 || r.header("x-token") != token || r.body != echo_body(token, kb)) {
            ++foreign;
          } else {
            ++full_reads;
          }
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const int full = full_reads.load();
  const int partial = partial_reads.load();
  INFO("full " << full << ", partial " << partial << ", unread " << left_unread.load()
               << ", failures " << failures.load());
  CHECK(foreign.load() == 0);
  CHECK(failures.load() == 0);
  CHECK(full + partial + left_unread.load() == kThreads * kPerThread);
  CHECK(full > 0);
  CHECK(partial > 0);
  // The server is whole afterwards, and every request whose client stayed was handled.
  CHECK(handled.load() >= full + partial);
  Client after(server.port());
  CHECK(after.get("/echo?token=after-00001").header("x-token") == "after-00001");
}

// One answer of 8 MB to a client with a 4 KB receive buffer that reads slowly, with a second
// request pipelined behind it: the 8 MB arrive whole and in order (each byte says where it
// belongs), then the second answer; the server held one answer at a time.
TEST_CASE("an answer larger than the socket buffers arrives whole and in order, then the next") {
  constexpr std::size_t kBig = std::size_t{8} << 20;
  auto router = std::make_shared<Router>();
  router->add(Method::get, "/big", [](Request&) {
    Response r;
    r.content_type = "application/octet-stream";
    r.body.resize(kBig);
    for (std::size_t i = 0; i < kBig; ++i) r.body[i] = static_cast<char>((i * 7 + i / 4096) % 251);
    return r;
  });
  router->add(Method::get, "/small", [](Request&) { return text("second"); });
  TestServer server(router);
  Client client(server.port(), std::chrono::seconds(10), 4096);
  REQUIRE(client.send(get("/big") + get("/small")));
  // Nothing read for a while: the server's socket fills and the rest waits in the server.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Then slowly: 64 KB at a time with a pause, through the client's 4 KB buffer.
  std::string got;
  char chunk[65536];
  std::size_t since_pause = 0;
  // The stream ends with the second answer's body, "second" (the big body never has it: its
  // neighbouring bytes differ by 7 or 8 modulo 251).
  while (got.size() <= kBig || got.compare(got.size() - 6, 6, "second") != 0) {
    const ssize_t n = ::recv(client.fd(), chunk, sizeof chunk, 0);
    if (n <= 0) break;  // ended early: the checks below say what is missing
    got.append(chunk, static_cast<std::size_t>(n));
    since_pause += static_cast<std::size_t>(n);
    if (since_pause >= 256 * 1024) {
      since_pause = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  const std::size_t head_end = got.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.find("Content-Length: 8388608\r\n") < head_end);
  const std::string_view body = std::string_view(got).substr(head_end + 4, kBig);
  REQUIRE(body.size() == kBig);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < kBig; ++i) {
    if (body[i] != static_cast<char>((i * 7 + i / 4096) % 251)) ++wrong;
  }
  CHECK(wrong == 0);
  const std::string rest = got.substr(head_end + 4 + kBig);
  CHECK(rest.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(rest.size() >= 6);
  CHECK(rest.substr(rest.size() - 6) == "second");
  CHECK(server.server().peak_connection_queued_bytes() <= kBig + 1024);
}
