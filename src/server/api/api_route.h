#pragma once

// The JSON API's routes as a table: method, pattern, the lab permission a route needs, and its
// handler. Authorization is checked here, for every route, before the handler runs: a signed-in
// user whose role lacks the route's permission gets 403 and the handler is never called, so a
// handler cannot forget it (ARCHITECTURE decision 9). The use cases check again inside the
// transaction, against the user as stored then.
//
// The table is also what the role-by-route test (tests/server/api_authorization_test.cc) walks:
// every route tried with every role.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "lab/permissions.h"
#include "server/http/message.h"
#include "server/http/router.h"

namespace aliquot::server::api {

struct ApiRoute {
  http::Method method = http::Method::kGet;
  std::string pattern;  // "/api/specimens/{accession}/receive"
  // The permission the user's role must grant; nullopt: any signed-in user (reads of
  // configuration, one's own session, or use cases that decide finer, such as setting one's own
  // password).
  std::optional<lab::Action> permission;
  http::Handler handler;
  std::string summary;  // one line: "receive a specimen in the lab"
  http::Access access = http::Access::kAuthenticated;
};

using ApiRoutes = std::vector<ApiRoute>;

// Whether `principal`'s role may use `route`: PermissionDenied naming the user, the role and
// what the route does ("user 'c1' (clerk) may not release results"); InvalidArgument for a role
// code this build does not know.
Result<void> authorize(const ApiRoute& route, const http::Principal& principal);

// Adds every route of `routes` to `router`, each wrapped so that authorize() runs first.
Result<void> register_routes(http::Router& router, const ApiRoutes& routes);

}  // namespace aliquot::server::api
