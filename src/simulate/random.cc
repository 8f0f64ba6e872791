#include "simulate/random.h"

#include <cassert>
#include <cmath>
#include <numbers>

namespace aliquot::simulate {

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Random::Random(std::uint64_t seed) {
  // SplitMix64 as its authors advise for seeding xoshiro: never all zero, well mixed.
  std::uint64_t x = mix64(seed);
  for (std::uint64_t& word : state_) {
    word = mix64(x);
    x += 0x9e3779b97f4a7c15ULL;
  }
}

Random Random::derive(std::uint64_t seed, std::initializer_list<std::uint64_t> keys) {
  std::uint64_t state = mix64(seed);
  for (const std::uint64_t key : keys) {
    state = mix64(state ^ mix64(key));
  }
  return Random(state);
}

double Random::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Random::uniform(double low, double high) { return low + (high - low) * uniform(); }

std::int64_t Random::uniform_int(std::int64_t low, std::int64_t high) {
  assert(low <= high);
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  if (span == UINT64_MAX) {
    return static_cast<std::int64_t>(next());
  }
  const std::uint64_t range = span + 1;
  // Reject the top partial block so that every value is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
  std::uint64_t draw = next();
  while (draw >= limit) {
    draw = next();
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + draw % range);
}

bool Random::bernoulli(double probability) { return uniform() < probability; }

double Random::normal() {
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Random::log_normal(double median, double geometric_sd) {
  return std::exp(normal(std::log(median), std::log(geometric_sd)));
}

std::size_t Random::weighted_index(std::span<const double> weights) {
  double total = 0;
  for (const double w : weights) total += w;
  assert(total > 0);
  double draw = uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (draw < weights[i]) return i;
    draw -= weights[i];
  }
  // Rounding can leave a sliver at the end: it belongs to the last non-zero weight.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

}  // namespace aliquot::simulate
