#pragma once

// The API's route table: each route is a method, a path pattern with named segments
// ("/api/specimens/{accession}") and whether it needs an authenticated user. Dispatch matches a
// request to one route, answers 404 (no route for the path) or 405 with Allow (the path exists
// for other methods), asks the authentication hook when the route needs a user (401 without
// one), and calls the handler. Pure: no sockets, so routes and handlers are tested directly.
// Routes are added before the listener starts; afterwards the router is only read, from any
// thread.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "server/http/message.h"

namespace aliquot::server::http {

// Secure by default (ARCHITECTURE decision 9): a route is public only when it says so.
enum class Access { kAuthenticated, kPublic };

using Handler = std::function<Response(const Request&)>;

// Who made the request, from its credentials; or why the request is refused: Unauthenticated
// (401) when it carries no valid credentials, PermissionDenied (403) when the credentials are
// valid but the request may not use them (a change without its CSRF token), Unavailable (503)
// when they cannot be checked now. The error's message is sent. Called on the listener's
// threads; must be thread-safe.
using Authenticate = std::function<Result<Principal>(const Request&)>;

// The hook used until authentication is configured: nobody is ever recognised, so every route
// that needs a user answers 401.
Authenticate no_user();

// The response for an error of the authentication hook or of a handler: the status its code
// stands for (docs/api.md, conventions) and {"error": message, "code": code}. Internal errors
// answer 500 without their message, which may carry internals.
Response error_response(const Error& error);

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // "/api/specimens/{accession}"
  Access access = Access::kAuthenticated;
  Handler handler;
};

struct RouteMatch {
  const Route* route = nullptr;               // null when nothing matched
  std::map<std::string, std::string> params;  // the named segments of `route`
  std::vector<Method> allowed;                // when only the method is wrong: those that fit
};

struct Dispatched {
  Response response;
  std::string route;  // the matched pattern, for metrics; "" when no route matched
};

class Router {
 public:
  // Adds a route. InvalidArgument when the pattern does not start with '/', has an empty or
  // repeated segment name, or a brace that is not a whole segment; AlreadyExists when a route
  // with the same method and the same shape is there.
  Result<void> add(Method method, std::string pattern, Handler handler,
                   Access access = Access::kAuthenticated);

  // All routes in the order added (for listing, and for tests that check every route's access).
  const std::vector<Route>& routes() const { return routes_; }

  // The route for `method` and `path` (percent-encoded; segments are decoded after splitting).
  // When several patterns fit, the one with a literal segment where another has a parameter
  // wins, from the left ("/a/search" before "/a/{id}").
  RouteMatch match(Method method, std::string_view path) const;

  // Answers `request` (its path and query already parsed): 404, 405, 401 or the handler's
  // response; a handler that throws answers 500 and its message is not sent.
  Dispatched dispatch(Request request, const Authenticate& authenticate) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace aliquot::server::http
