#pragma once
// POST /collections/works/preview: the conflicts a work would have, nothing stored
// (docs/works.md "Preview").
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"

namespace rootzone::api {

void add_preview_route(Router& router, Service& service);

}  // namespace rootzone::api
