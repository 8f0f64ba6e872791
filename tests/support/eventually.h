#pragma once

// Waiting in tests for what another thread does: a condition polled until it holds, with a
// patience that is a safety net only (every wait ends as soon as what it waits for happens).

#include <chrono>
#include <functional>
#include <thread>

namespace aliquot::test_support {

inline constexpr std::chrono::milliseconds kPatience(10000);

// Whether `condition` became true within `patience`.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds patience = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace aliquot::test_support
