#pragma once

// What every benchmark program needs around its measurements: stop with a message naming the
// program when a step fails, and a temporary directory removed at exit. Header-only, so that
// benchmarks build without the test support library.

#include <errno.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

#include "core/error.h"

namespace aliquot::bench {

[[noreturn]] inline void fail(const std::string& what) {
  std::cerr << program_invocation_short_name << ": " << what << "\n";
  std::exit(1);
}

template <typename T>
T check(Result<T> result, const std::string& what) {
  if (!result) fail(what + ": " + result.error().to_string());
  return std::move(result).value();
}

inline void check(Result<void> result, const std::string& what) {
  if (!result) fail(what + ": " + result.error().to_string());
}

// Items per second of `pass`, which handles `items` items and returns a checksum (accumulated so
// that the work cannot be optimized away): the best of three measurements of at least `seconds`
// each, after one warm-up pass.
template <typename Pass>
double best_rate(const Pass& pass, std::size_t items, double seconds) {
  using Clock = std::chrono::steady_clock;
  volatile decltype(pass()) sink = pass();
  double best = 0;
  for (int measurement = 0; measurement < 3; ++measurement) {
    std::size_t passes = 0;
    const Clock::time_point start = Clock::now();
    double elapsed = 0;
    do {
      sink = sink + pass();
      ++passes;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    best = std::max(best, static_cast<double>(passes * items) / elapsed);
  }
  return best;
}

// A temporary directory removed with everything in it when the benchmark ends, unless
// ALIQUOT_BENCH_KEEP is set: then it is kept, and named, so its database can be examined.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "aliquot-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) fail("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TempDir() {
    if (std::getenv("ALIQUOT_BENCH_KEEP") != nullptr) {
      std::cerr << "kept " << path_.string() << "\n";
      return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace aliquot::bench
