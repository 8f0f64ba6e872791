// Passwords, log-in and sessions (lab/authentication.h).

#include "lab/authentication.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "core/credentials.h"
#include "lab/permissions.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

Error unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}

Result<void> initialize_sodium() {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  return ok();
}

// Unicode code points of UTF-8 text: every byte but the continuation bytes 10xxxxxx. NIST SP
// 800-63B 5.1.1.2 counts each code point as one character.
std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

// The refusals name what is wrong with the password, never the password.
Result<void> check_password(std::string_view username, std::string_view password) {
  if (password.size() > kMaximumPasswordBytes) {
    return invalid_argument("the password is too long: at most " +
                            std::to_string(kMaximumPasswordBytes) + " bytes are accepted");
  }
  const std::size_t length = code_points(password);
  if (length < kMinimumPasswordLength) {
    return invalid_argument("the password is too short: " + std::to_string(length) +
                            " characters, at least " + std::to_string(kMinimumPasswordLength) +
                            " are needed");
  }
  if (lower_ascii(password) == lower_ascii(username)) {
    return invalid_argument("the password may not be the user name");
  }
  return ok();
}

// Argon2id with libsodium's INTERACTIVE limits (crypto_pwhash_OPSLIMIT_INTERACTIVE, 2 passes;
// crypto_pwhash_MEMLIMIT_INTERACTIVE, 64 MiB), which libsodium's documentation ("Password
// hashing", crypto_pwhash_str) recommends for interactive, online operations such as a log-in.
// The result is a self-describing string holding the algorithm, its limits and a random salt.
Result<std::string> hash_password(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> hashed{};
  if (crypto_pwhash_str(hashed.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return internal_error("hashing the password failed: out of memory");
  }
  return std::string(hashed.data());
}

bool password_matches(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash of a password nobody knows, verified against when the user name is unknown, so that
// an unknown user costs the same time as a known one and the delay does not tell them apart.
Result<std::string> decoy_hash() {
  static const Result<std::string> decoy = [] {
    std::array<unsigned char, 32> secret{};
    randombytes_buf(secret.data(), secret.size());
    return hash_password(
        std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
  }();
  return decoy;
}

// 32 random bytes as base64url without padding (43 characters): 256 bits, well over the 64 bits
// of entropy the OWASP Session Management Cheat Sheet asks of a session id.
std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<char, sodium_base64_ENCODED_LEN(32, kVariant)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
  return std::string(text.data());
}

std::string iso(core::Instant at) { return core::format_instant(at); }

// The audit image of an authentication event: never a password, hash or token.
std::string event_image(const nlohmann::json& fields) { return fields.dump(); }

Result<void> record_event(store::Transaction& tx, const std::string& actor, core::Instant at,
                          std::string action, const std::string& username,
                          const nlohmann::json& after, std::string reason = "") {
  audit::Change change;
  change.action = std::move(action);
  change.entity_type = "user";
  change.entity_key = username;
  change.after = event_image(after);
  change.reason = std::move(reason);
  return record_change(tx, actor, at, change);
}

// Who a refused log-in is recorded as: the user name as typed when it is one (it may name no
// user), "(malformed)" otherwise: a password typed into the user name field by mistake must not
// reach the audit trail.
std::string attempted_name(std::string_view username) {
  const std::string name(username);
  return validate_username(name).has_value() ? name : "(malformed)";
}

// Records a failed log-in of a known user: counts it, locks the account at the limit.
Result<void> count_failure(store::Transaction& tx, core::Credentials credentials, core::Instant now,
                           std::string_view peer) {
  ++credentials.failed_logins;
  ALIQUOT_RETURN_IF_ERROR(
      record_event(tx, credentials.username, now, "user.login_failed", credentials.username,
                   {{"peer", std::string(peer)}, {"failed_logins", credentials.failed_logins}},
                   "wrong password"));
  if (credentials.failed_logins >= kMaximumFailedLogins) {
    credentials.locked_until = now + kLockoutDuration;
    credentials.failed_logins = 0;
    ALIQUOT_RETURN_IF_ERROR(record_event(
        tx, credentials.username, now, "user.locked", credentials.username,
        {{"peer", std::string(peer)}, {"locked_until", iso(*credentials.locked_until)}},
        std::to_string(kMaximumFailedLogins) + " consecutive failed log-ins"));
  }
  return tx.set_credentials(credentials);
}

// Ends `session` at `now` for `reason` and returns the refusal `message`.
Result<Authenticated> end_and_refuse(store::Transaction& tx, core::UserSession session,
                                     core::Instant now, std::string reason,
                                     const std::string& message) {
  session.ended_at = now;
  session.end_reason = std::move(reason);
  ALIQUOT_RETURN_IF_ERROR(tx.update_session(session));
  return unauthenticated(message);
}

}  // namespace

std::string session_id_of(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

Result<void> set_password(store::Transaction& tx, const Context& ctx, std::string_view username,
                          std::string_view password) {
  ALIQUOT_RETURN_IF_ERROR(initialize_sodium());
  const std::string& actor_name = ctx.actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> actor, tx.find_user(actor_name));
  if (!actor) {
    return permission_denied("user '" + actor_name +
                             "' is not a user of this lab and may not set passwords");
  }
  if (!actor->active) return permission_denied("user '" + actor_name + "' is inactive");
  const std::string target(username);
  if (target != actor->username && !role_permits(actor->role, Action::kAddUser)) {
    return permission_denied("user '" + actor_name + "' (" +
                             std::string(core::to_code(actor->role)) +
                             ") may set only their own password, not that of '" + target + "'");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(target));
  if (!user) return not_found("user '" + target + "' does not exist");
  ALIQUOT_RETURN_IF_ERROR(check_password(target, password));

  const core::Instant now = ctx.clock.now();
  core::Credentials credentials;
  credentials.username = target;
  ALIQUOT_ASSIGN_OR_RETURN(credentials.password_hash, hash_password(password));
  credentials.password_set_at = now;
  ALIQUOT_RETURN_IF_ERROR(tx.set_credentials(credentials));
  // OWASP Session Management Cheat Sheet ("Renew the Session ID After Any Privilege Level
  // Change"): a new password ends the sessions opened with the old one.
  ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t ended,
                           tx.end_sessions_of_user(target, now, "password"));
  return record_event(tx, actor->username, now, "user.password_set", target,
                      {{"password_set_at", iso(now)}, {"sessions_ended", ended}});
}

