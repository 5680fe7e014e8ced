// Tree editing against a real `rootzone serve` on a loopback port: two clients on their own
// connections PATCH the same tree with the same ETag at once, and a body over the server's
// limit is refused on its headers. Each client is a raw socket: the bytes go out as written.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/run.hpp"
#include "support/server_process.hpp"
#include "test_tree_edit_fixture.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

class Connection {
 public:
  explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{10, 0};  // a server that never answers fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends as much as the server takes (it may close early: a 413 on the headers).
  void send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
  }

  // One response framed by its Content-Length.
  Reply receive() {
    std::string buf;
    char chunk[8192];
    std::size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("no response: " + buf);
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    Reply r;
    r.head = buf.substr(0, head_end);
    r.status = std::stoi(r.head.substr(9, 3));
    std::string lower = r.head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\r\ncontent-length:");
    const std::size_t length = at == std::string::npos ? 0 : std::stoul(lower.substr(at + 17));
    r.body = buf.substr(head_end + 4);
    while (r.body.size() < length) {
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("truncated response");
      r.body.append(chunk, static_cast<std::size_t>(n));
    }
    return r;
  }

 private:
  int fd_;
};

std::string request(const std::string& method, const std::string& path, const std::string& key,
                    const std::string& body, const std::string& extra = "") {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: " +
         (method == "PATCH" ? "application/merge-patch+json" : "application/geo+json") +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

}  // namespace

TEST_CASE("rootzone serve: two clients PATCH one tree with the same ETag, one wins",
          "[api][trees][locking][server]") {
  test::TreeCity city;
  test::ServerProcess server(city.db);
  const std::string species[2] = {"Quercus petraea", "Quercus rubra"};
  const std::string keys[2] = {city.keys.at("field_staff"), city.keys.at("admin")};
  // Several rounds: each starts both clients at once on connections opened beforehand.
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    const auto version = storage::Store::open(city.db).trees().get(city.tree).version;
    std::latch start(2);
    Reply replies[2];
    std::thread clients[2];
    for (int i = 0; i < 2; ++i) {
      clients[i] = std::thread([&, i] {
        Connection c(server.port());
        const auto bytes = request(
            "PATCH", test::item_path(city.tree), keys[i],
            json(
                {{"properties", {{"species_botanical", species[i] + " " + std::to_string(round)}}}})
                .dump(),
            "If-Match: " + test::tree_etag(city.tree, version) + "\r\n");
        start.arrive_and_wait();
        c.send(bytes);
        replies[i] = c.receive();
      });
    }
    for (auto& t : clients) t.join();
    REQUIRE(std::multiset<int>{replies[0].status, replies[1].status} ==
            std::multiset<int>{200, 412});
    const int winner = replies[0].status == 200 ? 0 : 1;
    auto store = storage::Store::open(city.db);
    const auto t = store.trees().get(city.tree);
    CHECK(t.version == version + 1);
    CHECK(t.species_botanical == species[winner] + " " + std::to_string(round));
    const auto h = store.trees().history(city.tree);
    REQUIRE(h.size() == static_cast<std::size_t>(round + 1));
    CHECK(h.back().new_value == species[winner] + " " + std::to_string(round));
    CHECK(h.back().user == (winner == 0 ? "Anna Feld" : "Ada Admin"));
    CHECK_THAT(replies[1 - winner].head, Catch::Contains(test::tree_etag(city.tree, version + 1)));
  }
}

TEST_CASE("rootzone serve: a tree body over the limit is a 413 and changes nothing",
          "[api][trees][input][server]") {
  test::TreeCity city;
  test::ServerProcess server(city.db);  // --max-body defaults to 1 MiB
  const auto before = test::counts(city.db);
  const std::string big =
      json({{"type", "Feature"},
            {"geometry", {{"type", "Point"}, {"coordinates", {8.2745, 49.9921}}}},
            {"properties", {{"source_id", "MZ-BIG"}, {"site", std::string(1100000, 'a')}}}})
          .dump();
  Connection c(server.port());
  c.send(request("POST", "/collections/trees/items", city.keys.at("field_staff"), big));
  const auto r = c.receive();
  CHECK(r.status == 413);
  CHECK_THAT(r.head, Catch::Contains("application/problem+json"));
  CHECK(test::counts(city.db) == before);
  // The same tree with a short site is taken: the limit, not the tree, refused it.
  Connection ok(server.port());
  ok.send(request("POST", "/collections/trees/items", city.keys.at("field_staff"),
                  json({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {8.2745, 49.9921}}}},
                        {"properties", {{"source_id", "MZ-BIG"}}}})
                      .dump()));
  CHECK(ok.receive().status == 201);
}
