#include "server/api/session_authentication.h"

#include <sodium.h>

#include <chrono>
#include <memory>
#include <utility>

#include "core/enums.h"
#include "lab/authentication.h"

namespace aliquot::server::api {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_cookie_header(std::string_view name) {
  constexpr std::string_view kCookie = "cookie";
  if (name.size() != kCookie.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c =
        name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
    if (c != kCookie[i]) return false;
  }
  return true;
}

// Constant time, so that the answer's timing tells nothing about how much of a guess was right.
bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

http::Principal principal_of(const core::User& user) {
  return http::Principal{user.username, std::string(core::to_code(user.role))};
}

Result<lab::Authenticated> authenticated_session(store::Store& store, const core::Clock& clock,
                                                 const std::string& token) {
  {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store.begin(store::TransactionMode::kRead));
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<lab::Authenticated> found,
                             lab::authenticate_without_writing(*tx, clock, token));
    if (found) return std::move(*found);
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  Result<lab::Authenticated> checked = lab::authenticate(*tx, clock, token);
  // A refusal's writes (the session ended, its audit entry) are kept: lab/authentication.h.
  if (checked.has_value() || checked.error().code() == ErrorCode::kUnauthenticated) {
    ALIQUOT_RETURN_IF_ERROR(tx->commit());
  }
  return checked;
}

}  // namespace

std::optional<std::string> session_token(const http::Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (!is_cookie_header(name)) continue;
    // RFC 6265 section 4.2.1: cookie-pairs separated by "; ".
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (trim(pair.substr(0, equals)) == kSessionCookie) {
        return std::string(trim(pair.substr(equals + 1)));
      }
    }
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view token, bool secure) {
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(lab::kSessionLifetime);
  return std::string(kSessionCookie) + "=" + std::string(token) + "; Path=/; HttpOnly; " +
         (secure ? "Secure; " : "") +
         "SameSite=Strict; Max-Age=" + std::to_string(lifetime.count());
}

std::string cleared_session_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; " + (secure ? "Secure; " : "") +
         "SameSite=Strict; Max-Age=0";
}

bool needs_csrf_token(http::Method method) {
  return method != http::Method::kGet && method != http::Method::kHead &&
         method != http::Method::kOptions;
}

http::Authenticate session_authenticate(store::Store& store, const core::Clock& clock) {
  return [&store, &clock](const http::Request& request) -> Result<http::Principal> {
    const std::optional<std::string> token = session_token(request);
    if (!token || token->empty()) {
      return Error(ErrorCode::kUnauthenticated, "authentication required: log in");
    }
    ALIQUOT_ASSIGN_OR_RETURN(lab::Authenticated found, authenticated_session(store, clock, *token));
    if (needs_csrf_token(request.method)) {
      const std::optional<std::string> sent = request.header(kCsrfHeader);
      if (!sent || !same_token(*sent, found.session.csrf_token)) {
        return Error(ErrorCode::kPermissionDenied,
                     std::string(to_string(request.method)) + " " + request.path +
                         ": the X-CSRF-Token header is missing or does not match the session");
      }
    }
    return principal_of(found.user);
  };
}

}  // namespace aliquot::server::api