Result<LoginGrant> log_in(store::Transaction& tx, const core::Clock& clock,
                          std::string_view username, std::string_view password,
                          std::string_view peer) {
  ALIQUOT_RETURN_IF_ERROR(initialize_sodium());
  const core::Instant now = clock.now();
  const std::string name(username);
  std::optional<core::User> user;
  if (!name.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(user, tx.find_user(name));
  }
  std::optional<core::Credentials> credentials;
  if (user) {
    ALIQUOT_ASSIGN_OR_RETURN(credentials, tx.get_credentials(name));
  }
  if (!user || !credentials) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::string decoy, decoy_hash());
    (void)password_matches(decoy, password);
    const std::string attempted = attempted_name(username);
    ALIQUOT_RETURN_IF_ERROR(record_event(tx, attempted, now, "user.login_failed", attempted,
                                         {{"peer", std::string(peer)}},
                                         user ? "no password set" : "unknown user name"));
    return unauthenticated(kLoginRefused);
  }
  // A locked account is refused without looking at the password, so that guessing goes no
  // further while it is locked.
  if (credentials->locked_until && now < *credentials->locked_until) {
    ALIQUOT_RETURN_IF_ERROR(record_event(tx, name, now, "user.login_failed", name,
                                         {{"peer", std::string(peer)}},
                                         "locked until " + iso(*credentials->locked_until)));
    return unauthenticated(kLoginRefused);
  }
  if (!password_matches(credentials->password_hash, password)) {
    ALIQUOT_RETURN_IF_ERROR(count_failure(tx, *credentials, now, peer));
    return unauthenticated(kLoginRefused);
  }
  if (!user->active) {
    ALIQUOT_RETURN_IF_ERROR(record_event(tx, name, now, "user.login_failed", name,
                                         {{"peer", std::string(peer)}}, "inactive"));
    return unauthenticated(kLoginRefused);
  }
  if (credentials->failed_logins != 0 || credentials->locked_until) {
    credentials->failed_logins = 0;
    credentials->locked_until.reset();
    ALIQUOT_RETURN_IF_ERROR(tx.set_credentials(*credentials));
  }

  LoginGrant grant;
  grant.user = *user;
  grant.token = random_token();
  grant.csrf_token = random_token();
  core::UserSession session;
  session.id = session_id_of(grant.token);
  session.username = name;
  session.csrf_token = grant.csrf_token;
  session.created_at = now;
  session.last_seen_at = now;
  session.ends_at = now + kSessionLifetime;
  ALIQUOT_RETURN_IF_ERROR(tx.insert_session(session));
  grant.idle_expires_at = std::min(now + kSessionIdleTimeout, session.ends_at);
  grant.ends_at = session.ends_at;
  ALIQUOT_RETURN_IF_ERROR(
      record_event(tx, name, now, "user.login", name,
                   {{"peer", std::string(peer)}, {"ends_at", iso(session.ends_at)}}));
  return grant;
}

