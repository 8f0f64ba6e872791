#pragma once

// A private directory for one test, removed with everything in it when the test ends, so that
// tests are hermetic and leave nothing behind.

#include <string>
#include <string_view>

namespace aliquot::test_support {

// Not thread-safe; movable-from is not needed, so it is neither copyable nor movable.
class TempDirectory {
 public:
  // Creates `<system temp>/<prefix>-XXXXXX`. Aborts the test program when it cannot: a test
  // without its directory can only report misleading failures.
  explicit TempDirectory(std::string_view prefix = "aliquot-test");
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`; the file is not created.
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace aliquot::test_support
