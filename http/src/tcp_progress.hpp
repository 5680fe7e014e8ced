#pragma once
// How far a client has read what the server wrote to it: the basis of the idle timeout of a
// response (server.cpp sweep()). In its own file: <linux/tcp.h>, which has the field, clashes
// with <netinet/tcp.h>, which Pistache's headers may bring in.
#include <cstdint>
#include <optional>

namespace rootzone::http {

// The bytes of this TCP socket's output the peer has acknowledged so far (TCP_INFO's
// tcpi_bytes_acked, Linux 4.1+); nullopt when the kernel cannot tell.
std::optional<std::uint64_t> bytes_acked(int fd);

}  // namespace rootzone::http
