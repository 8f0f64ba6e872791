#pragma once

// When the outbox sender tries a message again after its transport failed: exponential backoff
// (5 s, 10 s, 20 s, ... by default) up to a ceiling, and a limit of attempts after which a person
// must look. The defaults give up after about seven and a half hours of a receiver being
// unreachable, with one try every ten minutes for most of that time.

#include <chrono>

namespace aliquot::outbox {

struct RetryPolicy {
  std::chrono::milliseconds first_delay = std::chrono::seconds(5);
  std::chrono::milliseconds max_delay = std::chrono::minutes(10);
  // Attempts (including the first) before a message that could not be delivered is failed.
  int max_attempts = 50;
};

// The wait after the `failed_attempts`-th failed attempt (1 for the first): first_delay doubled
// for each earlier failure, at most max_delay. first_delay for failed_attempts <= 1.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts);

}  // namespace aliquot::outbox
