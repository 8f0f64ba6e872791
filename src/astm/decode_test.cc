#include "astm/decode.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::astm {
namespace {

std::vector<std::string> texts(const Decoded& decoded) {
  std::vector<std::string> out;
  for (const DecodedRecord& record : decoded.records) out.push_back(record.text);
  return out;
}

TEST(DecodeCapture, SplitsAWholeMessageInOneFrameIntoRecords) {
  // As Sysmex and cobas c311 send it: every record in frame 1, the last CR before ETX.
  const Decoded decoded =
      decode_capture(write_frame(1, "H|\\^&\rP|1\rR|1|^^^GLU|5.4\rL|1|N\r", FrameEnd::kFinal));
  ASSERT_FALSE(decoded.error.has_value());
  EXPECT_EQ(texts(decoded), (std::vector<std::string>{"H|\\^&", "P|1", "R|1|^^^GLU|5.4", "L|1|N"}));
  EXPECT_EQ(decoded.records[2].frame_numbers, std::vector<int>{1});
}

TEST(DecodeCapture, JoinsARecordContinuedByEtb) {
  const std::string stream = write_frame(1, "H|\\^&\r", FrameEnd::kFinal) +
                             write_frame(2, "R|1|^^^G", FrameEnd::kIntermediate) +
                             write_frame(3, "LU|5.4\r", FrameEnd::kFinal);
  const Decoded decoded = decode_capture(stream);
  ASSERT_FALSE(decoded.error.has_value());
  EXPECT_EQ(texts(decoded), (std::vector<std::string>{"H|\\^&", "R|1|^^^GLU|5.4"}));
  EXPECT_EQ(decoded.records[1].frame_numbers, (std::vector<int>{2, 3}));
}

TEST(DecodeCapture, AcceptsEtbAfterEveryRecordAndAMissingLastCr) {
  // cobas c111 ends each record with ETB; Afinion leaves out the CR before ETX.
  const std::string stream = write_frame(1, "H|\\^&\r", FrameEnd::kIntermediate) +
                             write_frame(2, "P|1\r", FrameEnd::kIntermediate) +
                             write_frame(3, "L|1|N", FrameEnd::kFinal);
  const Decoded decoded = decode_capture(stream);
  ASSERT_FALSE(decoded.error.has_value());
  EXPECT_EQ(texts(decoded), (std::vector<std::string>{"H|\\^&", "P|1", "L|1|N"}));
}

TEST(DecodeCapture, StopsAtABadChecksumKeepingTheRecordsBefore) {
  std::string bad = write_frame(2, "P|1\r", FrameEnd::kFinal);
  bad[bad.size() - 4] = bad[bad.size() - 4] == '0' ? '1' : '0';
  const std::string first = write_frame(1, "H|\\^&\r", FrameEnd::kFinal);
  const Decoded decoded = decode_capture(first + bad + write_frame(3, "L|1\r", FrameEnd::kFinal));
  EXPECT_EQ(texts(decoded), std::vector<std::string>{"H|\\^&"});
  ASSERT_TRUE(decoded.error.has_value());
  EXPECT_EQ(decoded.error->message().rfind(
                "frame 2 at byte " + std::to_string(first.size()) + ": checksum is ", 0),
            0u)
      << decoded.error->message();
}

TEST(DecodeCapture, StopsAtBytesOutsideFrames) {
  const Decoded decoded =
      decode_capture("# source: somewhere\n" + write_frame(1, "H|\\^&\r", FrameEnd::kFinal));
  ASSERT_TRUE(decoded.error.has_value());
  EXPECT_EQ(decoded.error->message(),
            "19 bytes outside any frame at byte 0: \"# source: somewhere\"");
}

TEST(DecodeCapture, RefusesATransferEndedInsideARecord) {
  const std::string stream =
      "\x05" + write_frame(1, "H|\\^&\rR|1|", FrameEnd::kIntermediate) + "\x04";
  const Decoded decoded = decode_capture(stream);
  EXPECT_EQ(texts(decoded), std::vector<std::string>{"H|\\^&"});
  ASSERT_TRUE(decoded.error.has_value());
  EXPECT_EQ(decoded.error->message(), "EOT at byte " + std::to_string(stream.size() - 1) +
                                          " inside a record continued by ETB (frame 1)");
}

TEST(DecodeCapture, RefusesACaptureEndedInsideARecord) {
  const Decoded decoded = decode_capture(write_frame(1, "H|\\^&\rR|1|", FrameEnd::kIntermediate));
  ASSERT_TRUE(decoded.error.has_value());
  EXPECT_EQ(decoded.error->message(),
            "capture ended inside a record continued by ETB (frame 1, record from byte 0)");
}

}  // namespace
}  // namespace aliquot::astm
