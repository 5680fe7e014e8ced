// The HTTP server over Pistache 0.0.5, and every defence against its faults (docs/architecture.md):
//
// - Pistache's Http::Handler::onInput (Connection: Close on every HTTP/1.1 reply without a
//   Connection header, the rest of a pipelined buffer dropped, a late 413 after which the body
//   is parsed as a new request, Content-Length reserved as memory up front) is replaced by
//   HttpHandler::onInput below (a private virtual meant to be overridden): input is buffered per
//   connection, each request is framed from its raw header bytes by wire::frame() (Content-Length
//   and Transfer-Encoding read before any body byte), and an oversized, ambiguous or chunked
//   request is answered 413 / 400 / 501 and the connection shut down (::shutdown once the write
//   completed, never close(): Pistache owns the fd). The rest of its input is never parsed.
// - Pistache's request parser is not fed: wire::frame() already reads the request line and
//   every header (it has to, to frame safely; Pistache's parser takes the first of two
//   Content-Length headers), and the query must keep its order and repeated names, which
//   Pistache's Uri::Query (an unordered_map) loses.
// - Timeouts are kept here (sweep(), four times a second): Pistache 0.0.5's own
//   (TransportImpl::checkIdlePeers) read the state of its request parser, which is not fed, so
//   header and body timeouts were one clock, and they answered a busy connection 408 with bytes
//   of Pistache's own in the middle of a response. Pistache keeps only the connection that never
//   sent a byte (before onInput there is no Conn to time): its header and body timeouts are set
//   to ServerOptions::header_timeout, and every connection that sent something is marked idle
//   for Pistache, whose keep-alive timeout is set beyond reach.
// - Pipelined requests are taken one at a time: one thread at a time owns a connection's output
//   (Conn::busy), and the next request is looked at only after the previous response was
//   written to the socket (not merely queued), so replies leave in request order and a client
//   that pipelines and never reads holds one response in memory, not one per request
//   (Pistache's write queue has no bound; issue 15 saw 3 GB for 4,000 pipelined pages).
// - Responses never go through Pistache's write queue (Peer::send), which is keyed by fd number
//   alone: an entry queued before a disconnection went to a new connection given the same
//   number. send() writes to the socket itself, under Conn::m and only while the connection is
//   not closed (onDisconnection sets `closed` under Conn::m before Pistache closes the fd); what
//   the socket cannot take at once waits in the Conn and is finished by the SocketWriter's
//   thread (epoll, registered under the connection's own id, never reused).
// - Connections beyond ServerOptions::max_connections get a 503 and are closed at once.
// - Keep-alive: HTTP/1.1 stays open unless the client sends Connection: close; HTTP/1.0 only
//   with Connection: keep-alive.
// - Responses are serialized here (wire::serialize) and written by send(), never through
//   Pistache's ResponseWriter; so every header of a Response is sent as given (no addRaw()
//   headers lost), HEAD gets the GET body's Content-Length, Connection is ours. Pistache's
//   Rest::Router is not used at all (no route map to race on); rootzone's Router dispatches and
//   wraps every handler (exceptions -> problem+json without their text).
// - Handlers run on a worker pool of our own, never on Pistache's reactor threads: a slow
//   handler blocks no other connection, and /health, CORS preflights and the 503s of a drain
//   are answered at once by the reactor. The pool outlives the endpoint.
// - Drain: stop() (or SIGTERM/SIGINT) makes new requests 503 + Connection: close; in-flight
//   requests are counted down when their write completed (or was dropped with its connection);
//   then Endpoint::shutdown().
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>
#include <pistache/peer.h>

#include "log_line.hpp"
#include "rootzone/http/http.hpp"
#include "rootzone/http/wire.hpp"
#include "socket_writer.hpp"
#include "tcp_progress.hpp"

