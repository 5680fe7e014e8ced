#include "pg/pg_read_replica.hpp"

#include <algorithm>
#include <thread>

#include "pg/pg_queries.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

namespace {

pg::Connection standby(const std::string& location, int srid) {
  pg::Connection c(location);
  if (c.exec("SELECT pg_is_in_recovery()").text(0, 0) != "t") {
    throw StorageError(c.location() +
                       " is not a standby (pg_is_in_recovery() is false): --db-read takes a hot "
                       "standby of the store's database");
  }
  pg::require_rootzone_store(c);
  const auto r = c.exec("SELECT value FROM store_meta WHERE key = 'srid'");
  if (r.rows() == 0 || r.text(0, 0) != std::to_string(srid)) {
    throw StorageError(c.location() + " holds another store than the primary (EPSG:" +
                       (r.rows() == 0 ? std::string("none") : r.text(0, 0)) +
                       ", primary EPSG:" + std::to_string(srid) + ")");
  }
  return c;
}

}  // namespace

PgReadReplica::PgReadReplica(const std::string& location, int srid)
    : connection_(standby(location, srid)),
      trees_(connection_, srid),
      works_(connection_, srid),
      conflicts_(connection_) {}

bool PgReadReplica::caught_up_with(pg::Connection& primary) {
  // The store's generation, not the primary's WAL position: every rootzone write bumps it in
  // its own transaction (data_generation.hpp), so a standby showing it has replayed every
  // acknowledged write, and nothing else is waited for. The WAL position also moves for
  // autovacuum, checkpoints and other applications, and with their commits asynchronous it
  // can rest inside a record for up to wal_writer_delay: fenced on it, 1 % of the reads waited
  // out the 200 ms bound (bench/RESULTS.md, "Read replicas: the fence on the store's
  // generation").
  const auto target =
      primary
          .exec(
              "SELECT coalesce((SELECT value::bigint FROM store_meta WHERE key = 'generation'),"
              " 0)")
          .int64(0, 0);
  // A standby's replay only moves forward: once it showed a generation, it holds every write up
  // to it, and the standby need not be asked again until the primary has a newer one.
  if (target <= shown_) return true;
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  auto pause = std::chrono::microseconds(100);
  for (;;) {
    // Only while in recovery: a promoted standby is a primary of its own, not ours to trust.
    const auto r = connection_.exec(
        "SELECT pg_is_in_recovery(),"
        " coalesce((SELECT value::bigint FROM store_meta WHERE key = 'generation'), 0)");
    if (r.text(0, 0) == "t" && r.int64(0, 1) >= target) {
      shown_ = r.int64(0, 1);
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(5));
  }
}

}  // namespace rootzone::storage
