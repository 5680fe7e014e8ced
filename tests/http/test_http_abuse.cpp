// Hostile and broken clients against a real Server on 127.0.0.1 (issue 15, "Load and abuse"):
// framing (RFC 9112: head limits, line ends, folding, versions, methods, control bytes), the
// header, body and idle timeouts, and slow clients. The timeout cases run with timeouts of 1-3 s
// and check both bounds: never before the timeout (that is exact, whatever the machine's
// load), and within a generous margin after it (the sweep looks four times a second).
#include <poll.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
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
using namespace rootzone::test_http;   // NOLINT(google-build-using-namespace): the test helpers
using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A router with GET /ok and POST /echo that counts what it routed.
struct Counted {
  std::shared_ptr<std::atomic<int>> hits = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<Router> router = std::make_shared<Router>();
  Counted() {
    auto h = hits;
    router->add(Method::get, "/ok", [h](Request&) {
      ++*h;
      return text("ok");
    });
    router->add(Method::post, "/echo", [h](Request& req) {
      ++*h;
      return text("echo " + req.body);
    });
  }
};

std::string detail_of(const RawResponse& r) {
  return nlohmann::json::parse(r.body).at("detail").get<std::string>();
}

// Sends raw bytes as one request and expects `status` as problem+json, then the close.
void expect_refused(std::uint16_t port, const std::string& bytes, int status,
                    const std::string& detail_part) {
  INFO("request: " << nlohmann::json(bytes).dump(-1, ' ', true,
                                                 nlohmann::json::error_handler_t::replace));
  Client client(port);
  client.send(bytes);  // the server may close before it read everything: the answer counts
  RawResponse r = client.read_response();
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.header("connection") == "close");
  CHECK(detail_of(r).find(detail_part) != std::string::npos);
  CHECK(client.closed_by_server());
}

// A head of exactly `size` bytes: GET /ok, Host, and one X-Pad header filling the rest.
std::string head_of_size(std::size_t size) {
  const std::string start = "GET /ok HTTP/1.1\r\nHost: test\r\nX-Pad: ";
  const std::string end = "\r\n\r\n";
  return start + std::string(size - start.size() - end.size(), 'p') + end;
}

// True when the client's socket has bytes (or EOF) to read within `wait`.
bool readable(const Client& c, std::chrono::milliseconds wait) {
  pollfd p{c.fd(), POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
}

ServerOptions with_timeouts(std::chrono::milliseconds header, std::chrono::milliseconds body,
                            std::chrono::milliseconds idle) {
  ServerOptions o;
  o.header_timeout = header;
  o.body_timeout = body;
  o.idle_timeout = idle;
  return o;
}

}  // namespace

// RFC 9112 3 wants 414 for a request-target longer than the server parses; the head as a whole
// (request line and fields) is limited to wire::kMaxHeadBytes = 32 KiB: 431 beyond.
TEST_CASE("framing: a request line over 32 KiB is 414, a head over 32 KiB 431, both closed") {
  Counted c;
  TestServer server(c.router);
  expect_refused(server.port(), "GET /" + std::string(40000, 'a'), 414, "request line exceeds");
  expect_refused(server.port(), "GET /" + std::string(40000, 'a') + " HTTP/1.1\r\n\r\n", 414,
                 "request line exceeds");
  std::string many = "GET /ok HTTP/1.1\r\nHost: test\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-Field-" + std::to_string(i) + ": value\r\n";
  expect_refused(server.port(), many + "\r\n", 431, "exceed 32768 bytes");
  expect_refused(
      server.port(),
      "GET /ok HTTP/1.1\r\nHost: test\r\nCookie: " + std::string(40000, 'c') + "\r\n\r\n", 431,
      "exceed 32768 bytes");
  // The limit itself: a head of exactly 32,768 bytes is served, one byte more is refused.
  {
    Client client(server.port());
    client.send(head_of_size(32768));
    RawResponse r = client.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
  }
  expect_refused(server.port(), head_of_size(32769), 431, "exceed 32768 bytes");
  CHECK(c.hits->load() == 1);
}

