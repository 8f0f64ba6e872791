// Replays the checked-in fuzz corpus (fuzz/corpus/astm/: seeds and every crash the fuzzer ever
// found) through the fuzz entry point, so that `make test` exercises it with the compiler and
// sanitizers of the normal build. The entry point aborts when a property it checks is violated.

#include <gtest/gtest.h>

#include <cstdint>

#include "support/test_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace aliquot::astm {

namespace testing = test_support;
namespace {

TEST(AstmFuzzCorpus, EveryInputPassesTheFuzzTarget) {
  const std::vector<std::filesystem::path> inputs =
      testing::files_in(testing::source_dir() / "fuzz" / "corpus" / "astm", "");
  ASSERT_GE(inputs.size(), 5u);
  for (const std::filesystem::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    const std::string bytes = testing::read_file(input);
    EXPECT_EQ(
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
        0);
  }
}

TEST(AstmFuzzCorpus, SurvivesEdgeInputs) {
  for (const std::string& input : {std::string(), std::string("\x02"),
                                   std::string("\x02"
                                               "1"),
                                   std::string("\x02"
                                               "1\x17"),
                                   std::string("\x02"
                                               "1\x03"
                                               "3"),
                                   std::string(1, '\0'), std::string("H|\\^&\r"),
                                   std::string("\x02"
                                               "0H\x03"
                                               "78\r\n")}) {
    EXPECT_EQ(
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()),
        0);
  }
}

}  // namespace
}  // namespace aliquot::astm