Result<Authenticated> authenticate(store::Transaction& tx, const core::Clock& clock,
                                   std::string_view token) {
  ALIQUOT_RETURN_IF_ERROR(initialize_sodium());
  if (token.empty()) return unauthenticated("no session token; log in");
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::UserSession> session,
                           tx.find_session(session_id_of(token)));
  if (!session) return unauthenticated("the session token is not valid; log in again");
  if (session->ended_at) {
    return unauthenticated("the session ended at " + iso(*session->ended_at) + " (" +
                           session->end_reason + "); log in again");
  }
  const core::Instant now = clock.now();
  if (now >= session->ends_at) {
    return end_and_refuse(tx, *session, now, "expired",
                          "the session expired at " + iso(session->ends_at) + "; log in again");
  }
  if (now >= session->last_seen_at + kSessionIdleTimeout) {
    return end_and_refuse(tx, *session, now, "idle",
                          "the session ended after " + std::to_string(kSessionIdleTimeout.count()) +
                              " minutes without activity; log in again");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(session->username));
  if (!user || !user->active) {
    return end_and_refuse(tx, *session, now, "inactive",
                          "user '" + session->username + "' is no longer active");
  }
  if (now - session->last_seen_at >= kLastSeenResolution) {
    session->last_seen_at = now;
    ALIQUOT_RETURN_IF_ERROR(tx.update_session(*session));
  }
  return Authenticated{*user, std::move(*session)};
}

Result<std::optional<Authenticated>> authenticate_without_writing(store::Transaction& tx,
                                                                  const core::Clock& clock,
                                                                  std::string_view token) {
  ALIQUOT_RETURN_IF_ERROR(initialize_sodium());
  if (token.empty()) return unauthenticated("no session token; log in");
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::UserSession> session,
                           tx.find_session(session_id_of(token)));
  if (!session) return unauthenticated("the session token is not valid; log in again");
  if (session->ended_at) {
    return unauthenticated("the session ended at " + iso(*session->ended_at) + " (" +
                           session->end_reason + "); log in again");
  }
  const core::Instant now = clock.now();
  if (now >= session->ends_at || now - session->last_seen_at >= kLastSeenResolution) {
    return std::optional<Authenticated>();
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(session->username));
  if (!user || !user->active) return std::optional<Authenticated>();
  return std::optional<Authenticated>(Authenticated{*user, std::move(*session)});
}

Result<void> log_out(store::Transaction& tx, const core::Clock& clock, std::string_view token) {
  ALIQUOT_RETURN_IF_ERROR(initialize_sodium());
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::UserSession> session,
                           tx.find_session(session_id_of(token)));
  if (!session) return unauthenticated("the session token is not valid");
  if (session->ended_at) return ok();
  const core::Instant now = clock.now();
  session->ended_at = now;
  session->end_reason = "logout";
  ALIQUOT_RETURN_IF_ERROR(tx.update_session(*session));
  return record_event(tx, session->username, now, "user.logout", session->username,
                      nlohmann::json::object());
}

}  // namespace aliquot::lab
