#include "pg/pg_change_feed.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "rootzone/storage/errors.hpp"

namespace rootzone::storage::pg {

namespace {

constexpr std::size_t kPayloadLimit = 8000;  // PostgreSQL's NOTIFY payload limit, in bytes

class PgChangeFeed final : public ChangeFeed {
 public:
  explicit PgChangeFeed(const std::string& location) : connection_(location) {
    connection_.exec("SELECT set_config('application_name', $1, false)",
                     {std::string(kFollowerApplicationName) + " " + std::to_string(::getpid())});
    connection_.exec(std::string("LISTEN ") + kChangeChannel);
  }

  std::vector<std::string> wait(std::chrono::milliseconds timeout) override {
    PGconn* conn = connection_.raw();
    std::vector<std::string> out;
    // Notifications libpq read already (with an earlier result) come first, without a wait.
    take(conn, out);
    if (!out.empty()) return out;
    pollfd p{PQsocket(conn), POLLIN, 0};
    if (p.fd < 0) broken("no socket");
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready < 0) {
      if (errno == EINTR) return out;
      broken(std::strerror(errno));
    }
    if (ready == 0) return out;
    if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) {
      broken(PQerrorMessage(conn));
    }
    take(conn, out);
    return out;
  }

 private:
  static void take(PGconn* conn, std::vector<std::string>& out) {
    while (PGnotify* n = PQnotifies(conn)) {
      out.emplace_back(n->extra);
      PQfreemem(n);
    }
  }
  [[noreturn]] void broken(const char* why) const {
    std::string reason = why == nullptr ? "" : why;
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw StorageError(connection_.location() + ": the change feed's connection broke: " + reason);
  }

  Connection connection_;
};

}  // namespace

std::string bounded_payload(std::string payload, std::int64_t generation) {
  if (payload.size() < kPayloadLimit) return payload;
  return "{\"generation\":" + std::to_string(generation) + "}";
}

void announce(Connection& c, const std::string& payload) {
  c.exec("SELECT pg_notify($1, $2)", {kChangeChannel, payload});
}

std::unique_ptr<ChangeFeed> open_change_feed(const std::string& location) {
  return std::make_unique<PgChangeFeed>(location);
}

}  // namespace rootzone::storage::pg
