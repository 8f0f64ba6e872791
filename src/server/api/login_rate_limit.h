#pragma once

// Log-in attempts per client address. The per-account lockout (lab/authentication.h) stops
// guessing one user's password; this stops one client from trying many user names (password
// spraying), which the lockout alone would allow (OWASP Authentication Cheat Sheet, "Login
// Throttling"). Kept in memory: a restart forgets the counts, the lockouts are in the database.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace aliquot::server::api {

// 10 attempts a minute is more than a person mistyping needs and far fewer than a script wants.
inline constexpr int kLoginAttemptsPerWindow = 10;
inline constexpr std::chrono::seconds kLoginAttemptWindow{60};

class LoginRateLimit {
 public:
  using Clock = std::chrono::steady_clock;

  // Counts an attempt from `address`; when it is over the limit, how long until the window
  // ends (the attempt is then refused and not counted). Thread-safe.
  std::optional<std::chrono::seconds> attempt(std::string_view address, Clock::time_point now);

 private:
  struct Window {
    Clock::time_point started;
    int attempts = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Window, std::less<>> windows_;
};

// The address part of a peer "192.0.2.7:53012" or "[::1]:53012" / "::1:53012".
std::string address_of(std::string_view peer);

}  // namespace aliquot::server::api
