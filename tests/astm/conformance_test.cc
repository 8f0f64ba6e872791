// The instrument captures from public projects in ../shared/conformance/astm/ (beside the
// repository; skipped when absent). The first line of each names its source and is not part of
// the capture.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "astm/decode.h"
#include "astm/record.h"
#include "support/test_files.h"

namespace aliquot::astm {

namespace testing = test_support;
namespace {

std::filesystem::path conformance_dir() {
  return testing::source_dir() / ".." / "shared" / "conformance" / "astm";
}

// The capture without its first (source) line.
std::string capture_bytes(const std::filesystem::path& file) {
  const std::string text = testing::read_file(file);
  const std::size_t line_end = text.find('\n');
  return line_end == std::string::npos ? std::string() : text.substr(line_end + 1);
}

std::size_t count_type(const Decoded& decoded, RecordType type) {
  std::size_t count = 0;
  for (const DecodedRecord& record : decoded.records) {
    if (record_type(record.text) == type) ++count;
  }
  return count;
}

TEST(AstmConformance, EveryCaptureDecodesFromHeaderToTerminator) {
  const auto captures = testing::files_in(conformance_dir(), ".astm");
  if (captures.empty()) GTEST_SKIP() << "no captures in " << conformance_dir();
  for (const std::filesystem::path& capture : captures) {
    SCOPED_TRACE(capture.filename().string());
    const Decoded decoded = decode_capture(capture_bytes(capture));
    EXPECT_FALSE(decoded.error.has_value()) << decoded.error->message();
    ASSERT_GE(decoded.records.size(), 2u);
    EXPECT_EQ(record_type(decoded.records.front().text), RecordType::kHeader);
    EXPECT_EQ(record_type(decoded.records.back().text), RecordType::kTerminator);
    EXPECT_TRUE(delimiters_from_header(decoded.records.front().text).has_value());
    for (const DecodedRecord& record : decoded.records) {
      EXPECT_NE(record_type(record.text), RecordType::kUnknown) << record.text;
    }
  }
}

TEST(AstmConformance, CapturesHoldTheResultsCountedByHand) {
  // Counted by hand from the files: R|1 .. R|21 (with C records between) in the Pentra XLR
  // capture, R|1 .. R|7 each followed by a C in the cobas c311 one, all in one frame.
  const std::map<std::string, std::pair<std::size_t, std::size_t>> expected = {
      {"senaite-astm_pentra_xlr.astm", {21, 3}},
      {"senaite-astm_cobas_c311.astm", {7, 7}},
  };
  for (const auto& [name, counts] : expected) {
    const std::filesystem::path file = conformance_dir() / name;
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "missing " << file;
    SCOPED_TRACE(name);
    const Decoded decoded = decode_capture(capture_bytes(file));
    ASSERT_FALSE(decoded.error.has_value()) << decoded.error->message();
    EXPECT_EQ(count_type(decoded, RecordType::kResult), counts.first);
    EXPECT_EQ(count_type(decoded, RecordType::kComment), counts.second);
  }
}

TEST(AstmConformance, ThePentraResultsComeOneFramePerRecordWithNumbersWrapping) {
  const std::filesystem::path file = conformance_dir() / "senaite-astm_pentra_xlr.astm";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "missing " << file;
  const Decoded decoded = decode_capture(capture_bytes(file));
  ASSERT_FALSE(decoded.error.has_value()) << decoded.error->message();
  ASSERT_EQ(decoded.records.size(), 28u);
  EXPECT_EQ(decoded.records[7].text, "R|3|^^^LYM%^736-9^1|38.6|1||||W||NNE NNEMT||20220727121550");
  EXPECT_EQ(decoded.records[7].frame_numbers, std::vector<int>{0});
  const Record result(decoded.records[7].text, *delimiters_from_header(decoded.records[0].text));
  EXPECT_EQ(result.component(3, 1, 4), "LYM%");
  EXPECT_EQ(result.field(4), "38.6");
}

}  // namespace
}  // namespace aliquot::astm
