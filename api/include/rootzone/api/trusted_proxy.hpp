#pragma once
// `serve --trusted-proxy`: the peers (nginx in front, deploy/) whose X-Forwarded-For names the
// client a write is counted against (api/src/client_address.hpp).
#include <string>
#include <string_view>

namespace rootzone::api {

// "" when `text` is an IP address ("127.0.0.1", "::1") or a CIDR range ("10.0.0.0/8",
// "fd00::/8"); otherwise why it is not one, said to whoever starts the server.
std::string check_address_range(std::string_view text);

}  // namespace rootzone::api