namespace rootzone::http {
namespace {

namespace P = Pistache;
using Clock = std::chrono::steady_clock;

// Bodies smaller than this are sent uncompressed (gzip's header and the CPU are not worth it).
constexpr std::size_t kGzipMinBytes = 1024;
constexpr std::string_view kConnData = "rootzone.connection";

class WorkerPool {
 public:
  explicit WorkerPool(unsigned n) {
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
  }
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> job) {
    {
      std::lock_guard lock(m_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  // Runs what is queued, then joins.
  void stop() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Set from the SIGTERM/SIGINT handler (async-signal-safe: lock-free atomics and write(2)).
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);
std::atomic<bool> g_signal_stop{false};
std::atomic<int> g_signal_fd{-1};

struct Conn;

// State shared by the Pistache handler clones (one per reactor thread) and the Server.
struct Shared {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  WorkerPool* pool = nullptr;
  SocketWriter* writer = nullptr;
  std::atomic<bool> draining{false};
  std::atomic<bool> signals{false};  // install_signal_handlers() was called
  std::mutex m;
  std::condition_variable cv;
  long inflight = 0;  // guarded by m
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> peak_queued{0};  // most bytes queued on one connection at once
  std::atomic<std::uint16_t> port{0};       // the bound port, set once serving started
  std::mutex conns_m;
  std::vector<std::weak_ptr<Conn>> conns;  // every connection that sent a byte, for sweep()
  // The connections registered with the SocketWriter, by their id (never reused).
  std::mutex writing_m;
  std::unordered_map<std::uint64_t, std::weak_ptr<Conn>> writing;
  std::atomic<std::uint64_t> next_id{1};

  void add(const std::shared_ptr<Conn>& conn) {
    std::lock_guard lock(conns_m);
    conns.push_back(conn);
  }

  std::shared_ptr<Conn> writing_conn(std::uint64_t id) {
    std::lock_guard lock(writing_m);
    auto it = writing.find(id);
    return it == writing.end() ? nullptr : it->second.lock();
  }

  void note_queued(std::size_t n) {
    std::size_t seen = peak_queued.load();
    while (n > seen && !peak_queued.compare_exchange_weak(seen, n)) {
    }
  }

  bool stopping() const { return draining.load() || (signals.load() && g_signal_stop.load()); }

  void begin() {
    std::lock_guard lock(m);
    ++inflight;
  }
  void end() {
    std::lock_guard lock(m);
    if (--inflight == 0) cv.notify_all();
  }
};

// One request in flight, from the moment it was framed until its response was written (or
// dropped together with its connection: onDisconnection drops the unwritten rest with its
// token, so the token also counts down when it is destroyed).
class InflightToken {
 public:
  explicit InflightToken(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
    shared_->begin();
  }
  ~InflightToken() { release(); }
  InflightToken(const InflightToken&) = delete;
  InflightToken& operator=(const InflightToken&) = delete;
  void release() {
    if (!released_.exchange(true)) shared_->end();
  }

 private:
  std::shared_ptr<Shared> shared_;
  std::atomic<bool> released_{false};
};

struct Conn {
  // What the connection waits for while no thread owns its output, and since when (sweep()).
  enum class Wait { none, idle, head, body };

  std::mutex m;
  std::string buf;             // bytes received and not yet taken as a request
  bool busy = false;           // a thread owns the output (pumping, or a worker handling)
  bool closing = false;        // the last response closes the connection: input is ignored
  bool closed = false;         // the peer went away
  bool continue_sent = false;  // 100 Continue already sent for the request being received
  std::size_t queued = 0;      // response bytes not yet taken by the socket
  bool counted = false;        // in Shared::connections until its first disconnection
  int fd = -1;                 // the peer's socket: this connection's only while !closed
  std::uint64_t id = 0;        // the connection's name in the SocketWriter (never reused)
  bool registered = false;     // fd is in the SocketWriter's epoll set
  std::string remote;
  // Output the socket has not taken yet: out[out_off..]. At most one response (the owner of the
  // output sends the next only after this one completed), perhaps behind a 100 Continue.
  std::string out;
  std::size_t out_off = 0;
  // Then the response's body, sent from where it lies (a cached tile shared by every response
  // that carries it, or a large page moved here): body[body_off..] after out.
  std::shared_ptr<const std::string> body;
  std::size_t body_off = 0;
  // Set while a response (not only an interim 100) is in `out`: what its completion does.
  struct Completion {
    bool close_after = false;
    std::shared_ptr<InflightToken> token;
  };
  std::optional<Completion> done;
  Wait wait = Wait::none;
  Clock::time_point wait_since;
  // While a response is queued: the bytes the client had acknowledged at the last sweep, and
  // when that number last grew (it stops when the client reads nothing: its window closes).
  std::uint64_t acked = 0;
  Clock::time_point progress_at;
};

struct Parsed {
  Request request;
  bool keep_alive = true;
  bool http10 = false;
  Clock::time_point started;
  std::optional<Response> answer;  // answered by the server itself, not the router
};

struct Outgoing {
  std::string bytes;                        // status line, headers and perhaps a small body
  std::shared_ptr<const std::string> body;  // the body, when not in `bytes`
  int status = 0;
  std::size_t body_bytes = 0;
};

std::string join_methods() { return "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"; }

// What a handler's own headers say about the body: a HEAD's GET length (from the router), the
// Vary values to merge, and whether it compressed the body itself.
struct HandlerNotes {
  std::optional<std::size_t> head_length;
  std::string vary;
  bool encoded = false;
};

HandlerNotes notes_of(const Response& r, bool head) {
  HandlerNotes n;
  for (const auto& [name, value] : r.headers) {
    if (!wire::safe_header(name, value)) continue;  // no header injection, here or below
    if (wire::iequals(name, "content-length")) {
      if (!head) continue;
      try {
        n.head_length = static_cast<std::size_t>(std::stoull(value));
      } catch (const std::exception&) {
        n.head_length.reset();
      }
    } else if (wire::iequals(name, "content-encoding")) {
      n.encoded = true;
    } else if (wire::iequals(name, "vary")) {
      n.vary += n.vary.empty() ? value : ", " + value;
    }
  }
  return n;
}

// Framing, connection and date headers are the server's; Vary is merged by finish().
bool server_owned(std::string_view name) {
  for (const char* owned : {"content-length", "vary", "transfer-encoding", "connection",
                            "keep-alive", "date", "content-type"}) {
    if (wire::iequals(name, owned)) return true;
  }
  return false;
}

void add_content_length(wire::HeaderList& h, const Response& r, bool head, bool gzipped,
                        const HandlerNotes& notes) {
  // HEAD: the length a GET would have had; unknown when that GET would have been gzipped.
  const auto size = r.body_view().size();
  if (!head) {
    h.emplace_back("Content-Length", std::to_string(size));
  } else if (!gzipped) {
    h.emplace_back("Content-Length", std::to_string(notes.head_length.value_or(size)));
  }
}

// Status, headers and body of a response as it goes on the wire.
Outgoing finish(const Shared& shared, const Request& req, Response r, bool keep_alive,
                bool http10) {
  const bool head = req.method == Method::head;
  const bool no_body = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  wire::HeaderList h;
  h.emplace_back("Date", wire::http_date(std::chrono::system_clock::now()));
  if (!no_body && !r.content_type.empty()) h.emplace_back("Content-Type", r.content_type);

  auto notes = notes_of(r, head);
  const std::size_t length = notes.head_length.value_or(r.body_view().size());
  const bool worth_gzip =
      !no_body && !notes.encoded && length >= kGzipMinBytes && wire::compressible(r.content_type);
  bool gzipped = false;
  if (worth_gzip) {
    notes.vary += notes.vary.empty() ? "Accept-Encoding" : ", Accept-Encoding";
    auto ae = req.header("accept-encoding");
    gzipped = ae && wire::accepts_gzip(*ae);
    if (gzipped && !head) {
      r.body = wire::gzip(r.body_view());
      r.shared_body.reset();
    }
  }
  if (gzipped) h.emplace_back("Content-Encoding", "gzip");
  if (!notes.vary.empty()) h.emplace_back("Vary", notes.vary);
  for (const auto& [name, value] : r.headers) {
    if (!server_owned(name) && wire::safe_header(name, value)) h.emplace_back(name, value);
  }
  if (!shared.options.cors_origin.empty()) {
    h.emplace_back("Access-Control-Allow-Origin", shared.options.cors_origin);
    h.emplace_back("Access-Control-Expose-Headers", "ETag, Location, Content-Crs, Link");
  }
  if (!no_body) add_content_length(h, r, head, gzipped, notes);
  if (!keep_alive) {
    h.emplace_back("Connection", "close");
  } else if (http10) {
    h.emplace_back("Connection", "keep-alive");
  }
  const bool send_body = !head && !no_body;
  Outgoing out;
  out.status = r.status;
  const auto body = r.body_view();
  out.body_bytes = send_body ? body.size() : 0;
  // A small body goes in one copy behind the headers; a shared one is never copied, and a
  // large one of this response's own is moved beside them: one sendmsg writes both.
  constexpr std::size_t kCopiedBody = 16 * 1024;
  const bool beside = send_body && (r.shared_body || body.size() > kCopiedBody);
  out.bytes = wire::serialize(r.status, h, body, send_body && !beside);
  if (beside) {
    out.body = r.shared_body ? std::move(r.shared_body)
                             : std::make_shared<const std::string>(std::move(r.body));
  }
  return out;
}

// client_gone: the handler ran (a write may be stored) but the client had closed the
// connection, so the answer was never sent.
void access_log(const Shared& shared, const std::string& remote, std::string_view method,
                std::string_view path, int status, std::size_t bytes, Clock::time_point started,
                bool client_gone = false) {
  if (!shared.options.access_log) return;
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  nlohmann::json line = {{"time", wire::iso_time(std::chrono::system_clock::now())},
                         {"remote", remote},
                         {"method", method},
                         {"path", path},
                         {"status", status},
                         {"bytes", bytes},
                         {"ms", static_cast<double>(static_cast<long long>(ms * 1000.0)) / 1000.0}};
  if (client_gone) line["client_gone"] = true;
  log_line(line);
}

void pump(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn);

enum class Flushed { all, blocked, failed };

// Under conn.m while !conn.closed, so conn.fd is this connection's socket (onDisconnection sets
// `closed` under conn.m before Pistache closes the fd): writes what the socket takes now.
std::size_t pending(const Conn& conn) {
  return conn.out.size() - conn.out_off + (conn.body ? conn.body->size() - conn.body_off : 0);
}

Flushed flush(Conn& conn) {
  while (pending(conn) > 0) {
    iovec iov[2];
    int parts = 0;
    if (conn.out_off < conn.out.size()) {
      iov[parts++] = {conn.out.data() + conn.out_off, conn.out.size() - conn.out_off};
    }
    if (conn.body && conn.body_off < conn.body->size()) {
      // sendmsg only reads the buffer: the cast does not make the shared bytes writable.
      iov[parts++] = {const_cast<char*>(conn.body->data()) + conn.body_off,
                      conn.body->size() - conn.body_off};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(parts);
    const ssize_t n = ::sendmsg(conn.fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      auto sent = static_cast<std::size_t>(n);
      const auto from_out = std::min(sent, conn.out.size() - conn.out_off);
      conn.out_off += from_out;
      conn.body_off += sent - from_out;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Flushed::blocked;
    } else {
      return Flushed::failed;  // EPIPE, ECONNRESET: the client is gone
    }
  }
  return Flushed::all;
}

// Under conn.m: forgets the output (a large buffer is given back) and returns what its
// completion was to do.
std::optional<Conn::Completion> clear_output(Conn& conn) {
  constexpr std::size_t kKeptCapacity = 64 * 1024;
  if (conn.out.capacity() > kKeptCapacity) {
    std::string().swap(conn.out);
  } else {
    conn.out.clear();
  }
  conn.out_off = 0;
  conn.body.reset();
  conn.body_off = 0;
  conn.queued = 0;
  std::optional<Conn::Completion> done = std::move(conn.done);
  conn.done.reset();
  return done;
}

// Under conn->m while !conn->closed: writes what the socket takes. When everything went, a
// response's completion runs: the connection closes (close_after) or a worker goes on with the
// next request (pump; never on this thread, which may be a reactor or the writer, and a write
// that completed at once must not recurse into the next request's send). When the socket is
// full the rest waits for the SocketWriter. A failed write closes the connection.
void write_out(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn) {
  Flushed f = flush(*conn);
  if (f == Flushed::blocked) {
    conn->queued = pending(*conn);
    if (!conn->registered) {  // known by its id before the writer can wake for it
      std::lock_guard lock(shared->writing_m);
      shared->writing[conn->id] = conn;
    }
    if (shared->writer->arm(conn->fd, conn->id, conn->registered)) return;
    f = Flushed::failed;
  }
  std::optional<Conn::Completion> done = clear_output(*conn);
  if (f == Flushed::failed || (done && done->close_after)) {
    ::shutdown(conn->fd, SHUT_RDWR);  // the client reads what it was sent, then EOF
  } else if (done) {
    shared->pool->post([shared, conn] { pump(shared, conn); });
  }
  if (done && done->token) done->token->release();
}

// Under conn.m: adds bytes behind the output not yet written (a 100 Continue at most).
void append_output(Conn& conn, std::string bytes) {
  if (conn.body && conn.body_off < conn.body->size()) {
    // Not expected (one response at a time, an interim one before it), but order is kept.
    conn.out.append(*conn.body, conn.body_off);
    conn.body.reset();
    conn.body_off = 0;
  }
  if (conn.out_off == conn.out.size()) {
    conn.out = std::move(bytes);
    conn.out_off = 0;
  } else {
    conn.out.erase(0, conn.out_off);
    conn.out_off = 0;
    conn.out += bytes;
  }
}

// Writes the response on the connection. Only the thread that owns the connection's output
// (Conn::busy) calls this, and never with conn->m held, so responses leave in request order.
// The ownership stays taken until the bytes are written to the socket; then a worker goes on
// with the next request (pump), unless the connection closes. A client that does not read
// therefore stops the server from taking its next request: one response per connection is
// held, at most. Written under conn->m and only while the connection is open, so the bytes
// can only reach this connection's client. close_after: shut the socket down once written
// (the client reads the whole response, then EOF).
void send(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn, Outgoing out,
          bool close_after, std::shared_ptr<InflightToken> token) {
  std::lock_guard lock(conn->m);
  if (conn->closed) return;  // the token counts down when dropped
  append_output(*conn, std::move(out.bytes));
  conn->body = std::move(out.body);
  conn->body_off = 0;
  conn->done = Conn::Completion{close_after, std::move(token)};
  conn->queued = pending(*conn);
  shared->note_queued(conn->queued);
  conn->progress_at = Clock::now();
  write_out(shared, conn);
}

// An interim response (100 Continue): written as send() writes, with nothing to complete.
void send_interim(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn,
                  std::string bytes) {
  std::lock_guard lock(conn->m);
  if (conn->closed) return;
  append_output(*conn, std::move(bytes));
  conn->queued = pending(*conn);
  conn->progress_at = Clock::now();
  write_out(shared, conn);
}

// On the SocketWriter's thread: the socket of connection `id` can take more (or failed).
void resume_output(const std::shared_ptr<Shared>& shared, std::uint64_t id) {
  auto conn = shared->writing_conn(id);
  if (!conn) return;  // gone: its registration was removed with it
  std::lock_guard lock(conn->m);
  if (conn->closed || pending(*conn) == 0) return;  // a late wake-up
  write_out(shared, conn);
}

std::optional<Method> to_method(std::string_view m) {
  if (m == "GET") return Method::get;
  if (m == "HEAD") return Method::head;
  if (m == "POST") return Method::post;
  if (m == "PUT") return Method::put;
  if (m == "PATCH") return Method::patch;
  if (m == "DELETE") return Method::del;
  if (m == "OPTIONS") return Method::options;
  return std::nullopt;
}

Response simple_problem(int status, std::string title, std::string detail) {
  return problem_response(Problem{status, std::move(title), std::move(detail), "about:blank", {}});
}

// Builds the Request of one complete framed request, and answers what the server answers
// itself: 503 while draining, 501 unknown methods, 400 bad targets, CORS preflights, /health.
Parsed parse(const Shared& shared, const Conn& conn, const wire::Head& head,
             std::string_view bytes) {
  Parsed p;
  p.started = Clock::now();
  p.keep_alive = head.keep_alive;
  p.http10 = head.minor_version == 0;
  Request& req = p.request;
  req.remote = conn.remote;
  req.public_url = shared.options.public_url;
  req.local = shared.options.host + ":" + std::to_string(shared.port.load());
  for (const auto& [name, value] : head.headers) {
    auto [it, inserted] = req.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  req.body = std::string(bytes.substr(head.head_bytes, head.content_length));
  auto target = wire::parse_target(head.target);
  if (target) {
    req.path = std::move(target->path);
    req.query = std::move(target->query);
  } else {
    req.path = head.target;
  }
  auto method = to_method(head.method);
  req.method = method.value_or(Method::get);

  if (shared.stopping()) {
    p.keep_alive = false;
    Response r = simple_problem(503, "Service Unavailable", "the server is shutting down");
    r.header("Retry-After", "5");
    p.answer = std::move(r);
  } else if (!method) {
    p.answer =
        simple_problem(501, "Not Implemented", "method " + head.method + " is not implemented");
    p.answer->header("Allow", join_methods());
  } else if (!target) {
    p.answer = simple_problem(400, "Bad Request", "malformed request target");
  } else if (req.method == Method::options && !shared.options.cors_origin.empty() &&
             req.header("origin") && req.header("access-control-request-method")) {
    Response r;
    r.status = 204;
    r.content_type.clear();
    r.header("Access-Control-Allow-Methods", join_methods());
    r.header("Access-Control-Allow-Headers",
             "Authorization, Content-Type, Accept, Accept-Crs, If-Match, If-None-Match");
    r.header("Access-Control-Max-Age", "86400");
    p.answer = std::move(r);
  } else if (req.path == "/health" && (req.method == Method::get || req.method == Method::head)) {
    Response r;
    r.body = R"({"status":"ok"})";
    r.header("Cache-Control", "no-store");
    p.answer = std::move(r);
  } else if (req.path == "/health") {
    // The router has no /health route: answer its other methods as the router answers a
    // route's (OPTIONS 204, else 405), never 404 for a path the API document lists.
    Response r =
        req.method == Method::options
            ? Response{}
            : simple_problem(405, "Method Not Allowed",
                             std::string(to_string(req.method)) +
                                 " is not allowed on /health; allowed: GET, HEAD, OPTIONS");
    if (req.method == Method::options) {
      r.status = 204;
      r.content_type.clear();
    }
    r.header("Allow", "GET, HEAD, OPTIONS");
    p.answer = std::move(r);
  }
  return p;
}

// A worker runs the router for one request, sends the response, then goes on with the
// connection's next request (it still owns the connection's output).
void run_handler(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn,
                 std::shared_ptr<Parsed> parsed, std::shared_ptr<InflightToken> token) {
  Outgoing out;
  try {
    Response r = shared->router->dispatch(parsed->request);
    out = finish(*shared, parsed->request, std::move(r), parsed->keep_alive, parsed->http10);
  } catch (const std::exception& e) {  // finishing failed (zlib, memory): still answer
    log_line({{"level", "error"}, {"msg", "response failed"}, {"error", e.what()}});
    out = finish(*shared, parsed->request,
                 simple_problem(500, "Internal Server Error", "the response could not be built"),
                 parsed->keep_alive, parsed->http10);
  }
  bool gone = false;
  {
    std::lock_guard lock(conn->m);
    gone = conn->closed;
    if (!gone && !parsed->keep_alive) {
      conn->closing = true;
      conn->buf.clear();
    }
  }
  // Logged either way: what the handler did (a stored write) is in the log even when the
  // client went away before its answer.
  access_log(*shared, conn->remote, to_string(parsed->request.method), parsed->request.path,
             out.status, out.body_bytes, parsed->started, gone);
  if (gone) return;  // the token counts down
  send(shared, conn, std::move(out), !parsed->keep_alive, std::move(token));
}

// Under conn.m, when the input ran out: what the connection waits for now. Its timeout clock
// (sweep) starts unless the same was awaited already (another byte of the same head).
void await_input(Conn& conn, const wire::Framing& f) {
  Conn::Wait wait = Conn::Wait::idle;
  if (!conn.buf.empty()) wait = f.head.head_bytes > 0 ? Conn::Wait::body : Conn::Wait::head;
  if (wait != conn.wait) {
    conn.wait = wait;
    conn.wait_since = Clock::now();
  }
}

// Called by the owner of the connection's output (conn->busy set): takes the next requests
// from the buffer one at a time, answers rejections and the server's own answers in order,
// hands a routed request to the worker pool (which then owns the output), and gives the
// ownership up under the same lock that found the buffer empty or incomplete.
void pump(const std::shared_ptr<Shared>& shared, const std::shared_ptr<Conn>& conn) {
  for (;;) {
    wire::Framing f;
    std::shared_ptr<Parsed> parsed;
    bool send_continue = false;
    {
      std::lock_guard lock(conn->m);
      if (conn->closing || conn->closed) return;  // output stays owned: nothing more is sent
      // RFC 9112 2.2: ignore empty lines before a request line.
      std::size_t skip = 0;
      while (skip < conn->buf.size() && (conn->buf[skip] == '\r' || conn->buf[skip] == '\n')) {
        ++skip;
      }
      conn->buf.erase(0, skip);
      if (!conn->buf.empty()) f = wire::frame(conn->buf, shared->options.max_body_bytes);
      if (conn->buf.empty() || f.state == wire::Framing::State::incomplete) {
        send_continue = f.head.head_bytes > 0 && f.head.expect_continue && !conn->continue_sent;
        if (!send_continue) {
          await_input(*conn, f);
          conn->busy = false;  // onInput takes over when more bytes arrive
          return;
        }
        conn->continue_sent = true;
      } else if (f.state == wire::Framing::State::reject) {
        // Nothing after these bytes is ever parsed: the connection closes after the answer.
        conn->closing = true;
        conn->buf.clear();
        conn->wait = Conn::Wait::none;
      } else {
        conn->wait = Conn::Wait::none;
        const std::size_t total =
            f.head.head_bytes + static_cast<std::size_t>(f.head.content_length);
        parsed = std::make_shared<Parsed>(
            parse(*shared, *conn, f.head, std::string_view(conn->buf).substr(0, total)));
        conn->buf.erase(0, total);
        conn->continue_sent = false;
        if (!parsed->keep_alive) {
          conn->closing = true;
          conn->buf.clear();
        }
      }
    }

    if (send_continue) {
      send_interim(shared, conn, "HTTP/1.1 100 Continue\r\n\r\n");
      continue;
    }
    auto token = std::make_shared<InflightToken>(shared);
    if (!parsed) {  // rejected
      Request req;
      Outgoing out =
          finish(*shared, req, simple_problem(f.status, f.title, f.detail), false, false);
      auto target = wire::parse_target(f.head.target);
      access_log(*shared, conn->remote, f.head.method.empty() ? "-" : f.head.method,
                 target ? target->path : "-", out.status, out.body_bytes, Clock::now());
      send(shared, conn, std::move(out), true, std::move(token));
      return;
    }
    if (parsed->answer) {
      const bool keep = parsed->keep_alive;
      Outgoing out =
          finish(*shared, parsed->request, std::move(*parsed->answer), keep, parsed->http10);
      access_log(*shared, conn->remote, f.head.method, parsed->request.path, out.status,
                 out.body_bytes, parsed->started);
      send(shared, conn, std::move(out), !keep, std::move(token));
      return;  // the next request is taken once this answer was written
    }
    shared->pool->post([shared, conn, parsed, token]() mutable {
      run_handler(shared, conn, std::move(parsed), std::move(token));
    });
    return;
  }
}

// What sweep() does to one connection whose clock ran out.
enum class Expiry { none, request_timeout, close };

// Under conn.m: whether the connection's wait has lasted too long. A response being written
// counts as idle while its client reads nothing (acknowledges no more of it).
Expiry expiry(const ServerOptions& o, Conn& conn, int fd, Clock::time_point now) {
  if (conn.closed) return Expiry::none;
  if (conn.queued > 0) {
    const auto acked = bytes_acked(fd);
    if (!acked) return Expiry::none;
    if (*acked != conn.acked) {
      conn.acked = *acked;
      conn.progress_at = now;
      return Expiry::none;
    }
    return now - conn.progress_at > o.idle_timeout ? Expiry::close : Expiry::none;
  }
  if (conn.busy || conn.closing) return Expiry::none;  // a handler at work, or closing anyway
  const auto waited = now - conn.wait_since;
  switch (conn.wait) {
    case Conn::Wait::idle:
      return waited > o.idle_timeout ? Expiry::close : Expiry::none;
    case Conn::Wait::head:
      return waited > o.header_timeout ? Expiry::request_timeout : Expiry::none;
    case Conn::Wait::body:
      return waited > o.body_timeout ? Expiry::request_timeout : Expiry::none;
    case Conn::Wait::none:
      break;
  }
  return Expiry::none;
}

// Enforces the header, body and idle timeouts on every connection that sent a byte (called
// by the supervisor four times a second). A request not received in time is answered 408 and
// the connection closed once the answer is written; an idle connection is shut down silently.
void sweep(const std::shared_ptr<Shared>& shared) {
  std::vector<std::shared_ptr<Conn>> live;
  {
    std::lock_guard lock(shared->conns_m);
    std::vector<std::weak_ptr<Conn>> kept;
    for (const auto& w : shared->conns) {
      if (auto conn = w.lock()) {
        live.push_back(std::move(conn));
        kept.push_back(w);
      }
    }
    shared->conns.swap(kept);
  }
  const auto now = Clock::now();
  for (const auto& conn : live) {
    Conn::Wait waited = Conn::Wait::none;
    {
      std::lock_guard lock(conn->m);
      const Expiry e = expiry(shared->options, *conn, conn->fd, now);
      if (e == Expiry::none) continue;
      waited = conn->wait;
      conn->closing = true;
      conn->buf.clear();
      if (e == Expiry::close) {
        // Not closed yet (checked under conn->m): the fd is still this connection's.
        ::shutdown(conn->fd, SHUT_RDWR);
        if (conn->queued > 0) {
          log_line({{"level", "warning"},
                    {"msg", "connection closed: the client read nothing of its response"},
                    {"remote", conn->remote}});
        }
        continue;
      }
      conn->busy = true;  // this thread now owns the output: the 408 is the last answer
    }
    const bool head = waited == Conn::Wait::head;
    Outgoing out = finish(*shared, Request{},
                          simple_problem(408, "Request Timeout",
                                         head ? "the request line and headers did not arrive "
                                                "within the header timeout"
                                              : "the request body did not arrive within the "
                                                "body timeout"),
                          false, false);
    access_log(*shared, conn->remote, "-", "-", out.status, out.body_bytes, now);
    send(shared, conn, std::move(out), true, std::make_shared<InflightToken>(shared));
  }
}

class HttpHandler final : public P::Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  explicit HttpHandler(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  // Never called: onInput below never hands a request to Pistache's request path.
  void onRequest(const P::Http::Request& /*request*/, P::Http::ResponseWriter /*writer*/) override {
  }

  // Pistache calls this before it closes the fd (Transport::handlePeerDisconnection, then
  // removePeer), so once `closed` is set under conn->m no thread writes to that number again.
  // Pistache also closes, without calling this, a peer its own timeouts expire; those are only
  // peers that never sent a byte (no Conn, nothing ever written): every connection with a Conn
  // is marked idle for Pistache, whose keep-alive timeout is set beyond reach (start()).
  void onDisconnection(const std::shared_ptr<P::Tcp::Peer>& peer) override {
    if (auto conn = std::static_pointer_cast<Conn>(peer->tryGetData(std::string(kConnData)))) {
      std::optional<Conn::Completion> dropped;  // its token counts down when destroyed
      {
        std::lock_guard lock(conn->m);
        if (conn->counted) --shared_->connections;  // once, however often Pistache calls this
        conn->counted = false;
        conn->closed = true;
        conn->buf.clear();
        // Out of the writer's set before the number can be given to a new connection.
        shared_->writer->remove(conn->fd, conn->registered);
        dropped = clear_output(*conn);
      }
      std::lock_guard lock(shared_->writing_m);
      shared_->writing.erase(conn->id);
    }
  }

 private:
  // Replaces Pistache's Http::Handler::onInput (a private virtual meant to be overridden).
  void onInput(const char* buffer, size_t len, const std::shared_ptr<P::Tcp::Peer>& peer) override {
    auto conn = std::static_pointer_cast<Conn>(peer->tryGetData(std::string(kConnData)));
    if (!conn) {
      conn = std::make_shared<Conn>();
      conn->fd = peer->fd();
      conn->id = shared_->next_id++;
      conn->remote = peer->address().host();
      // The first request's header timeout counts from the accept (when Pistache made the
      // parser), not from the first byte: a connection cannot wait silently, then dribble.
      conn->wait = Conn::Wait::head;
      conn->wait_since = P::Http::Handler::getParser(peer)->time();
      peer->putData(std::string(kConnData), conn);
      // Never timed by Pistache from here on (it would close the fd without onDisconnection).
      peer->setIdle(true);
      shared_->add(conn);
      // Counted from its first bytes (Pistache's own onConnection, which makes its parser, is
      // private and cannot be extended); a silent connection ends at the header timeout.
      if (over_capacity(*conn, peer)) return;
    }
    bool run = false;
    {
      std::lock_guard lock(conn->m);
      if (conn->closing || conn->closed) return;  // after a rejection: never parsed
      if (conn->buf.size() + len > max_buffered()) {
        // Pipelining far ahead of a slow handler: refuse to buffer without bound.
        conn->closing = true;
        conn->buf.clear();
        ::shutdown(peer->fd(), SHUT_RDWR);  // on the reactor thread: the fd is this peer's
        log_line({{"level", "warning"},
                  {"msg", "connection closed: too much pipelined input"},
                  {"remote", conn->remote}});
        return;
      }
      // From its first byte on, the connection is timed by sweep(), never by Pistache.
      peer->setIdle(true);
      conn->buf.append(buffer, len);
      run = !conn->busy;
      conn->busy = true;  // this thread owns the connection's output until pump gives it up
    }
    if (run) pump(shared_, conn);
  }

  // Connections beyond max_connections: a 503 written directly (a fresh socket's send buffer
  // takes it whole; on the reactor thread the fd is this peer's) and shut down, never parsed.
  bool over_capacity(Conn& conn, const std::shared_ptr<P::Tcp::Peer>& peer) {
    std::size_t open = 0;
    {
      std::lock_guard lock(conn.m);
      conn.counted = true;
      open = ++shared_->connections;
    }
    const std::size_t cap = shared_->options.max_connections;
    if (cap == 0 || open <= cap) return false;
    {
      // A refused connection holds no slot, even before Pistache notices that it closed.
      std::lock_guard lock(conn.m);
      conn.counted = false;
      --shared_->connections;
    }
    static const std::string kFull =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
        "Retry-After: 5\r\nConnection: close\r\nContent-Length: 97\r\n\r\n"
        R"({"type":"about:blank","title":"Service Unavailable","status":503,)"
        R"("detail":"too many connections"})";
    const ssize_t sent =
        ::send(peer->fd(), kFull.data(), kFull.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    static_cast<void>(sent);
    ::shutdown(peer->fd(), SHUT_RDWR);
    std::lock_guard lock(conn.m);
    conn.closing = true;
    log_line({{"level", "warning"},
              {"msg", "connection refused: too many connections"},
              {"remote", conn.remote},
              {"max_connections", cap}});
    return true;
  }

  // One complete request at the limit, and as much again pipelined behind it.
  std::size_t max_buffered() const {
    return 2 * (shared_->options.max_body_bytes + wire::kMaxHeadBytes);
  }

  std::shared_ptr<Shared> shared_;
};

void on_stop_signal(int /*sig*/) {
  const int saved = errno;
  g_signal_stop.store(true);  // lock-free: new requests are refused from this instant
  const int fd = g_signal_fd.load();
  if (fd >= 0) {
    const char c = 's';
    ssize_t n = ::write(fd, &c, 1);
    static_cast<void>(n);
  }
  errno = saved;
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  std::unique_ptr<WorkerPool> pool;
  // Declared before the endpoint, so it outlives Pistache's threads (onDisconnection uses it).
  std::unique_ptr<SocketWriter> writer;
  std::unique_ptr<P::Http::Endpoint> endpoint;
  std::thread supervisor;
  int wake[2] = {-1, -1};
  std::uint16_t port = 0;

  std::mutex m;
  std::condition_variable cv;
  bool started = false;
  bool finished = false;

  void supervise() {
    for (;;) {
      pollfd pfd{wake[0], POLLIN, 0};
      int rc = ::poll(&pfd, 1, 250);
      if (rc > 0) break;
      if (rc < 0 && errno != EINTR) break;
      if (rc == 0) sweep(shared);
    }
    shared->draining = true;
    const auto deadline = Clock::now() + shared->options.drain_timeout;
    {
      std::unique_lock lock(shared->m);
      shared->cv.wait_until(lock, deadline, [this] { return shared->inflight == 0; });
      if (shared->inflight != 0) {
        log_line({{"level", "warning"},
                  {"msg", "drain timeout: closing with requests in flight"},
                  {"inflight", shared->inflight}});
      }
    }
    endpoint->shutdown();
    pool->stop();
    writer->stop();  // what is still unwritten after the drain is dropped with its connection
    {
      std::lock_guard lock(m);
      finished = true;
    }
    cv.notify_all();
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>()) {
  if (!router) throw std::invalid_argument("Server: no router");
  impl_->shared->options = std::move(options);
  impl_->shared->router = std::move(router);
  if (::pipe2(impl_->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error("Server: pipe2 failed");
  }
}

Server::~Server() {
  if (impl_->started) {
    stop();
    wait();
  }
  int expected = impl_->wake[1];
  g_signal_fd.compare_exchange_strong(expected, -1);
  impl_->endpoint.reset();  // joins Pistache's threads
  for (int fd : impl_->wake) {
    if (fd >= 0) ::close(fd);
  }
}

std::uint16_t Server::port() const { return impl_->port; }

namespace {

// Every connection is a file descriptor: with the usual soft limit of 1024 (systemd's default),
// max_connections clients and the store's files would not fit. The soft limit is raised to the
// hard one when it is short of max_connections plus room for the store, logs and Pistache's
// own descriptors (64).
void raise_open_file_limit(std::size_t max_connections) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t wanted = max_connections == 0 ? rl.rlim_max : max_connections + 64;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted) {
    log_line({{"level", "warning"},
              {"msg", "open file limit below max_connections + 64"},
              {"limit", static_cast<std::size_t>(rl.rlim_cur)},
              {"max_connections", max_connections}});
  }
}

}  // namespace

void Server::start() {
  std::lock_guard lock(impl_->m);
  if (impl_->started) throw std::logic_error("Server::start called twice");
  const ServerOptions& o = impl_->shared->options;
  raise_open_file_limit(o.max_connections);
  unsigned threads = o.threads != 0 ? o.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;

  impl_->pool = std::make_unique<WorkerPool>(threads);
  impl_->shared->pool = impl_->pool.get();
  impl_->writer = std::make_unique<SocketWriter>(
      [shared = impl_->shared](std::uint64_t id) { resume_output(shared, id); });
  impl_->shared->writer = impl_->writer.get();
  impl_->writer->start();
  try {
    impl_->endpoint = std::make_unique<P::Http::Endpoint>(P::Address(o.host, P::Port(o.port)));
    auto opts = P::Http::Endpoint::options()
                    .threads(static_cast<int>(threads))
                    .flags(P::Tcp::Options::ReuseAddr | P::Tcp::Options::NoDelay)
                    .maxRequestSize(wire::kMaxHeadBytes)
                    // Pistache times only connections that never sent a byte (see the top).
                    .headerTimeout(o.header_timeout)
                    .bodyTimeout(o.header_timeout)
                    .keepaliveTimeout(std::chrono::hours(24 * 365 * 10));
    impl_->endpoint->init(opts);
    impl_->endpoint->setHandler(P::Http::make_handler<HttpHandler>(impl_->shared));
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    impl_->pool->stop();
    impl_->endpoint.reset();
    impl_->writer->stop();
    throw std::runtime_error("cannot serve on " + o.host + ":" + std::to_string(o.port) + ": " +
                             e.what());
  }
  impl_->port = static_cast<std::uint16_t>(impl_->endpoint->getPort());
  impl_->shared->port = impl_->port;
  impl_->started = true;
  impl_->supervisor = std::thread([impl = impl_.get()] { impl->supervise(); });
}

void Server::wait() {
  std::unique_lock lock(impl_->m);
  if (!impl_->started) return;
  impl_->cv.wait(lock, [this] { return impl_->finished; });
  if (impl_->supervisor.joinable()) impl_->supervisor.join();
}

void Server::stop() {
  impl_->shared->draining = true;
  const char c = 's';
  ssize_t n = ::write(impl_->wake[1], &c, 1);
  static_cast<void>(n);
}

std::size_t Server::peak_connection_queued_bytes() const {
  return impl_->shared->peak_queued.load();
}

void Server::install_signal_handlers() {
  g_signal_stop.store(false);
  impl_->shared->signals.store(true);
  g_signal_fd.store(impl_->wake[1]);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
}

}  // namespace rootzone::http
