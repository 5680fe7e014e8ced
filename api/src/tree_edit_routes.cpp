// Scaffolding: filled in by the tree_edit route group's owner.
#include "routes.hpp"

namespace rootzone::api {

void add_tree_edit_routes(Router&, Service&) {}
void describe_tree_edit_routes(nlohmann::json&, const Service&) {}

}  // namespace rootzone::api
