#pragma once
// LISTEN/NOTIFY for change_feed.hpp: the announcing side (pg_notify inside the writer's
// transaction) and the listening connection.
#include <cstdint>
#include <memory>
#include <string>

#include "pg/connection.hpp"
#include "rootzone/storage/change_feed.hpp"

namespace rootzone::storage::pg {

// PostgreSQL refuses a payload of 8000 bytes or more; such an announcement becomes the bare
// {"generation": N}, which the listeners read as "anything may have changed".
std::string bounded_payload(std::string payload, std::int64_t generation);
// SELECT pg_notify(channel, payload): queued by the server until the transaction commits.
void announce(Connection& c, const std::string& payload);

std::unique_ptr<ChangeFeed> open_change_feed(const std::string& location);

}  // namespace rootzone::storage::pg
