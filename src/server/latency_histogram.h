#pragma once

// Times from a message's last byte to its acknowledgement, kept by the listeners' threads and
// the writer at once without a lock: log-linear buckets (16 per power of two, so a percentile is
// read to within about 6 %) counted atomically. The figures an interface analyst asks for —
// p50, p99, the worst — come from here (`aliquot serve` statistics, interfaces_bench).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace aliquot::server {

struct LatencySummary {
  std::uint64_t count = 0;
  std::chrono::microseconds p50{0};
  std::chrono::microseconds p99{0};
  std::chrono::microseconds max{0};
};

class LatencyHistogram {
 public:
  void record(std::chrono::steady_clock::duration elapsed);
  // The upper edge of the bucket holding the percentile: never below the true value.
  std::chrono::microseconds percentile(double percent) const;
  LatencySummary summary() const;

 private:
  static constexpr int kSubBuckets = 16;
  static constexpr int kPowers = 40;  // 2^40 µs is 12 days: nothing an interface waits for
  static std::size_t bucket_of(std::uint64_t micros);
  static std::uint64_t upper_edge(std::size_t bucket);

  std::array<std::atomic<std::uint64_t>, kSubBuckets * kPowers> counts_{};
  std::atomic<std::uint64_t> total_{0};
  std::atomic<std::uint64_t> max_micros_{0};
};

}  // namespace aliquot::server
