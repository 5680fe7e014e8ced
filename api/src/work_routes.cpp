// Scaffolding: filled in by the work route group's owner.
#include "routes.hpp"

namespace rootzone::api {

void add_work_routes(Router&, Service&) {}
void describe_work_routes(nlohmann::json&, const Service&) {}

}  // namespace rootzone::api
