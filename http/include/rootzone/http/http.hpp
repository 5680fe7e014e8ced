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

  std::optional<std::string> header(std::string_view lower_name) const;
  std::optional<std::string> query_value(std::string_view name) const;  // the first one
  std::string param(std::string_view name) const;                       // "" if absent
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (ETag, Location, Content-Crs, Cache-Control, Vary ...), sent as given.
  std::vector<std::pair<std::string, std::string>> headers;

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::http
