// The write limits in the OpenAPI document: every write operation (POST, PUT, PATCH, DELETE)
// can answer 429 with Retry-After while a limit is on (write_limit.hpp).
#include "openapi_parts.hpp"
#include "routes.hpp"

namespace rootzone::api {

void describe_write_limits(nlohmann::json& paths, const Service& service) {
  const auto& o = service.options();
  if (!(o.write_rate > 0) && !(o.write_rate_per_address > 0)) return;
  const auto answer = openapi::problem(
      "Too many writes: this API key's limit (serve --write-rate, --write-burst) or its client "
      "address's (--write-rate-per-address, --write-burst-per-address) has no token left; "
      "nothing was done (Retry-After: whole seconds to wait)");
  for (auto& [path, item] : paths.items()) {
    for (auto& [method, operation] : item.items()) {
      const bool write =
          method == "post" || method == "put" || method == "patch" || method == "delete";
      // The preview has its own limit and says so already.
      if (write && !operation["responses"].contains("429")) operation["responses"]["429"] = answer;
    }
  }
}

}  // namespace rootzone::api
