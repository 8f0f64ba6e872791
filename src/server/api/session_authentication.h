#pragma once

// How the API recognises a person: the session cookie set at log-in (lab/authentication.h keeps
// the sessions), and for every request that changes something, the CSRF token of that session
// in a header (OWASP CSRF Prevention Cheat Sheet, "Synchronizer Token Pattern"). A cookie is
// sent by the browser with any request to the server, also one a hostile page makes it send;
// the token is known only to pages of this server, which read it from the log-in answer.

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "server/http/message.h"
#include "server/http/router.h"
#include "store/store.h"

namespace aliquot::server::api {

inline constexpr std::string_view kSessionCookie = "aliquot_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The session token in the request's Cookie header(s); nothing when there is none.
std::optional<std::string> session_token(const http::Request& request);

// Set-Cookie values that open and clear the session cookie. HttpOnly keeps it from scripts;
// SameSite=Strict keeps other sites' pages from sending it (RFC 6265bis section 8.8);
// Max-Age is the session's absolute lifetime. `secure` adds Secure (RFC 6265 section 4.1.2.5):
// the browser sends the cookie over HTTPS only, for a server behind a TLS-terminating proxy.
std::string session_cookie(std::string_view token, bool secure);
std::string cleared_session_cookie(bool secure);

// Whether the method changes something, so that it needs the CSRF token (RFC 9110 section
// 9.2.1: GET, HEAD and OPTIONS are safe).
bool needs_csrf_token(http::Method method);

// The API's authentication hook: the session of the cookie, checked with
// lab::authenticate_without_writing in a read transaction and, when something must be written
// (last seen, an expiry), with lab::authenticate in a write transaction committed whatever the
// outcome. Then, for a change, the X-CSRF-Token header must equal the session's token
// (PermissionDenied otherwise). Thread-safe.
http::Authenticate session_authenticate(store::Store& store, const core::Clock& clock);

}  // namespace aliquot::server::api
