// Golden tests for the catalog loader: each tests/data/catalog/NAME.toml is loaded and its
// diagnostics, one per line as Diagnostic::to_string() prints them, must equal NAME.expected.
// Adding a case is adding the two files.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace aliquot::catalog {
namespace {

namespace fs = std::filesystem;

fs::path data_directory() {
  const char* source = std::getenv("ALIQUOT_SOURCE_DIR");
  return fs::path(source == nullptr ? "." : source) / "tests" / "data" / "catalog";
}

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<fs::path> cases() {
  std::vector<fs::path> paths;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(data_directory(), error)) {
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(CatalogGolden, HasItsCases) {
  // Guards against a wrong ALIQUOT_SOURCE_DIR turning the comparison below into a no-op.
  EXPECT_GE(cases().size(), 12u) << "looked in " << data_directory();
}

TEST(CatalogGolden, ReportsExactlyTheExpectedDiagnostics) {
  for (const fs::path& path : cases()) {
    SCOPED_TRACE(path.filename().string());
    const fs::path expected_path = fs::path(path).replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    const LoadOutcome outcome = load_catalog(read_text(path), path.filename().string());
    std::string actual;
    for (const Diagnostic& diagnostic : outcome.diagnostics)
      actual += diagnostic.to_string() + "\n";
    EXPECT_EQ(actual, read_text(expected_path));
    EXPECT_FALSE(outcome.catalog.has_value()) << "a bad catalog must not load";
  }
}

}  // namespace
}  // namespace aliquot::catalog
