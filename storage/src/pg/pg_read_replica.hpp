#pragma once
// A hot standby that takes the reads which grow with the traffic (feature pages, tiles, the
// works overview) off the primary (`serve --db-read`; docs/postgis.md "Read replicas").
//
// A read goes to the standby only once it has replayed every rootzone write the primary had
// committed when the read began (the store's generation): so a client reads its own writes at
// once, and no request that began after any node acknowledged a write gets an older answer.
// That costs one query on the primary and one on the standby per read; a standby further
// behind than max_wait is passed over for that read, which then goes to the primary.
#include <chrono>
#include <cstdint>
#include <string>

#include "pg/connection.hpp"
#include "pg/pg_repositories.hpp"

namespace rootzone::storage {

class PgReadReplica {
 public:
  static constexpr std::chrono::milliseconds max_wait{200};

  // Connects and checks that `location` is a standby (in recovery) holding a rootzone store
  // in `srid`: StorageError otherwise, naming what is wrong.
  PgReadReplica(const std::string& location, int srid);
  PgReadReplica(const PgReadReplica&) = delete;
  PgReadReplica& operator=(const PgReadReplica&) = delete;

  // True when the standby, still in recovery, shows the store generation the primary shows
  // when this is called (or showed it before), waiting for it up to max_wait.
  bool caught_up_with(pg::Connection& primary);

  pg::Connection& connection() { return connection_; }
  PgTreeRepository& trees() { return trees_; }
  PgWorkRepository& works() { return works_; }
  PgConflictRepository& conflicts() { return conflicts_; }

 private:
  // The repositories keep a reference to connection_: a replica never moves.
  pg::Connection connection_;
  PgTreeRepository trees_;
  PgWorkRepository works_;
  PgConflictRepository conflicts_;
  std::int64_t shown_ = -1;  // the newest generation the standby showed in recovery
};

}  // namespace rootzone::storage
