#include "outbox/retry_policy.h"

#include <algorithm>

namespace aliquot::outbox {

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts) {
  std::chrono::milliseconds delay = policy.first_delay;
  // Doubling stops at the ceiling, so the loop is short and nothing overflows.
  for (int attempt = 1; attempt < failed_attempts && delay < policy.max_delay; ++attempt) {
    delay *= 2;
  }
  return std::min(delay, policy.max_delay);
}

}  // namespace aliquot::outbox
