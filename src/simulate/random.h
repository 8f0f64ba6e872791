#pragma once

// The simulator's only source of randomness: a seeded xoshiro256** generator (Blackman and
// Vigna, "Scrambled linear pseudorandom number generators", 2018) with the distributions written
// out here rather than taken from <random>, whose distributions may produce different
// numbers on different standard libraries. The same seed therefore gives the same day everywhere
// (up to the last bit of std::log/std::cos in the normal draws, which no test depends on).
//
// Streams are derived from a seed and a list of keys (visit number, container code, ...), so that
// one decision does not shift every later one: adding a test to an order does not change the
// values of another patient. A stream is made for every simulated value, so creating one must cost
// next to nothing: four words filled by SplitMix64, where std::mt19937_64 fills and then twists
// 312 words (it was a tenth of the CPU time of the interfaces benchmark). Not thread-safe.

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace aliquot::simulate {

// SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijective mix of 64 bits.
std::uint64_t mix64(std::uint64_t x);
// FNV-1a over the bytes of `text`, for keying streams by codes.
std::uint64_t hash_text(std::string_view text);

class Random {
 public:
  explicit Random(std::uint64_t seed);
  // A stream for `seed` and `keys`: different keys give independent-looking streams.
  static Random derive(std::uint64_t seed, std::initializer_list<std::uint64_t> keys);

  std::uint64_t next() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  // Uniform in [low, high).
  double uniform(double low, double high);
  // Uniform integer in [low, high], without modulo bias.
  std::int64_t uniform_int(std::int64_t low, std::int64_t high);
  bool bernoulli(double probability);
  // Standard normal by the Box-Muller transform.
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // exp(normal(log(median), log(geometric_sd))): for right-skewed analytes (troponin, TSH, ...).
  double log_normal(double median, double geometric_sd);
  // An index drawn with probability proportional to its weight; weights must not all be zero.
  std::size_t weighted_index(std::span<const double> weights);

 private:
  std::uint64_t state_[4];
};

}  // namespace aliquot::simulate
