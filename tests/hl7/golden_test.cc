// Golden files: each tests/data/hl7/NAME.hl7 is dumped with write_json (the output of
// `aliquot hl7 json`) and compared with NAME.expected.json, written and reviewed by hand as the
// specification of how the input is read.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hl7/analyst.h"
#include "support/test_files.h"

namespace aliquot::hl7 {

namespace testing = test_support;
namespace {

using testing::files_in;
using testing::read_file;
using testing::source_dir;

std::filesystem::path data_dir() { return source_dir() / "tests" / "data" / "hl7"; }

TEST(Hl7Golden, EveryInputHasItsExpectedStructure) {
  const std::vector<std::filesystem::path> inputs = files_in(data_dir(), ".hl7");
  ASSERT_GE(inputs.size(), 10u) << "golden inputs missing in " << data_dir();
  for (const std::filesystem::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    std::filesystem::path expected_path = input;
    expected_path.replace_extension(".expected.json");
    ASSERT_TRUE(std::filesystem::exists(expected_path)) << expected_path;
    std::ostringstream stream;
    {
      BufferedOutput out(stream);
      static_cast<void>(write_json(read_file(input), out));
    }
    const nlohmann::json actual = nlohmann::json::parse(stream.str());
    const nlohmann::json expected = nlohmann::json::parse(read_file(expected_path));
    EXPECT_EQ(actual, expected) << "actual:\n"
                                << actual.dump(1) << "\nexpected:\n"
                                << expected.dump(1);
  }
}

TEST(Hl7Golden, LineEndsDoNotChangeTheStructure) {
  const std::string cr = read_file(data_dir() / "oru_cr.hl7");
  EXPECT_NE(cr.find('\r'), std::string::npos);
  EXPECT_EQ(cr.find('\n'), std::string::npos);
  const std::string lf = read_file(data_dir() / "oru_lf.hl7");
  EXPECT_EQ(lf.find('\r'), std::string::npos);
  EXPECT_NE(read_file(data_dir() / "oru_crlf.hl7").find("\r\n"), std::string::npos);
}

TEST(Hl7Golden, CountsTheMessagesThatDoNotParse) {
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream);
    summary = write_json(read_file(data_dir() / "unparsable_among_good.hl7"), out);
  }
  EXPECT_EQ(summary.messages, 4u);
  EXPECT_EQ(summary.unparsable, 2u);
  EXPECT_EQ(*summary.first_problem,
            "message 2 (byte 44): segment 3 does not start with a segment id (3 upper-case "
            "letters or digits, then the field separator '|'): 'with a raw line break'; is a "
            "line break inside a value not escaped?");
}

}  // namespace
}  // namespace aliquot::hl7
