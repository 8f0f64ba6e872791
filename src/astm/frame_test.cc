#include "astm/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "astm/decode.h"

namespace aliquot::astm {
namespace {

TEST(FrameChecksum, MatchesTheExampleOfTheReference) {
  // STX "1A|B|C|D" CR ETX -> BF (the worked example in our interfaces reference).
  EXPECT_EQ(checksum_hex(frame_checksum("1A|B|C|D\r\x03")), "BF");
}

TEST(FrameChecksum, WrapsModulo256AndPrintsTwoUppercaseDigits) {
  EXPECT_EQ(checksum_hex(frame_checksum(std::string(2, '\xFF'))), "FE");
  EXPECT_EQ(checksum_hex(frame_checksum("")), "00");
  EXPECT_EQ(checksum_hex(0x0A), "0A");
}

TEST(FrameNumber, CountsModulo8) {
  EXPECT_EQ(next_frame_number(1), 2);
  EXPECT_EQ(next_frame_number(6), 7);
  EXPECT_EQ(next_frame_number(7), 0);
  EXPECT_EQ(next_frame_number(0), 1);
}

TEST(WriteFrame, WritesStxNumberTextEndChecksumCrLf) {
  EXPECT_EQ(write_frame(1, "A|B|C|D\r", FrameEnd::kFinal),
            "\x02"
            "1A|B|C|D\r\x03"
            "BF\r\n");
  const std::string intermediate = write_frame(2, "X", FrameEnd::kIntermediate);
  EXPECT_EQ(intermediate.substr(0, 4),
            "\x02"
            "2X\x17");
}

TEST(WriteRecordFrames, StartsEveryRecordInANewFrameNumberedFromOne) {
  const Result<std::vector<std::string>> frames = write_record_frames({"H|\\^&", "L|1|N"});
  ASSERT_TRUE(frames.has_value()) << frames.error().to_string();
  ASSERT_EQ(frames->size(), 2u);
  EXPECT_EQ((*frames)[0], write_frame(1, "H|\\^&\r", FrameEnd::kFinal));
  EXPECT_EQ((*frames)[1], write_frame(2, "L|1|N\r", FrameEnd::kFinal));
}

TEST(WriteRecordFrames, SplitsALongRecordInto240CharacterFramesEndingEtb) {
  const std::string record = "R|1|" + std::string(600, 'x');  // 604 + CR = 605 characters
  const Result<std::vector<std::string>> frames = write_record_frames({record}, 6);
  ASSERT_TRUE(frames.has_value());
  ASSERT_EQ(frames->size(), 3u);
  // STX FN text end C1 C2 CR LF: the text is the frame minus 7 bytes.
  EXPECT_EQ((*frames)[0].size() - 7, 240u);
  EXPECT_EQ((*frames)[1].size() - 7, 240u);
  EXPECT_EQ((*frames)[2].size() - 7, 125u);
  EXPECT_EQ((*frames)[0][1], '6');
  EXPECT_EQ((*frames)[1][1], '7');
  EXPECT_EQ((*frames)[2][1], '0');
  EXPECT_EQ((*frames)[0][2 + 240], '\x17');
  EXPECT_EQ((*frames)[1][2 + 240], '\x17');
  EXPECT_EQ((*frames)[2][2 + 125], '\x03');
}

TEST(WriteRecordFrames, RefusesAControlByteInARecord) {
  const Result<std::vector<std::string>> frames = write_record_frames({"H|\\^&",
                                                                       "R|1|a\x03"
                                                                       "b"});
  ASSERT_FALSE(frames.has_value());
  EXPECT_EQ(frames.error().message(),
            "record 2 holds control byte 0x03 at offset 5, which cannot travel in an ASTM frame");
}

TEST(WriteRecordFrames, RoundTripsThroughTheDecoder) {
  std::vector<std::string> records = {"H|\\^&|||aliquot", "P|1||12345", "O|1|ACC-1||^^^GLU"};
  for (int i = 0; i < 12; ++i) {
    records.push_back("R|" + std::to_string(i + 1) + "|^^^T" + std::to_string(i) + "|" +
                      std::string(static_cast<std::size_t>(i) * 97, '7'));
  }
  records.push_back("L|1|N");
  const Result<std::vector<std::string>> frames = write_record_frames(records);
  ASSERT_TRUE(frames.has_value());
  std::string stream = "\x05";
  for (const std::string& frame : *frames) stream += frame;
  stream += "\x04";
  const Decoded decoded = decode_capture(stream);
  ASSERT_FALSE(decoded.error.has_value()) << decoded.error->to_string();
  ASSERT_EQ(decoded.records.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(decoded.records[i].text, records[i]);
  }
  // The longest record (1079 characters and its CR) spans 5 frames of 240.
  EXPECT_EQ(decoded.records[14].frame_numbers.size(), 5u);
}

}  // namespace
}  // namespace aliquot::astm
