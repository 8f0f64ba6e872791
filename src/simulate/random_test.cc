#include "simulate/random.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

namespace aliquot::simulate {
namespace {

TEST(Mix64, IsTheSplitMix64Finalizer) {
  // The first output of SplitMix64 seeded with 0 (Steele, Lea, Flood 2014; Vigna's reference).
  EXPECT_EQ(mix64(0), 0xe220a8397b1dcdafULL);
}

TEST(HashText, IsFnv1a64) {
  EXPECT_EQ(hash_text(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(hash_text("a"), 0xaf63dc4c8601ec8cULL);
}

// The published xoshiro256** step (Blackman and Vigna 2018, xoshiro256starstar.c), written out
// here on its own, from the state the header documents: SplitMix64 outputs of mix64(seed).
TEST(Random, DrawsXoshiro256StarStarSeededBySplitMix64) {
  std::uint64_t s[4];
  std::uint64_t x = mix64(7);
  for (std::uint64_t& word : s) {
    word = mix64(x);
    x += 0x9e3779b97f4a7c15ULL;
  }
  const auto rotl = [](std::uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
  Random random(7);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t expected = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    ASSERT_EQ(random.next(), expected) << "draw " << i;
  }
}

TEST(Random, SameSeedGivesSameStreamAndAnotherSeedAnother) {
  Random a(42), b(42), c(43);
  int same_as_c = 0;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next();
    ASSERT_EQ(x, b.next());
    if (x == c.next()) ++same_as_c;
  }
  EXPECT_EQ(same_as_c, 0);
}

TEST(Random, DerivedStreamsDependOnEveryKeyAndItsPosition) {
  const std::uint64_t base = Random::derive(1, {2, 3}).next();
  EXPECT_EQ(Random::derive(1, {2, 3}).next(), base);
  EXPECT_NE(Random::derive(1, {2, 4}).next(), base);
  EXPECT_NE(Random::derive(1, {3, 2}).next(), base);
  EXPECT_NE(Random::derive(2, {2, 3}).next(), base);
  EXPECT_NE(Random::derive(1, {2}).next(), base);
}

TEST(Random, UniformStaysInItsInterval) {
  Random random(1);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double u = random.uniform(2, 5);
    ASSERT_GE(u, 2);
    ASSERT_LT(u, 5);
    sum += u;
  }
  EXPECT_NEAR(sum / 20000, 3.5, 0.05);
}

TEST(Random, UniformIntHitsEveryValueEquallyOften) {
  Random random(2);
  std::array<int, 6> counts{};
  for (int i = 0; i < 60000; ++i) {
    const std::int64_t value = random.uniform_int(10, 15);
    ASSERT_GE(value, 10);
    ASSERT_LE(value, 15);
    ++counts[static_cast<std::size_t>(value - 10)];
  }
  for (const int count : counts) EXPECT_NEAR(count, 10000, 500);
  EXPECT_EQ(random.uniform_int(3, 3), 3);
}

TEST(Random, NormalHasTheRequestedMeanAndSpread) {
  Random random(3);
  std::vector<double> draws;
  for (int i = 0; i < 40000; ++i) draws.push_back(random.normal(10, 2));
  double mean = 0;
  for (const double d : draws) mean += d;
  mean /= static_cast<double>(draws.size());
  double variance = 0;
  for (const double d : draws) variance += (d - mean) * (d - mean);
  variance /= static_cast<double>(draws.size() - 1);
  EXPECT_NEAR(mean, 10, 0.05);
  EXPECT_NEAR(std::sqrt(variance), 2, 0.05);
}

TEST(Random, LogNormalHasTheRequestedMedian) {
  Random random(4);
  int below = 0;
  for (int i = 0; i < 20000; ++i) {
    const double d = random.log_normal(5, 2);
    ASSERT_GT(d, 0);
    if (d < 5) ++below;
  }
  EXPECT_NEAR(below, 10000, 300);
}

TEST(Random, WeightedIndexFollowsTheWeightsAndNeverPicksAZeroWeight) {
  Random random(5);
  const std::array<double, 4> weights = {1, 0, 3, 6};
  std::array<int, 4> counts{};
  for (int i = 0; i < 50000; ++i) ++counts[random.weighted_index(weights)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0], 5000, 400);
  EXPECT_NEAR(counts[2], 15000, 600);
  EXPECT_NEAR(counts[3], 30000, 700);
}

TEST(Random, BernoulliHitsItsProbability) {
  Random random(6);
  int hits = 0;
  for (int i = 0; i < 50000; ++i) hits += random.bernoulli(0.02) ? 1 : 0;
  EXPECT_NEAR(hits, 1000, 120);
}

}  // namespace
}  // namespace aliquot::simulate
