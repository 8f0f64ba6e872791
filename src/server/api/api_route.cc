#include "server/api/api_route.h"

#include <utility>

#include "core/enums.h"
#include "core/user.h"

namespace aliquot::server::api {

Result<void> authorize(const ApiRoute& route, const http::Principal& principal) {
  if (!route.permission) return ok();
  ALIQUOT_ASSIGN_OR_RETURN(const core::Role role, core::parse_role(principal.role));
  core::User user;
  user.username = principal.username;
  user.role = role;
  user.active = true;  // the authentication hook refuses inactive users
  return lab::check_permission(user, *route.permission);
}

Result<void> register_routes(http::Router& router, const ApiRoutes& routes) {
  for (const ApiRoute& route : routes) {
    http::Handler guarded = [route](const http::Request& request) -> http::Response {
      if (route.access == http::Access::kAuthenticated) {
        if (!request.user) {
          return http::json_error(401, "authentication required", "unauthenticated");
        }
        if (Result<void> allowed = authorize(route, *request.user); !allowed) {
          return http::error_response(allowed.error());
        }
      }
      return route.handler(request);
    };
    ALIQUOT_RETURN_IF_ERROR(
        router.add(route.method, route.pattern, std::move(guarded), route.access));
  }
  return ok();
}

}  // namespace aliquot::server::api