// RFC 9112 2.2 allows taking a bare LF as a line end; rootzone refuses it (and a bare CR)
// anywhere in the head, so that no proxy in front can see other header lines than it does.
// RFC 9112 5.2 allows 400 for obsolete line folding; 2.2 a 400 for whitespace before the first
// field. A bare LF is refused as soon as it arrives, without waiting for the head to end.
TEST_CASE("framing: bare LF, bare CR and obsolete line folding are 400 and closed, never routed") {
  Counted c;
  TestServer server(c.router);
  const std::string lf = "bare LF in the request head";
  expect_refused(server.port(), "GET /ok HTTP/1.1\nHost: test\n\n", 400, lf);
  expect_refused(server.port(), "GET /ok HTTP/1.1\nHost: test\r\n\r\n", 400, lf);
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\n\r\n", 400, lf);
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\nX-A: 1\n", 400, lf);
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\nX-A: 1\rX-B: 2\r\n\r\n", 400,
                 "bare CR in the request head");
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\nX-A: one\r\n two\r\n\r\n", 400,
                 "obsolete header line folding");
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\nX-A: one\r\n\ttwo\r\n\r\n", 400,
                 "obsolete header line folding");
  expect_refused(server.port(), "GET /ok HTTP/1.1\r\n Host: test\r\n\r\n", 400,
                 "obsolete header line folding");
  CHECK(c.hits->load() == 0);
  // Empty lines before a request line are ignored (RFC 9112 2.2), CRLF ones as bare LF ones.
  Client client(server.port());
  client.send("\r\n\r\n\nGET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(client.read_response().body == "ok");
}

