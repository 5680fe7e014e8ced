#pragma once
// The HTTP layer's types as the routes use them. rootzone::http knows no domain; api adapts
// the use cases to it, so its names are api's vocabulary too.
#include "rootzone/http/http.hpp"

namespace rootzone::api {

using http::Handler;
using http::Method;
using http::Problem;
using http::problem_response;
using http::Request;
using http::Response;
using http::Router;
using http::Server;
using http::ServerOptions;

}  // namespace rootzone::api
