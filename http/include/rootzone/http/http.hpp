#pragma once
// rootzone's own small HTTP/1.1 layer: handlers see these plain types, never Pistache's. The
// server (http/src/server.cpp) owns every defence against Pistache 0.0.5's faults listed in
// docs/architecture.md: pipelining, keep-alive, early 413 with the body never parsed, a route
// for every method, exceptions as problem+json, gzip, CORS, access log, drain on shutdown.
// It knows nothing of trees or works.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootzone::http {

enum class Method { get, head, post, put, patch, del, options };
std::string_view to_string(Method m);

struct Request {
  Method method = Method::get;
  std::string path;  // decoded path, no query: "/collections/trees/items/42"
  // Query parameters in order of appearance, percent-decoded; a name may repeat.
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Filled by the router from the pattern: "/collections/:collection/items/:id".
  std::map<std::string, std::string> params;
  std::string remote;  // peer address, for the access log
  // Set by the server: ServerOptions::public_url ("" when not configured), and the address it
  // listens on ("127.0.0.1:8080"), the fallback when a Host header cannot be used in a link.
  std::string public_url;
  std::string local;

  std::optional<std::string> header(std::string_view lower_name) const;
  std::optional<std::string> query_value(std::string_view name) const;  // the first one
  std::string param(std::string_view name) const;                       // "" if absent
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A body many responses share (a cached tile): sent from where it lies, never copied per
  // request (issue 18). When set, `body` is empty and this is the body.
  std::shared_ptr<const std::string> shared_body;
  // Extra headers (ETag, Location, Content-Crs, Cache-Control, Vary ...), sent as given.
  std::vector<std::pair<std::string, std::string>> headers;

  std::string_view body_view() const { return shared_body ? std::string_view(*shared_body) : body; }

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// RFC 7807 problem details. Throw it from a handler; the server answers
// application/problem+json with {type, title, status, detail}.
struct Problem {
  int status = 400;
  std::string title;   // short: "Invalid query parameter"
  std::string detail;  // names what was wrong: "limit=-1: must be between 1 and 10000"
  std::string type =
      "about:blank";  // or a requirement URI, e.g. OGC's /req/core/query-param-invalid
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Allow for 405
};
Response problem_response(const Problem& p);

using Handler = std::function<Response(Request&)>;

// Routes by method and path pattern (":name" segments bind params; a trailing "*" matches the
// rest). Unknown path: 404 problem; known path, other method: 405 with Allow.
class Router {
 public:
  void add(Method m, std::string pattern, Handler h);
  // Finds and runs the handler. Problem exceptions become problem responses; any other
  // exception becomes a 500 problem whose body never carries the exception's text (it is
  // logged instead). HEAD runs the GET handler and drops the body.
  Response dispatch(Request& req) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;                  // 0: one per core
  std::size_t max_body_bytes = 1 << 20;  // checked on the headers: 413 and close
  std::chrono::seconds drain_timeout{10};
  bool access_log = true;  // one JSON line per request on stderr
  // Access-Control-Allow-Origin on every response, "*" by default; empty: no CORS headers
  // (and OPTIONS preflights go to the router like any other request).
  std::string cors_origin = "*";
  // The public base URL for links and Location ("https://baeume.example.org"); when set, Host
  // and X-Forwarded-* are ignored for them. Empty: taken from the request when valid.
  std::string public_url;
  // Connections beyond this many are answered 503 and closed at once (0: no cap). Each holds
  // at most one response queued for writing (the next request is taken only when it was
  // written) plus its unparsed input (at most twice max_body_bytes + the head limit).
  std::size_t max_connections = 1024;
  // Timeouts (docs/RELIABILITY.md, "HTTP framing, timeouts and slowloris"). A request's line
  // and headers must have arrived header_timeout after its first byte (for a connection's first
  // request: after the connection was accepted), its body body_timeout after its head: else 408
  // and close (a connection that never sent a byte is closed, after the same header_timeout).
  // A connection waiting for its next request, or whose client has read nothing of a response
  // for idle_timeout, is closed without an answer. A handler at work is never timed out.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds body_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(75)};
};

// A running server. start() serves in background threads; wait() blocks until stop() (or
// SIGTERM/SIGINT when install_signal_handlers()) and the drain: new requests get 503,
// in-flight ones finish.
class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;  // the bound port (useful with port 0)
  void start();                // binds and serves in background threads
  void wait();                 // blocks until stop() was called and the drain finished
  void stop();
  void install_signal_handlers();  // SIGTERM and SIGINT call stop()
  // The most response bytes ever queued for writing on one connection and not yet written:
  // the measure of the output back-pressure (tests; one response at a time per connection).
  std::size_t peak_connection_queued_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::http
