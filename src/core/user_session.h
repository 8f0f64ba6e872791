#pragma once

#include <optional>
#include <string>

#include "core/time.h"

namespace aliquot::core {

// A signed-in user's session. The bearer token is never kept: `id` is the lowercase hex SHA-256
// of the token, so that a copy of the database does not let anyone act as the user. The CSRF
// token is kept in clear because the server hands it to the page it protects.
struct UserSession {
  std::string id;  // hex SHA-256 of the session token
  std::string username;
  std::string csrf_token;
  Instant created_at{};
  Instant last_seen_at{};           // idle expiry counts from here
  Instant ends_at{};                // absolute expiry, whatever the activity
  std::optional<Instant> ended_at;  // set once the session is over
  std::string end_reason;           // "logout", "idle", "expired", "inactive", ...; "" while open
};

}  // namespace aliquot::core
