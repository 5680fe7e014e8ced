// Scaffolding: filled in by the tile route group's owner.
#include "routes.hpp"

namespace rootzone::api {

void add_tile_routes(Router&, Service&) {}
void describe_tile_routes(nlohmann::json&, const Service&) {}

}  // namespace rootzone::api
