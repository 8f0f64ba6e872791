// Golden captures in tests/data/astm/: NAME.astm (raw bytes), NAME.records (the records
// expected, one a line, reviewed by hand) and, for a capture that must be refused,
// NAME.error (the expected error message).

#include <gtest/gtest.h>

#include <string>

#include "astm/decode.h"
#include "support/test_files.h"

namespace aliquot::astm {

namespace testing = test_support;
namespace {

std::string records_text(const Decoded& decoded) {
  std::string out;
  for (const DecodedRecord& record : decoded.records) out += record.text + "\n";
  return out;
}

TEST(AstmGolden, EveryCaptureDecodesToItsExpectedRecordsAndError) {
  const auto captures = testing::files_in(testing::source_dir() / "tests/data/astm", ".astm");
  ASSERT_GE(captures.size(), 5u);
  for (const std::filesystem::path& capture : captures) {
    SCOPED_TRACE(capture.filename().string());
    std::filesystem::path expected = capture;
    const Decoded decoded = decode_capture(testing::read_file(capture));
    EXPECT_EQ(records_text(decoded), testing::read_file(expected.replace_extension(".records")));
    const std::filesystem::path error_file = expected.replace_extension(".error");
    if (std::filesystem::exists(error_file)) {
      ASSERT_TRUE(decoded.error.has_value());
      EXPECT_EQ(decoded.error->message() + "\n", testing::read_file(error_file));
    } else {
      EXPECT_FALSE(decoded.error.has_value()) << decoded.error->message();
    }
  }
}

TEST(AstmGolden, FeedingOneByteAtATimeGivesTheSameRecords) {
  for (const std::filesystem::path& capture :
       testing::files_in(testing::source_dir() / "tests/data/astm", ".astm")) {
    SCOPED_TRACE(capture.filename().string());
    const std::string bytes = testing::read_file(capture);
    Deframer deframer;
    RecordAssembler assembler;
    std::vector<DecodedRecord> records;
    std::vector<Event> events;
    bool stopped = false;
    for (std::size_t i = 0; i < bytes.size() && !stopped; ++i) {
      events.clear();
      deframer.feed(std::string_view(bytes).substr(i, 1), events);
      for (const Event& event : events) {
        if (event.kind == EventKind::kFrameError || !assembler.add(event, records)) stopped = true;
      }
    }
    const Decoded whole = decode_capture(bytes);
    ASSERT_EQ(records.size(), whole.records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].text, whole.records[i].text);
      EXPECT_EQ(records[i].frame_numbers, whole.records[i].frame_numbers);
      EXPECT_EQ(records[i].offset, whole.records[i].offset);
    }
  }
}

TEST(AstmGolden, TheChemistryTransferSplitsTheLongCommentOverFrames7And0) {
  const Decoded decoded = decode_capture(
      testing::read_file(testing::source_dir() / "tests/data/astm/chemistry_transfer.astm"));
  ASSERT_FALSE(decoded.error.has_value());
  ASSERT_EQ(decoded.records.size(), 10u);
  EXPECT_EQ(decoded.records[6].text.substr(0, 6), "C|1|I|");
  EXPECT_EQ(decoded.records[6].frame_numbers, (std::vector<int>{7, 0}));
  EXPECT_EQ(decoded.records[9].frame_numbers, std::vector<int>{3});
}

}  // namespace
}  // namespace aliquot::astm
