// Work submission against a real `rootzone serve` on a loopback port: the whole path a
// contractor's client takes (socket, HTTP layer, body limit, key, router, store).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers as received
  std::string body;
  std::string header(const std::string& name) const {  // name as the server writes it
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    const auto start = at + name.size() + 4;
    return head.substr(start, head.find("\r\n", start) - start);
  }
};

// One request on its own connection (Connection: close), read to EOF. With `headers_only` the
// body is not sent: what a server that refuses on the headers must answer without it.
Reply exchange(int port, const std::string& request, bool headers_only = false) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  const std::string out = headers_only ? request.substr(0, request.find("\r\n\r\n") + 4) : request;
  std::size_t sent = 0;
  while (sent < out.size()) {
    const auto n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[8192];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  Reply r;
  const auto end = in.find("\r\n\r\n");
  if (in.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(in.substr(9, 3));
  r.head = in.substr(0, end + 2);
  r.body = in.substr(end + 4);
  return r;
}

std::string request(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body, const std::string& extra = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  if (!body.empty() || method == "POST") {
    r += "Content-Type: application/geo+json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + extra + "\r\n" + body;
}

}  // namespace

TEST_CASE("rootzone serve: a contractor submits a work and reads it back, 413 stores nothing",
          "[api][works][serve]") {
  test::TempDir dir;
  const test::TestStore store_location(dir, "serve.sqlite");
  const auto db = store_location.location();
  std::string key;
  {
    auto store = storage::Store::create(db);
    geo::Tree t;  // one stem of 120 cm, crown 8 m: R_t = 4.8 m (Mainz ordinance, RAS-LP 4)
    t.source_id = "T-1";
    t.location = {448000, 5538000};
    t.stem_circumferences_cm = {120};
    t.crown_diameter_m = 8;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    store.trees().insert(t);
    geo::User u;
    u.name = "anna";
    u.role = geo::Role::contractor;
    u.organisation = "Stadtwerke Mainz";
    key = core::issue_api_key(store.users(), store.users().add(u)).token;
  }
  test::ServerProcess server(db);

  const json work = {
      {"type", "Feature"},
      {"geometry",
       {{"type", "LineString"}, {"coordinates", {{447990, 5538002.5}, {448010, 5538002.5}}}}},
      {"properties",
       {{"reference", "SW-2027-001"},
        {"title", "Fernwärme"},
        {"kind", "trench"},
        {"width_m", 1.0},
        {"starts_at", "2027-03-01T07:00:00+01:00"},
        {"ends_at", "2027-03-31T17:00:00+02:00"}}}};
  const std::string crs = "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n";
  const auto started = std::chrono::steady_clock::now();
  const auto created =
      exchange(server.port(), request("POST", "/collections/works/items", key, work.dump(), crs));
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(created.status == 201);
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  INFO("submission round trip " << ms << " ms");
  const auto body = json::parse(created.body);
  CHECK(body.at("properties").at("starts_at") == "2027-03-01T06:00:00Z");  // stored as UTC
  CHECK(body.at("conflicts").at("trees").at(0).at("properties").at("severity") == "critical");
  const auto location = created.header("Location");
  REQUIRE(location.rfind("http://127.0.0.1", 0) == 0);
  const auto path = location.substr(location.find('/', 7));

  const auto back = exchange(server.port(), request("GET", path, key, ""));
  REQUIRE(back.status == 200);
  CHECK(back.header("ETag") == created.header("ETag"));
  CHECK(json::parse(back.body).at("properties").at("contact") == "");
  // Conflicts are not public.
  CHECK(exchange(server.port(), request("GET", path + "/conflicts", "", "")).status == 401);
  CHECK(exchange(server.port(), request("GET", path + "/conflicts", key, "")).status == 200);

  // Over the server's 1 MiB limit: refused from the headers, the body never read.
  const std::string huge(2 << 20, ' ');
  const auto refused =
      exchange(server.port(), request("POST", "/collections/works/items", key, huge, crs), true);
  CHECK(refused.status == 413);
  CHECK(server.stop() == 0);
  auto store = storage::Store::open(db);
  CHECK(store.works().count() == 1);
}
