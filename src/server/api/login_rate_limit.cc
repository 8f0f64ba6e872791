#include "server/api/login_rate_limit.h"

namespace aliquot::server::api {

std::optional<std::chrono::seconds> LoginRateLimit::attempt(std::string_view address,
                                                            Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // Forget windows that ended, so that the map stays as small as the set of recent clients.
  if (windows_.size() > 1024) {
    std::erase_if(windows_, [&](const auto& entry) {
      return now - entry.second.started >= kLoginAttemptWindow;
    });
  }
  auto found = windows_.find(address);
  if (found == windows_.end()) {
    found = windows_.emplace(std::string(address), Window{now, 0}).first;
  }
  Window& window = found->second;
  if (now - window.started >= kLoginAttemptWindow) window = Window{now, 0};
  if (window.attempts >= kLoginAttemptsPerWindow) {
    const auto left = kLoginAttemptWindow - (now - window.started);
    return std::chrono::ceil<std::chrono::seconds>(left);
  }
  ++window.attempts;
  return std::nullopt;
}

std::string address_of(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

}  // namespace aliquot::server::api
