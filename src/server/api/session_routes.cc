// POST /api/session (log in), GET /api/session (who am I), DELETE /api/session (log out).

#include <memory>
#include <string>
#include <utility>

#include "core/enums.h"
#include "lab/authentication.h"
#include "server/api/handler_support.h"
#include "server/api/login_rate_limit.h"
#include "server/api/routes.h"
#include "server/api/session_authentication.h"

namespace aliquot::server::api {
namespace {

nlohmann::json user_json(const core::User& user) {
  return {{"username", user.username},
          {"display_name", user.display_name},
          {"role", std::string(core::to_code(user.role))}};
}

http::Response log_in(const ApiContext& api, LoginRateLimit& limit, const http::Request& request) {
  if (const auto wait = limit.attempt(address_of(request.peer), LoginRateLimit::Clock::now())) {
    http::Response refused =
        http::json_error(429,
                         "too many log-in attempts from this address; try again in " +
                             std::to_string(wait->count()) + " s",
                         "rate_limited");
    refused.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    return refused;
  }
  Result<nlohmann::json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  Result<std::string> username = required_string(*body, "username");
  if (!username) return http::error_response(username.error());
  Result<std::string> password = required_string(*body, "password");
  if (!password) return http::error_response(password.error());

  Result<std::unique_ptr<store::Transaction>> tx = api.store.begin(store::TransactionMode::kWrite);
  if (!tx) return http::error_response(tx.error());
  Result<lab::LoginGrant> grant =
      lab::log_in(**tx, api.clock, *username, *password, address_of(request.peer));
  // A refused log-in's count and lockout are kept (lab/authentication.h).
  if (grant.has_value() || grant.error().code() == ErrorCode::kUnauthenticated) {
    if (Result<void> committed = (*tx)->commit(); !committed) {
      return http::error_response(committed.error());
    }
  }
  if (!grant) return http::error_response(grant.error());
  http::Response response = http::json_response(
      201, nlohmann::json{{"user", user_json(grant->user)},
                          {"csrf_token", grant->csrf_token},
                          {"idle_expires_at", core::format_instant(grant->idle_expires_at)},
                          {"ends_at", core::format_instant(grant->ends_at)}}
               .dump());
  response.headers.emplace_back("Set-Cookie", session_cookie(grant->token, api.secure_cookie));
  return response;
}

http::Response who_am_i(const ApiContext& api, const http::Request& request) {
  const std::optional<std::string> token = session_token(request);
  Result<std::unique_ptr<store::Transaction>> tx = api.store.begin(store::TransactionMode::kRead);
  if (!tx) return http::error_response(tx.error());
  Result<std::optional<core::UserSession>> session =
      (*tx)->find_session(lab::session_id_of(token.value_or("")));
  if (!session) return http::error_response(session.error());
  Result<std::optional<core::User>> user = (*tx)->find_user(request.user->username);
  if (!user) return http::error_response(user.error());
  if (!*session || !*user) {
    return http::json_error(401, "authentication required: log in", "unauthenticated");
  }
  const core::Instant idle_end =
      std::min((*session)->last_seen_at + lab::kSessionIdleTimeout, (*session)->ends_at);
  return http::json_response(200,
                             nlohmann::json{{"user", user_json(**user)},
                                            {"csrf_token", (*session)->csrf_token},
                                            {"idle_expires_at", core::format_instant(idle_end)},
                                            {"ends_at", core::format_instant((*session)->ends_at)}}
                                 .dump());
}

http::Response log_out(const ApiContext& api, const http::Request& request) {
  const std::optional<std::string> token = session_token(request);
  Result<std::unique_ptr<store::Transaction>> tx = api.store.begin(store::TransactionMode::kWrite);
  if (!tx) return http::error_response(tx.error());
  if (Result<void> ended = lab::log_out(**tx, api.clock, token.value_or("")); !ended) {
    return http::error_response(ended.error());
  }
  if (Result<void> committed = (*tx)->commit(); !committed) {
    return http::error_response(committed.error());
  }
  http::Response response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", cleared_session_cookie(api.secure_cookie));
  return response;
}

}  // namespace

ApiRoutes session_routes(const ApiContext& api) {
  auto limit = std::make_shared<LoginRateLimit>();
  return {
      {http::Method::kPost, "/api/session", std::nullopt,
       [&api, limit](const http::Request& request) { return log_in(api, *limit, request); },
       "log in: opens a session and sets its cookie", http::Access::kPublic},
      {http::Method::kGet, "/api/session", std::nullopt,
       [&api](const http::Request& request) { return who_am_i(api, request); },
       "the signed-in user, the session's CSRF token and its expiry"},
      {http::Method::kDelete, "/api/session", std::nullopt,
       [&api](const http::Request& request) { return log_out(api, request); },
       "log out: ends the session and clears its cookie"},
  };
}

}  // namespace aliquot::server::api
