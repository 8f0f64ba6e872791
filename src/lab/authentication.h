#pragma once

// Passwords, log-in and sessions: the authentication core under `aliquot serve` and
// `aliquot user password`. No HTTP here; the server maps the errors (Unauthenticated -> 401).
//
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str); sessions are bearer tokens of
// 32 random bytes of which the store keeps only the SHA-256. docs/security.md explains the
// numbers below and where they come from.
//
// Transactions: log_in and authenticate write what a refusal found (a failed attempt counted, an
// account locked, an expired session ended, the audit entry) into `tx` before they return the
// refusal. The caller commits `tx` whatever the result when the error is Unauthenticated;
// otherwise the lockout would never take effect.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "core/user.h"
#include "core/user_session.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// NIST SP 800-63B section 5.1.1.2 (memorized secrets): at least 8 characters when chosen by the
// user, length rather than composition rules. A lab system reached from shared workstations asks
// for more, as the guideline allows; 12 is OWASP ASVS 4.0 V2.1.1's minimum.
inline constexpr std::size_t kMinimumPasswordLength = 12;
// SP 800-63B 5.1.1.2 asks verifiers to accept at least 64 characters; the bound only stops a
// request from making the server hash megabytes.
inline constexpr std::size_t kMaximumPasswordBytes = 1024;

// SP 800-63B 5.2.2 (rate limiting): at most 100 consecutive failures per account; we lock far
// sooner, after 5, for 15 minutes, which still lets a person who mistyped try again the same
// hour. A successful log-in resets the count.
inline constexpr int kMaximumFailedLogins = 5;
inline constexpr std::chrono::minutes kLockoutDuration{15};

// OWASP Session Management Cheat Sheet ("Session Expiration"): idle timeouts of 2-5 minutes for
// high-value applications and 15-30 minutes for low-risk ones, and an absolute timeout set by how
// long the application is used in one sitting (4-8 hours for office work). A bench workstation
// is left for minutes at a time while analyzers run, and the workstation's own screen lock covers
// the short absences, so the idle limit is 30 minutes; the absolute limit is one 12-hour shift,
// so that a session never outlives the shift it began in. docs/security.md discusses the choice.
inline constexpr std::chrono::minutes kSessionIdleTimeout{30};
inline constexpr std::chrono::hours kSessionLifetime{12};
// A session's last_seen_at is written at most once per minute: every request of the web UI
// would otherwise write to the database. The idle timeout can thus end a session up to a minute
// early, which is harmless.
inline constexpr std::chrono::minutes kLastSeenResolution{1};

// The one message of every refused log-in, whatever the reason (unknown user, wrong password,
// locked or inactive account), so that nobody can learn from it which user names exist. The
// reason is in the audit trail.
inline constexpr const char* kLoginRefused = "user name or password is wrong";

// Sets `username`'s password. Admins set anyone's, every active user their own. Refuses a
// password shorter than kMinimumPasswordLength characters (Unicode code points), longer than
// kMaximumPasswordBytes bytes, or equal to the user name (InvalidArgument; the message never
// repeats the password). Clears a lockout, ends every open session of the user (reason
// "password"), and records "user.password_set" without the password or its hash.
Result<void> set_password(store::Transaction& tx, const Context& ctx, std::string_view username,
                          std::string_view password);

// What a successful log-in hands to the person: the token exists in clear only here.
struct LoginGrant {
  core::User user;
  std::string token;       // 43 characters, base64url without padding
  std::string csrf_token;  // likewise; to be sent back in a header on every change
  core::Instant idle_expires_at{};
  core::Instant ends_at{};
};

// Checks the password and opens a session. Unauthenticated kLoginRefused for an unknown user, a
// user without a password, a wrong password, a locked account or an inactive user; the 5th
// consecutive failure locks the account for kLockoutDuration. `peer` (the client's address) goes
// into the audit entries "user.login", "user.login_failed" and "user.locked". Commit `tx` also
// on refusal (see the top of this file).
Result<LoginGrant> log_in(store::Transaction& tx, const core::Clock& clock,
                          std::string_view username, std::string_view password,
                          std::string_view peer);

// The session a token stands for, and its user as the store knows them now.
struct Authenticated {
  core::User user;
  core::UserSession session;  // with the CSRF token
};

// Unauthenticated when the token names no session, or an ended one; a session idle for
// kSessionIdleTimeout, past its kSessionLifetime, or whose user is no longer active is ended
// then ("idle", "expired", "inactive") and refused. Otherwise touches last_seen_at (at most once
// per kLastSeenResolution). Commit `tx` also on refusal.
Result<Authenticated> authenticate(store::Transaction& tx, const core::Clock& clock,
                                   std::string_view token);

// authenticate() without writing, for the many requests that need no write: the Authenticated
// when the session is valid and its last_seen_at recent enough that authenticate() would not
// touch it; std::nullopt when authenticate() has something to write (touching last_seen_at,
// ending an expired or idle session, or a user no longer active), so the caller runs it in a
// write transaction; Unauthenticated, as authenticate() says it, for a token that names no
// session or an ended one. Any transaction will do.
Result<std::optional<Authenticated>> authenticate_without_writing(store::Transaction& tx,
                                                                  const core::Clock& clock,
                                                                  std::string_view token);

// Ends the token's session ("logout") with the audit entry "user.logout". Unauthenticated for a
// token that names no session; ending an ended session again does nothing.
Result<void> log_out(store::Transaction& tx, const core::Clock& clock, std::string_view token);

// The lowercase hex SHA-256 of a session token: the id under which its session is stored.
std::string session_id_of(std::string_view token);

}  // namespace aliquot::lab
