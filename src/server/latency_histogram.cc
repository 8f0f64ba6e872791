#include "server/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace aliquot::server {

// Values below kSubBuckets µs get a bucket each; above, each power of two [2^p, 2^(p+1)) is
// split into kSubBuckets equal parts.
std::size_t LatencyHistogram::bucket_of(std::uint64_t micros) {
  if (micros < kSubBuckets) return static_cast<std::size_t>(micros);
  const int power = std::bit_width(micros) - 1;  // 2^power <= micros
  const int shift = power - 4;                   // kSubBuckets == 2^4
  const std::uint64_t sub = (micros >> shift) - kSubBuckets;
  const std::size_t bucket = static_cast<std::size_t>((power - 3) * kSubBuckets) + sub;
  return std::min(bucket, static_cast<std::size_t>(kSubBuckets * kPowers - 1));
}

std::uint64_t LatencyHistogram::upper_edge(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::size_t power = bucket / kSubBuckets + 3;
  const std::uint64_t sub = bucket % kSubBuckets + kSubBuckets;
  const std::size_t shift = power - 4;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::steady_clock::duration elapsed) {
  const auto micros = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  counts_[bucket_of(micros)].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t seen = max_micros_.load(std::memory_order_relaxed);
  while (micros > seen &&
         !max_micros_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

std::chrono::microseconds LatencyHistogram::percentile(double percent) const {
  const std::uint64_t total = total_.load(std::memory_order_relaxed);
  if (total == 0) return std::chrono::microseconds(0);
  // The rank of the percentile among the sorted samples, 1-based (nearest-rank method).
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(percent / 100 * static_cast<double>(total))));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    seen += counts_[bucket].load(std::memory_order_relaxed);
    if (seen >= rank) {
      const std::uint64_t edge =
          std::min(upper_edge(bucket), max_micros_.load(std::memory_order_relaxed));
      return std::chrono::microseconds(static_cast<std::int64_t>(edge));
    }
  }
  return std::chrono::microseconds(
      static_cast<std::int64_t>(max_micros_.load(std::memory_order_relaxed)));
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary summary;
  summary.count = total_.load(std::memory_order_relaxed);
  summary.p50 = percentile(50);
  summary.p99 = percentile(99);
  summary.max = std::chrono::microseconds(
      static_cast<std::int64_t>(max_micros_.load(std::memory_order_relaxed)));
  return summary;
}

}  // namespace aliquot::server
