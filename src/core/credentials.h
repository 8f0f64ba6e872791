#pragma once

#include <optional>
#include <string>

#include "core/time.h"

namespace aliquot::core {

// How a user proves who they are: the password's Argon2id hash (libsodium's crypto_pwhash_str
// format, which carries its own salt and parameters) and the count of failed log-ins that locks
// the account. The password itself is never kept. Owned by the store, keyed by username.
struct Credentials {
  std::string username;
  std::string password_hash;  // "$argon2id$v=19$m=...,t=...,p=...$salt$hash"
  Instant password_set_at{};
  int failed_logins = 0;                // consecutive failures since the last successful log-in
  std::optional<Instant> locked_until;  // no log-in is accepted before this instant
};

}  // namespace aliquot::core
