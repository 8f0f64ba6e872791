#include "server/http/router.h"

#include <algorithm>
#include <exception>
#include <set>

namespace aliquot::server::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Which segments of a pattern are literal (true) or parameters, when `path` fits it.
std::optional<std::vector<bool>> fit(std::string_view pattern, std::string_view path,
                                     std::map<std::string, std::string>* params) {
  const std::vector<std::string_view> want = split_path(pattern);
  const std::vector<std::string_view> have = split_path(path);
  if (want.size() != have.size()) return std::nullopt;
  std::vector<bool> literal(want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    // Split first, then decode: an escaped '/' is part of its segment's value.
    std::optional<std::string> segment = percent_decode(have[i]);
    if (!segment) return std::nullopt;
    if (is_parameter(want[i])) {
      if (segment->empty()) return std::nullopt;
      if (params) {
        (*params)[std::string(want[i].substr(1, want[i].size() - 2))] = std::move(*segment);
      }
    } else if (want[i] != *segment) {
      return std::nullopt;
    } else {
      literal[i] = true;
    }
  }
  return literal;
}

// "/a/{x}/b" -> "/a/{}/b": two patterns with one shape match the same paths.
std::string shape(std::string_view pattern) {
  std::string result;
  for (const std::string_view segment : split_path(pattern)) {
    result += '/';
    result += is_parameter(segment) ? std::string_view("{}") : segment;
  }
  return result;
}

std::string join_methods(const std::vector<Method>& methods) {
  std::string text;
  for (const Method method : methods) {
    if (!text.empty()) text += ", ";
    text += to_string(method);
  }
  return text;
}

}  // namespace

Authenticate no_user() {
  return [](const Request&) -> Result<Principal> {
    return Error(ErrorCode::kUnauthenticated, "authentication required");
  };
}

Response error_response(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return json_error(400, error.message(), "invalid_argument");
    case ErrorCode::kUnauthenticated: return json_error(401, error.message(), "unauthenticated");
    case ErrorCode::kPermissionDenied: return json_error(403, error.message(), "permission_denied");
    case ErrorCode::kNotFound: return json_error(404, error.message(), "not_found");
    case ErrorCode::kAlreadyExists: return json_error(409, error.message(), "already_exists");
    // RFC 9110 section 15.5.10: the request conflicts with the state of the resource (a result
    // already released, a specimen not received, a critical call missing).
    case ErrorCode::kFailedPrecondition:
      return json_error(409, error.message(), "failed_precondition");
    case ErrorCode::kAborted: return json_error(409, error.message(), "aborted");
    case ErrorCode::kUnavailable: return json_error(503, error.message(), "unavailable");
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal: break;
  }
  return json_error(500, "internal error", "internal");
}

Result<void> Router::add(Method method, std::string pattern, Handler handler, Access access) {
  if (pattern.empty() || pattern.front() != '/') {
    return invalid_argument("route " + pattern + ": a pattern starts with '/'");
  }
  std::set<std::string_view> names;
  for (const std::string_view segment : split_path(pattern)) {
    if (is_parameter(segment)) {
      const std::string_view name = segment.substr(1, segment.size() - 2);
      if (name.empty() || name.find_first_of("{}") != std::string_view::npos) {
        return invalid_argument("route " + pattern + ": segment " + std::string(segment) +
                                " needs a name");
      }
      if (!names.insert(name).second) {
        return invalid_argument("route " + pattern + ": segment name " + std::string(name) +
                                " is used twice");
      }
    } else if (segment.find_first_of("{}") != std::string_view::npos) {
      return invalid_argument("route " + pattern + ": a parameter is a whole segment, not " +
                              std::string(segment));
    }
  }
  for (const Route& route : routes_) {
    if (route.method == method && shape(route.pattern) == shape(pattern)) {
      return already_exists("route " + std::string(to_string(method)) + " " + pattern +
                            " overlaps " + route.pattern);
    }
  }
  routes_.push_back(Route{method, std::move(pattern), access, std::move(handler)});
  return ok();
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  std::optional<std::vector<bool>> best;
  std::set<Method> allowed;
  for (const Route& route : routes_) {
    std::optional<std::vector<bool>> literal = fit(route.pattern, path, nullptr);
    if (!literal) continue;
    if (route.method != method) {
      allowed.insert(route.method);
      continue;
    }
    // vector<bool> compares lexicographically: a literal earlier on is more specific.
    if (!best || *literal > *best) {
      best = std::move(literal);
      result.route = &route;
    }
  }
  if (result.route) {
    (void)fit(result.route->pattern, path, &result.params);
  } else {
    result.allowed.assign(allowed.begin(), allowed.end());
  }
  return result;
}

Dispatched Router::dispatch(Request request, const Authenticate& authenticate) const {
  RouteMatch found = match(request.method, request.path);
  if (!found.route) {
    if (found.allowed.empty()) {
      return {json_error(404, "no route for " + request.path, "not_found"), ""};
    }
    Response response = json_error(
        405, std::string(to_string(request.method)) + " is not allowed on " + request.path,
        "method_not_allowed");
    // RFC 9110 section 15.5.6: a 405 lists the methods the resource supports.
    response.headers.emplace_back("Allow", join_methods(found.allowed));
    return {std::move(response), ""};
  }
  const Route& route = *found.route;
  request.path_params = std::move(found.params);
  request.user.reset();
  if (route.access == Access::kAuthenticated) {
    Result<Principal> principal =
        authenticate ? authenticate(request)
                     : Error(ErrorCode::kUnauthenticated, "authentication required");
    if (!principal) return {error_response(principal.error()), route.pattern};
    request.user = std::move(*principal);
  }
  try {
    return {route.handler(request), route.pattern};
  } catch (const std::exception&) {
    // The message may carry internals; the client learns only that the server failed.
    return {json_error(500, "internal error", "internal"), route.pattern};
  }
}

}  // namespace aliquot::server::http
