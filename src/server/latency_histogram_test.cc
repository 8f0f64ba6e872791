#include "server/latency_histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace aliquot::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(LatencyHistogram, IsEmptyBeforeTheFirstSample) {
  const LatencyHistogram histogram;
  const LatencySummary summary = histogram.summary();
  EXPECT_EQ(summary.count, 0u);
  EXPECT_EQ(summary.p50, microseconds(0));
  EXPECT_EQ(summary.p99, microseconds(0));
}

TEST(LatencyHistogram, KeepsSmallTimesExactly) {
  LatencyHistogram histogram;
  for (int micros = 1; micros <= 10; ++micros) histogram.record(microseconds(micros));
  EXPECT_EQ(histogram.percentile(50), microseconds(5));
  EXPECT_EQ(histogram.percentile(100), microseconds(10));
  EXPECT_EQ(histogram.summary().max, microseconds(10));
}

TEST(LatencyHistogram, ReadsAPercentileNeverBelowAndAtMostASixteenthAbove) {
  LatencyHistogram histogram;
  // 1..1000 ms: the true p50 is 500 ms, the true p99 990 ms.
  for (int ms = 1; ms <= 1000; ++ms) histogram.record(milliseconds(ms));
  const auto p50 = histogram.percentile(50).count();
  const auto p99 = histogram.percentile(99).count();
  EXPECT_GE(p50, 500'000);
  EXPECT_LE(p50, 500'000 + 500'000 / 16);
  EXPECT_GE(p99, 990'000);
  EXPECT_LE(p99, 1'000'000);  // and never above the largest sample
  EXPECT_EQ(histogram.summary().count, 1000u);
  EXPECT_EQ(histogram.summary().max, milliseconds(1000));
}

TEST(LatencyHistogram, SeparatesTheSlowTailFromTheBulk) {
  LatencyHistogram histogram;
  for (int i = 0; i < 990; ++i) histogram.record(milliseconds(2));
  for (int i = 0; i < 10; ++i) histogram.record(milliseconds(40));
  EXPECT_LT(histogram.percentile(99), milliseconds(3));
  EXPECT_GE(histogram.percentile(99.1), milliseconds(40));
}

TEST(LatencyHistogram, CountsEverySampleFromManyThreads) {
  LatencyHistogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram, t] {
      for (int i = 0; i < 10'000; ++i) histogram.record(microseconds(100 * (t + 1)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(histogram.summary().count, 40'000u);
  EXPECT_EQ(histogram.summary().max, microseconds(400));
}

TEST(LatencyHistogram, TreatsANegativeTimeAsZero) {
  LatencyHistogram histogram;
  histogram.record(-microseconds(5));
  EXPECT_EQ(histogram.summary().max, microseconds(0));
  EXPECT_EQ(histogram.summary().count, 1u);
}

}  // namespace
}  // namespace aliquot::server