TEST_CASE("framing: HTTP versions other than 1.0 and 1.1 are 505, malformed versions 400") {
  Counted c;
  TestServer server(c.router);
  for (const char* version : {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.0", "HTTP/9.9"}) {
    expect_refused(server.port(), std::string("GET /ok ") + version + "\r\nHost: test\r\n\r\n", 505,
                   std::string(version) + " is not supported");
  }
  // The HTTP/2 connection preface of a client that assumed h2c with prior knowledge.
  expect_refused(server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505,
                 "HTTP/2.0 is not supported");
  for (const char* line : {"GET /ok", "GET /ok http/1.1", "GET /ok HTTP/1", "GET /ok HTTP/1.10",
                           "GET /ok HTTP/1.1 extra", "GET  /ok HTTP/1.1", "GET /ok HTTP/a.b"}) {
    expect_refused(server.port(), std::string(line) + "\r\nHost: test\r\n\r\n", 400, "malformed");
  }
  CHECK(c.hits->load() == 0);
}

TEST_CASE("framing: garbage methods, NUL and control bytes are refused, never routed") {
  Counted c;
  TestServer server(c.router);
  using namespace std::string_literals;
  expect_refused(server.port(), "G@T /ok HTTP/1.1\r\nHost: test\r\n\r\n", 400, "request method");
  expect_refused(server.port(), "GE\0T /ok HTTP/1.1\r\nHost: test\r\n\r\n"s, 400, "request method");
  expect_refused(server.port(), "\x01GET /ok HTTP/1.1\r\nHost: test\r\n\r\n", 400,
                 "request method");
  expect_refused(server.port(), "GET /o\0k HTTP/1.1\r\nHost: test\r\n\r\n"s, 400,
                 "control character in the request target");
  expect_refused(server.port(), "GET /o\x7fk HTTP/1.1\r\nHost: test\r\n\r\n", 400,
                 "control character in the request target");
  for (const std::string& field : {"X-A: a\0b"s,
                                   "X-A: a\x01"
                                   "b"s,
                                   "X-A: a\x7f"
                                   "b"s,
                                   "X-A: \x1b[31m"s}) {
    expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\n" + field + "\r\n\r\n", 400,
                   "control character in header x-a");
  }
  for (const std::string& field : {"X-\0A: b"s, "X A: b"s, ": b"s, "no colon"s}) {
    expect_refused(server.port(), "GET /ok HTTP/1.1\r\nHost: test\r\n" + field + "\r\n\r\n", 400,
                   "malformed header field");
  }
  CHECK(c.hits->load() == 0);
  // Methods that are tokens but not HTTP's or not served: 501 with Allow, the connection stays.
  Client client(server.port());
  for (const std::string& method :
       {std::string("get"), std::string("BREW"), std::string(200, 'M')}) {
    client.send(method + " /ok HTTP/1.1\r\nHost: test\r\n\r\n");
    RawResponse r = client.read_response();
    CHECK(r.status == 501);
    CHECK(r.header("allow") == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  }
  // A tab and bytes beyond ASCII (obs-text, here UTF-8) in a value are fine.
  client.send(get("/ok", "X-Street: \tB\xc3\xa4ume\xff\r\n"));
  CHECK(client.read_response().body == "ok");
  CHECK(c.hits->load() == 1);
}

TEST_CASE("framing: Content-Length must be one plain decimal number") {
  Counted c;
  TestServer server(c.router);
  const std::string post = "POST /echo HTTP/1.1\r\nHost: test\r\n";
  for (const char* value : {"+5", "0x5", "5 5", "5.0", "1e3", "-0", "five"}) {
    expect_refused(server.port(), post + "Content-Length: " + value + "\r\n\r\nhello", 400,
                   "invalid Content-Length");
  }
  expect_refused(server.port(), post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400,
                 "duplicate Content-Length");
  expect_refused(server.port(),
                 post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", 400,
                 "both Content-Length and Transfer-Encoding");
  expect_refused(server.port(), post + "Content-Length: 18446744073709551616\r\n\r\n", 413,
                 "the limit is");
  CHECK(c.hits->load() == 0);
  // Leading zeros and whitespace around the value are fine (RFC 9110 5.5: OWS is not part of it).
  Client client(server.port());
  client.send(post + "Content-Length:   005  \r\n\r\nhello");
  CHECK(client.read_response().body == "echo hello");
}

TEST_CASE("header timeout: half a head, or one dribbled byte at a time, is 408 and closed") {
  Counted c;
  TestServer server(c.router, with_timeouts(1s, 10s, 10s));
  {
    Client client(server.port(), 10s);
    const auto t0 = Clock::now();
    client.send("GET /ok HTTP/1.1\r\nHo");
    RawResponse r = client.read_response();
    const double waited = seconds_since(t0);
    CHECK(r.status == 408);
    CHECK(r.header("connection") == "close");
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(detail_of(r).find("header timeout") != std::string::npos);
    CHECK(client.closed_by_server());
    CHECK(waited >= 1.0);
    CHECK(waited < 5.0);
  }
  {
    // Slowloris: a byte every 100 ms of a head that would take 20 s. Each byte does not restart
    // the clock: the 408 comes one header timeout after the first.
    Client client(server.port(), 10s);
    const std::string head = "GET /ok HTTP/1.1\r\nHost: test\r\nX-Slow: " + std::string(200, 's');
    const auto t0 = Clock::now();
    std::size_t sent = 0;
    while (sent < head.size() && !readable(client, 100ms)) {
      client.send(head.substr(sent++, 1));
    }
    const double waited = seconds_since(t0);
    RawResponse r = client.read_response();
    CHECK(r.status == 408);
    CHECK(client.closed_by_server());
    CHECK(waited >= 1.0);
    CHECK(waited < 5.0);
    CHECK(sent < head.size());
  }
  CHECK(c.hits->load() == 0);
}

// A connection's first request is timed from the accept: waiting silently, then dribbling,
// gains nothing. A connection that never sends a byte is closed by Pistache (rootzone sees no
// connection before its first byte), which writes a bare 408 of its own first.
TEST_CASE("header timeout: counted from the accept for a connection's first request") {
  Counted c;
  TestServer server(c.router, with_timeouts(2s, 10s, 10s));
  {
    Client client(server.port(), 10s);
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(1500ms);
    client.send("GET /ok HTTP/1.1\r\n");
    RawResponse r = client.read_response();
    const double waited = seconds_since(t0);
    CHECK(r.status == 408);
    CHECK(waited >= 2.0);
    CHECK(waited < 3.4);  // from the first byte it would have been 3.5 s at least
  }
  {
    Client silent(server.port(), 10s);
    const auto t0 = Clock::now();
    auto bytes = silent.read_until_closed();
    const double waited = seconds_since(t0);
    REQUIRE(bytes);
    CHECK(bytes->rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
    CHECK(waited >= 2.0);
    CHECK(waited < 6.0);
  }
  // Nothing was left behind: the server serves as before.
  Client client(server.port());
  client.send(get("/ok"));
  CHECK(client.read_response().body == "ok");
}

TEST_CASE("body timeout: counted from the end of the head, separately from the header timeout") {
  Counted c;
  TestServer server(c.router, with_timeouts(1s, 3s, 10s));
  const std::string head = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n";
  {
    Client client(server.port(), 10s);
    const auto t0 = Clock::now();
    client.send(head + "012");
    RawResponse r = client.read_response();
    const double waited = seconds_since(t0);
    CHECK(r.status == 408);
    CHECK(r.header("connection") == "close");
    CHECK(detail_of(r).find("body timeout") != std::string::npos);
    CHECK(client.closed_by_server());
    CHECK(waited >= 3.0);  // not the 1 s header timeout
    CHECK(waited < 7.0);
  }
  {
    // A body finished after twice the header timeout but within the body timeout is served.
    Client client(server.port(), 10s);
    client.send(head + "01234");
    std::this_thread::sleep_for(2s);
    client.send("56789");
    CHECK(client.read_response().body == "echo 0123456789");
  }
  CHECK(c.hits->load() == 1);
}

TEST_CASE("idle timeout: a kept-alive connection is closed quietly, never one in use") {
  Counted c;
  auto slow = std::make_shared<std::atomic<int>>(0);
  c.router->add(Method::get, "/slow", [slow](Request&) {
    std::this_thread::sleep_for(2500ms);
    ++*slow;
    return text("slow done");
  });
  TestServer server(c.router, with_timeouts(1s, 1s, 1s));
  {
    Client client(server.port(), 10s);
    client.send(get("/ok"));
    CHECK(client.read_response().body == "ok");
    const auto t0 = Clock::now();
    auto rest = client.read_until_closed();
    const double waited = seconds_since(t0);
    REQUIRE(rest);
    CHECK(rest->empty());  // no 408 on an idle connection: nothing was asked
    CHECK(waited >= 1.0);
    CHECK(waited < 5.0);
  }
  {
    // A request every 400 ms for 3 s keeps the connection; a handler taking 2.5 s (longer
    // than every timeout) is not cut off.
    Client client(server.port(), 10s);
    for (int i = 0; i < 8; ++i) {
      client.send(get("/ok"));
      CHECK(client.read_response().body == "ok");
      std::this_thread::sleep_for(400ms);
    }
    client.send(get("/slow"));
    CHECK(client.read_response().body == "slow done");
    client.send(get("/ok"));
    CHECK(client.read_response().body == "ok");
  }
  CHECK(slow->load() == 1);
}

// A client that stops reading holds its response in the server; once nothing of it was read
// for the idle timeout the connection is shut down. One that reads slowly but steadily gets
// everything.
TEST_CASE("idle timeout: a client that reads nothing of a response is cut off, a slow reader not") {
  constexpr std::size_t kBig = std::size_t{32} << 20;  // beyond both ends' socket buffers
  auto router = std::make_shared<Router>();
  router->add(Method::get, "/big", [](Request&) {
    Response r;
    r.content_type = "application/octet-stream";  // not gzipped
    r.body.assign(kBig, 'x');
    return r;
  });
  TestServer server(router, with_timeouts(1s, 1s, 1s));
  {
    Client client(server.port(), 10s, 16384);
    client.send(get("/big"));
    std::this_thread::sleep_for(3s);  // reads nothing for three idle timeouts
    auto bytes = client.read_until_closed();
    REQUIRE(bytes);
    CHECK(bytes->rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(bytes->size() < kBig);  // cut off: the rest never came
  }
  {
    Client client(server.port(), 10s, 65536);
    client.send(get("/big"));
    std::size_t got = 0;
    char chunk[65536];
    const auto t0 = Clock::now();
    while (got < kBig) {
      const ssize_t n = ::recv(client.fd(), chunk, sizeof chunk, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
      std::this_thread::sleep_for(5ms);  // about 10 MB/s at most: several seconds in all
    }
    CHECK(got > kBig);  // the whole body and the head
    CHECK(seconds_since(t0) > 1.0);
  }
}

// The CI variant of bench/slowloris (docs/RELIABILITY.md): 200 connections dribble their
// heads while another client keeps asking; none of its requests fails and every slow
// connection gets its 408 at the header timeout.
TEST_CASE("slowloris: 200 dribbling connections are closed at the header timeout, others served") {
  Counted c;
  TestServer server(c.router, with_timeouts(2s, 10s, 10s));
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<Client>(server.port(), 10s));
    slow.back()->send("GET /ok HTTP/1.1\r\n");
  }
  std::atomic<bool> done{false};
  std::thread dribbler([&] {
    // One byte on every slow connection each 250 ms, until its answer comes.
    std::vector<bool> answered(slow.size(), false);
    while (!done.load()) {
      for (std::size_t i = 0; i < slow.size(); ++i) {
        if (answered[i]) continue;
        if (readable(*slow[i], 0ms) || !slow[i]->send("X")) answered[i] = true;
      }
      std::this_thread::sleep_for(250ms);
    }
  });
  std::vector<double> latencies;
  int failed = 0;
  {
    Client client(server.port(), 10s);
    const auto until = Clock::now() + 3s;
    while (Clock::now() < until) {
      const auto t0 = Clock::now();
      try {
        client.send(get("/ok"));
        if (client.read_response().body != "ok") ++failed;
      } catch (const std::exception&) {
        ++failed;
      }
      latencies.push_back(seconds_since(t0) * 1000.0);
      std::this_thread::sleep_for(10ms);
    }
  }
  done = true;
  dribbler.join();
  std::sort(latencies.begin(), latencies.end());
  const double p99 = latencies[latencies.size() * 99 / 100];
  WARN("other client: " << latencies.size() << " requests, p99 " << p99 << " ms, max "
                        << latencies.back() << " ms");
  CHECK(failed == 0);
  CHECK(latencies.size() > 20);
  int timed_out = 0;
  for (auto& s : slow) {
    RawResponse r = s->read_response();
    if (r.status == 408 && s->closed_by_server()) ++timed_out;
  }
  CHECK(timed_out == 200);
}
