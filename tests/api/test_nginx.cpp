// Production setup (issue 5 item 8): real nginx (Debian package) in front of a real
// `rootzone serve`, configured with deploy/nginx/rootzone.conf itself. The site file is copied
// with three replacements only (upstream address, listen address, access-log path) into a main
// configuration whose pid, temp and log paths lie in a temp dir, and nginx runs as a
// non-daemon child, so the test needs no privileges and never touches /etc or /var.
// Each case proves one promise of that file through nginx, on raw sockets.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

extern char** environ;

using namespace rootzone;
using nlohmann::json;
using test::HttpClient;
using test::HttpResponse;

namespace {

const std::string kSource = ROOTZONE_SOURCE_DIR;
const std::string kSiteFile = kSource + "/deploy/nginx/rootzone.conf";
const std::string kPublicHost = "baumkataster.mainz.example";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A child process with stdout and stderr appended to one file; SIGTERM and reaped when done.
class Child {
 public:
  Child(std::vector<std::string> args, const std::filesystem::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// 30 trees on a 6 x 5 grid, 50 m apart, near Mainz cathedral (EPSG:25832): store ids 1..30.
void make_store(const std::string& db) {
  auto store = storage::Store::create(db);
  for (int i = 0; i < 30; ++i) {
    geo::Tree t;
    t.source_id = "MZ-" + std::to_string(100 + i);
    t.location = {448000.0 + (i % 6) * 50.0, 5538000.0 + (i / 6) * 50.0};
    t.species_botanical = "Tilia cordata";
    t.stem_circumferences_cm = {90.0};
    t.crown_diameter_m = 6;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    store.trees().insert(t);
  }
}

bool accepts(int port) {
  try {
    HttpClient probe(port);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Replaces the one line of `text` that starts (after indentation) with `prefix`; the test fails
// when the shipped file no longer has it, so test and file cannot drift apart silently.
std::string replace_line(const std::string& text, const std::string& prefix,
                         const std::string& replacement) {
  std::istringstream in(text);
  std::string out, line;
  int found = 0;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) {
      if (found++ == 0) out += replacement + "\n";
      continue;  // a second match (e.g. "listen [::]:80") is dropped
    }
    out += line + "\n";
  }
  if (found == 0) throw std::runtime_error(kSiteFile + ": no line starting with '" + prefix + "'");
  return out;
}

// rootzone serve on a free port with its access log in a file, nginx in front of it.
class Stack {
 public:
  // serve_args: more options of `rootzone serve` ("--trusted-proxy", "127.0.0.1").
  explicit Stack(std::vector<std::string> serve_args = {})
      : location_(dir_, "city.sqlite"),
        db_(location_.location()),
        serve_args_(std::move(serve_args)) {
    make_store(db_);
    start_rootzone();
    start_nginx();
  }

  const std::string& db() const { return db_; }
  int port() const { return nginx_port_; }
  int rootzone_port() const { return rootzone_port_; }
  void stop_rootzone() { rootzone_->stop(); }

  // The JSON lines of nginx's access log; waits until at least `n` are there (nginx writes a
  // line after the response left, so a client can read the answer before the line exists).
  std::vector<json> nginx_log(std::size_t n) const { return lines(dir_ / "access.log", n, false); }
  // rootzone's stderr: its access log lines (JSON objects with "path") and nothing else.
  std::vector<json> rootzone_log(std::size_t n) const {
    return lines(dir_ / "rootzone.log", n, true);
  }

 private:
  void start_rootzone() {
    std::vector<std::string> args{ROOTZONE_BINARY, "serve", "--db",      db_,
                                  "--port",        "0",     "--threads", "2"};
    args.insert(args.end(), serve_args_.begin(), serve_args_.end());
    rootzone_ = std::make_unique<Child>(args, dir_ / "rootzone.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto text = slurp(dir_ / "rootzone.log");
      const auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos && text.find('/', at + 17) != std::string::npos) {
        rootzone_port_ = std::stoi(text.substr(at + 17));
        return;
      }
      if (!rootzone_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("rootzone serve did not start: " + slurp(dir_ / "rootzone.log"));
  }

  void start_nginx() {
    std::string site = slurp(kSiteFile);
    REQUIRE(!site.empty());
    site = replace_line(site, "server 127.0.0.1:8080;",
                        "  server 127.0.0.1:" + std::to_string(rootzone_port_) + ";");
    site = replace_line(site, "access_log ",
                        "  access_log " + (dir_ / "access.log").string() + " rootzone_json;");
    // A port found free may be taken before nginx binds it: then try another.
    for (int attempt = 0; attempt < 5; ++attempt) {
      nginx_port_ = free_port();
      std::ofstream(dir_ / "site.conf") << replace_line(
          site, "listen ", "  listen 127.0.0.1:" + std::to_string(nginx_port_) + ";");
      const auto d = dir_.path().string();
      std::ofstream(dir_ / "nginx.conf")
          << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
          // As root, nginx's worker would become nobody, who cannot enter the 0700 temp dir.
          << (::geteuid() == 0 ? "user root;\n" : "") << "pid " << d << "/nginx.pid;\n"
          << "error_log " << d << "/error.log notice;\n"
          << "events { worker_connections 256; }\n"
          << "http {\n"
          << "  client_body_temp_path " << d << "/body;\n  proxy_temp_path " << d << "/proxy;\n"
          << "  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d << "/uwsgi;\n"
          << "  scgi_temp_path " << d << "/scgi;\n"
          << "  default_type application/octet-stream;\n"
          << "  include " << d << "/site.conf;\n}\n";
      nginx_ = std::make_unique<Child>(
          // Debian puts nginx in /usr/sbin, which is not on an ordinary user's PATH.
          std::vector<std::string>{
              std::filesystem::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", "-p", d,
              "-c", d + "/nginx.conf", "-e", d + "/error.log"},
          dir_ / "nginx.out");
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline && nginx_->running()) {
        if (accepts(nginx_port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      nginx_->stop();
      if (slurp(dir_ / "error.log").find("Address already in use") == std::string::npos) break;
    }
    throw std::runtime_error("nginx did not start: " + slurp(dir_ / "nginx.out") +
                             slurp(dir_ / "error.log"));
  }

  static std::vector<json> lines(const std::filesystem::path& file, std::size_t n,
                                 bool only_requests) {
    std::vector<json> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
      out.clear();
      // Complete lines only: the writer may be in the middle of the last one.
      const auto text = slurp(file);
      std::istringstream in(text.substr(0, text.rfind('\n') + 1));
      std::string line;
      while (std::getline(in, line)) {
        if (line.empty() || line.front() != '{') continue;  // rootzone's "serving ..." line
        auto j = json::parse(line);
        if (!only_requests || j.contains("path")) out.push_back(std::move(j));
      }
      if (out.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return out;
  }

  test::TempDir dir_;
  test::TestStore location_;
  std::string db_;
  std::vector<std::string> serve_args_;
  std::unique_ptr<Child> rootzone_;
  std::unique_ptr<Child> nginx_;
  int rootzone_port_ = 0;
  int nginx_port_ = 0;
};

// The TCP connections that have a local or remote end on `port` (any state, TIME_WAIT too),
// named by their other end's port: /proc/net/tcp lists both ends of a loopback connection.
std::set<int> connections_to(int port) {
  std::set<int> peers;
  std::istringstream in(slurp("/proc/net/tcp"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote;
    fields >> slot >> local >> remote;
    const int lport = std::stoi(local.substr(local.find(':') + 1), nullptr, 16);
    const int rport = std::stoi(remote.substr(remote.find(':') + 1), nullptr, 16);
    if (rport == 0) continue;  // a listening socket
    if (lport == port) peers.insert(rport);
    if (rport == port) peers.insert(lport);
  }
  return peers;
}

std::string gunzip(const std::string& in) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char chunk[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
  }
  inflateEnd(&z);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_CASE("nginx keeps the client connection and one upstream connection for many requests",
          "[api][nginx]") {
  Stack stack;
  const auto before = connections_to(stack.rootzone_port());
  HttpClient client(stack.port());
  // No Connection header: HTTP/1.1's default keep-alive, on both hops.
  for (int i = 1; i <= 20; ++i) {
    const auto r = client.get("/collections/trees/items/" + std::to_string(i));
    REQUIRE(r.status == 200);
    CHECK(r.header("connection") == "keep-alive");  // nginx says so; it never says close
  }
  const auto log = stack.nginx_log(20);
  REQUIRE(log.size() == 20);
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i].at("connection") == log[0].at("connection"));
    CHECK(log[i].at("connection_requests") == i + 1);
    CHECK(log[i].at("upstream_status") == "200");
  }
  // Every request went to rootzone over one connection: nginx's upstream keepalive with
  // Connection: keep-alive, below rootzone's idle timeout.
  std::set<int> opened;
  for (int p : connections_to(stack.rootzone_port())) {
    if (!before.count(p)) opened.insert(p);
  }
  CHECK(opened.size() == 1);
  CHECK(stack.rootzone_log(20).size() == 20);
}

TEST_CASE("through nginx, items and links carry the public base URL, not a client's forgery",
          "[api][nginx]") {
  Stack stack;
  HttpClient client(stack.port());
  // A client's own X-Forwarded-* are replaced by nginx's: links follow the Host it asked for.
  const std::string forged =
      "Host: " + kPublicHost + "\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n";
  const std::string base = "http://" + kPublicHost;
  const auto send = [&](const std::string& target) {
    if (!client.send("GET " + target + " HTTP/1.1\r\n" + forged + "\r\n")) FAIL("send failed");
    const auto r = client.read_response();
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  };

  const auto page = send("/collections/trees/items?limit=5");
  CHECK(page.at("numberMatched") == 30);
  CHECK(page.at("numberReturned") == 5);
  std::map<std::string, std::string> links;
  for (const auto& l : page.at("links")) links[l.at("rel")] = l.at("href");
  CHECK(links.at("self") == base + "/collections/trees/items?limit=5");
  CHECK(links.at("collection") == base + "/collections/trees");
  CHECK(links.at("next") == base + "/collections/trees/items?limit=5&cursor=5");

  // The next link works through nginx as given (path and query, after the public base).
  const auto next = send(links.at("next").substr(base.size()));
  CHECK(next.at("features").at(0).at("id") == 6);

  const auto one = send("/collections/trees/items/7");
  CHECK(one.at("links").at(0).at("href") == base + "/collections/trees/items/7");
  for (const auto& l : send("/").at("links")) {
    CHECK(l.at("href").get<std::string>().rfind(base + "/", 0) == 0);
  }
}

TEST_CASE("through nginx, 10 pipelined requests give 10 answers in order", "[api][nginx]") {
  Stack stack;
  HttpClient client(stack.port());
  std::string burst;
  for (int id = 1; id <= 10; ++id) {
    burst += "GET /collections/trees/items/" + std::to_string(id) +
             " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
  REQUIRE(client.send(burst));  // one write: nginx reads them all from one buffer
  for (int id = 1; id <= 10; ++id) {
    const auto r = client.read_response();
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body).at("id") == id);
    CHECK(r.header("etag").find("tree-" + std::to_string(id) + "-") != std::string::npos);
  }
  const auto log = stack.nginx_log(10);
  REQUIRE(log.size() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(log[i].at("uri") == "/collections/trees/items/" + std::to_string(i + 1));
    CHECK(log[i].at("connection") == log[0].at("connection"));
  }
}

TEST_CASE("nginx refuses an oversized body with 413 and never routes a request smuggled after it",
          "[api][nginx]") {
  Stack stack;
  {
    HttpClient client(stack.port());
    // 1,030,000 bytes: above nginx's 1000 KiB (1,024,000) but below rootzone's 1 MiB
    // (1,048,576), so only nginx can have refused it.
    const std::size_t declared = 1030000;
    std::string request =
        "POST /collections/trees/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/geo+json\r\nContent-Length: " +
        std::to_string(declared) + "\r\n\r\n" + std::string(declared, 'x') +
        "GET /collections/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    client.send(request);  // nginx may close before reading it all: the answer is what counts
    const auto r = client.read_response();
    CHECK(r.status == 413);
    CHECK(r.header("content-type") == "application/problem+json");
    const auto problem = json::parse(r.body);
    CHECK(problem.at("status") == 413);
    CHECK(problem.at("title") == "Payload Too Large");
    CHECK(r.header("connection") == "close");
    CHECK(client.closed_by_server());
  }
  // The connection after it is served as usual.
  HttpClient next(stack.port());
  CHECK(next.get("/health").status == 200);

  const auto log = stack.nginx_log(2);
  REQUIRE(log.size() == 2);
  CHECK(log[0].at("method") == "POST");
  CHECK(log[0].at("status") == 413);
  CHECK(log[0].at("upstream_status") == "");  // never sent to rootzone
  CHECK(log[1].at("uri") == "/health");
  const auto rz = stack.rootzone_log(1);
  REQUIRE(rz.size() == 1);
  CHECK(rz[0].at("path") == "/health");  // neither the POST nor the smuggled GET arrived
}

TEST_CASE(
    "through nginx, rootzone's gzip arrives intact and JSON access log lines name the request",
    "[api][nginx]") {
  Stack stack;
  HttpClient client(stack.port());
  const auto zipped = client.get("/collections/trees/items?limit=30", "Accept-Encoding: gzip\r\n");
  REQUIRE(zipped.status == 200);
  CHECK(zipped.header("content-encoding") == "gzip");  // compressed once, by rootzone
  CHECK(zipped.header("vary").find("Accept-Encoding") != std::string::npos);
  CHECK(zipped.header("content-type") == "application/geo+json");
  const auto page = json::parse(gunzip(zipped.body));
  CHECK(page.at("numberReturned") == 30);

  const auto plain = client.get("/collections/trees/items?limit=30");
  CHECK_FALSE(plain.has("content-encoding"));
  CHECK(json::parse(plain.body).at("features").size() == 30);

  const auto log = stack.nginx_log(2);
  REQUIRE(log.size() == 2);
  CHECK(log[0].at("remote") == "127.0.0.1");
  CHECK(log[0].at("method") == "GET");
  CHECK(log[0].at("uri") == "/collections/trees/items?limit=30");
  CHECK(log[0].at("status") == 200);
  CHECK(log[0].at("upstream_status") == "200");
  CHECK(log[0].at("bytes") == zipped.body.size());
  CHECK(log[1].at("bytes") == plain.body.size());
  CHECK(log[0].at("request_time").is_number());

  // rootzone's own line for the same request: its remote is nginx.
  const auto rz = stack.rootzone_log(2);
  REQUIRE(rz.size() == 2);
  CHECK(rz[0].at("method") == "GET");
  CHECK(rz[0].at("path") == "/collections/trees/items");
  CHECK(rz[0].at("status") == 200);
  CHECK(rz[0].at("remote") == "127.0.0.1");
  CHECK(rz[0].at("bytes") == zipped.body.size());
}

TEST_CASE("nginx answers 503 problem+json with Retry-After while rootzone is down",
          "[api][nginx]") {
  Stack stack;
  stack.stop_rootzone();
  HttpClient client(stack.port());
  const auto r = client.get("/collections/trees/items");
  CHECK(r.status == 503);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.header("retry-after") == "5");
  CHECK(json::parse(r.body).at("title") == "Service Unavailable");
  const auto log = stack.nginx_log(1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].at("upstream_status") == "502");
}

// deploy/README.md: behind nginx every request reaches rootzone from 127.0.0.1; with
// --trusted-proxy 127.0.0.1 the per-address write limit counts the address nginx saw, which it
// sends as X-Forwarded-For $remote_addr (a client's own X-Forwarded-For is replaced). Clients
// connect from 127.0.0.2 and 127.0.0.3 (Linux reaches 127.0.0.1 from any of 127/8).
TEST_CASE("through nginx with --trusted-proxy 127.0.0.1, each client has its own write limit",
          "[api][nginx][write-limit]") {
  Stack stack({"--trusted-proxy", "127.0.0.1", "--write-rate-per-address", "0.5",
               "--write-burst-per-address", "2"});
  const auto added =
      test::run_rootzone({"users", "add", "nx-field", "--role", "field_staff", "--db", stack.db()});
  REQUIRE(added.exit_code == 0);
  const auto at = added.out.find("rz_");
  REQUIRE(at != std::string::npos);
  const auto key = added.out.substr(at, added.out.find_first_of(" \n", at) - at);
  const auto post = [&](HttpClient& c, const std::string& source_id, const std::string& extra) {
    const auto body =
        json{{"type", "Feature"},
             {"geometry", {{"type", "Point"}, {"coordinates", {448010.0, 5538010.0}}}},
             {"properties", {{"source_id", source_id}}}}
            .dump();
    c.send("POST /collections/trees/items HTTP/1.1\r\nHost: " + kPublicHost +
           "\r\nAuthorization: Bearer " + key +
           "\r\nContent-Type: application/geo+json\r\n"
           "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body);
    return c.read_response();
  };
  HttpClient first(stack.port(), "127.0.0.2");
  CHECK(post(first, "NX-1", "").status == 201);
  // A client's own X-Forwarded-For does not make it someone else: nginx sends its address.
  CHECK(post(first, "NX-2", "X-Forwarded-For: 198.51.100.7\r\n").status == 201);
  const auto refused = post(first, "NX-3", "X-Forwarded-For: 198.51.100.8\r\n");
  REQUIRE(refused.status == 429);
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(refused.header("retry-after") == "2");  // 1 token / 0.5 per s, within the first second
  CHECK(json::parse(refused.body).at("detail") ==
        "writes from 127.0.0.2: at most 0.5 per second per address (2 at once); retry in 2 s");
  // Another client behind the same nginx is not touched.
  HttpClient second(stack.port(), "127.0.0.3");
  CHECK(post(second, "NX-4", "").status == 201);
  CHECK(storage::Store::open(stack.db()).trees().count() == 30 + 3);
  const auto log = stack.nginx_log(4);
  REQUIRE(log.size() == 4);
  CHECK(log[2].at("remote") == "127.0.0.2");
  CHECK(log[2].at("status") == 429);
  CHECK(log[3].at("remote") == "127.0.0.3");
}
