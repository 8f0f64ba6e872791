#pragma once

// What every benchmark program needs around its measurements: stop with a message naming the
// program when a step fails, and a temporary directory removed at exit. Header-only, so that
// benchmarks build without the test support library.

#include <errno.h>
#include <stdlib.h>

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

// A temporary directory removed with everything in it when the benchmark ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "aliquot-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) fail("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TempDir() {
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
