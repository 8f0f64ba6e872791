#include "mllp/framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mllp/frame.h"

namespace aliquot::mllp {
namespace {

const std::string kFirst =
    "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083000+0000||ORU^R01^ORU_R01|MSG001|P|2.5.1\r"
    "OBX|1|NM|2823-3^Potassium^LN||4.1|mmol/L\r";
const std::string kSecond =
    "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083100+0000||ORU^R01^ORU_R01|MSG002|P|2.5.1\r";

// A compact rendering of events, to compare whole sequences.
std::string describe(const std::vector<FramerEvent>& events) {
  std::string out;
  for (const FramerEvent& event : events) {
    const std::string where = "@" + std::to_string(event.offset) + "/" + std::to_string(event.size);
    switch (event.kind) {
      case FramerEventKind::kMessage: out += "M" + where + "[" + event.bytes + "] "; break;
      case FramerEventKind::kOversize: out += "BIG" + where + "[" + event.bytes + "] "; break;
      case FramerEventKind::kTruncated: out += "CUT" + where + "[" + event.bytes + "] "; break;
      case FramerEventKind::kNoise: out += "NOISE" + where + "[" + event.bytes + "] "; break;
    }
  }
  return out;
}

std::string deframe_whole(const std::string& stream, std::size_t max_size = 1 << 20,
                          std::size_t kept_prefix = Framer::kDefaultKeptPrefix) {
  Framer framer(max_size, kept_prefix);
  std::vector<FramerEvent> events;
  framer.feed(stream, events);
  framer.finish(events);
  return describe(events);
}

TEST(Framer, ReturnsTheMessageBetweenStartAndEndBytes) {
  Framer framer;
  std::vector<FramerEvent> events;
  framer.feed(frame(kFirst), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, FramerEventKind::kMessage);
  EXPECT_EQ(events[0].bytes, kFirst);
  EXPECT_EQ(events[0].offset, 0u);
  EXPECT_EQ(events[0].size, kFirst.size());
  EXPECT_FALSE(framer.in_frame());
  EXPECT_EQ(framer.offset(), kFirst.size() + 3);
}

TEST(Framer, ReturnsSeveralMessagesFromOneRead) {
  const std::string stream = frame(kFirst) + frame(kSecond) + frame("MSH|^~\\&|X");
  EXPECT_EQ(deframe_whole(stream), "M@0/" + std::to_string(kFirst.size()) + "[" + kFirst + "] M@" +
                                       std::to_string(kFirst.size() + 3) + "/" +
                                       std::to_string(kSecond.size()) + "[" + kSecond + "] M@" +
                                       std::to_string(kFirst.size() + kSecond.size() + 6) +
                                       "/10[MSH|^~\\&|X] ");
}

TEST(Framer, GivesTheSameEventsHoweverTheStreamIsCut) {
  // Noise before, between and after frames; an oversize frame; a frame without its CR; and an
  // unterminated frame at the end.
  const std::string oversize(40, 'x');
  const std::string stream = "junk" + frame(kFirst) + "\r\n" + frame(oversize) + "\x0b" + kSecond +
                             "\x1c" + frame("MSH|short") + "tail\x0bMSH|cut";
  const std::string expected = deframe_whole(stream, 100, 8);
  ASSERT_NE(expected.find("BIG@"), std::string::npos) << expected;
  ASSERT_NE(expected.find("CUT@"), std::string::npos) << expected;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    for (std::size_t second_cut = cut; second_cut <= stream.size();
         second_cut += (cut % 7 == 0 ? 1 : stream.size())) {
      Framer framer(100, 8);
      std::vector<FramerEvent> events;
      framer.feed(std::string_view(stream).substr(0, cut), events);
      framer.feed(std::string_view(stream).substr(cut, second_cut - cut), events);
      framer.feed(std::string_view(stream).substr(second_cut), events);
      framer.finish(events);
      ASSERT_EQ(describe(events), expected) << "cut at " << cut << " and " << second_cut;
    }
  }
}

TEST(Framer, DeliversAMessageFedOneByteAtATime) {
  Framer framer;
  std::vector<FramerEvent> events;
  const std::string stream = frame(kFirst) + frame(kSecond);
  for (char byte : stream) framer.feed(std::string_view(&byte, 1), events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].bytes, kFirst);
  EXPECT_EQ(events[1].bytes, kSecond);
}

TEST(Framer, DeliversTheMessageAtTheEndByteWithoutWaitingForTheCarriageReturn) {
  Framer framer;
  std::vector<FramerEvent> events;
  framer.feed("\x0bMSH|a\x1c", events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].bytes, "MSH|a");
  // The CR that follows later completes the trailer; it is not noise.
  framer.feed("\r", events);
  framer.finish(events);
  EXPECT_EQ(events.size(), 1u);
}

TEST(Framer, ToleratesAMissingCarriageReturnBeforeTheNextFrameAndAtTheEnd) {
  EXPECT_EQ(deframe_whole("\x0bMSH|a\x1c\x0bMSH|b\x1c"), "M@0/5[MSH|a] M@7/5[MSH|b] ");
}

TEST(Framer, ReportsBytesOutsideFramesAsNoiseWithOffsetAndCount) {
  EXPECT_EQ(deframe_whole("hello\x0bMSH|a\x1c\r\n\n" + std::string("bye")),
            "NOISE@0/5[hello] M@5/5[MSH|a] NOISE@13/5[\n\nbye] ");
}

TEST(Framer, KeepsOnlyTheFirstBytesOfLongNoise) {
  Framer framer;
  std::vector<FramerEvent> events;
  framer.feed(std::string(1000, 'z'), events);
  EXPECT_TRUE(events.empty());
  framer.finish(events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, FramerEventKind::kNoise);
  EXPECT_EQ(events[0].size, 1000u);
  EXPECT_EQ(events[0].bytes, std::string(Framer::kNoiseKept, 'z'));
}

TEST(Framer, FlushNoiseReportsTheRunSoFarAndCountsOnFromThere) {
  Framer framer;
  std::vector<FramerEvent> events;
  framer.feed("abc", events);
  framer.flush_noise(events);
  framer.feed("de\x0b", events);
  EXPECT_EQ(describe(events), "NOISE@0/3[abc] NOISE@3/2[de] ");
}

TEST(Framer, AcceptsAMessageOfExactlyTheMaximumSize) {
  EXPECT_EQ(deframe_whole(frame("MSH|12345"), 9), "M@0/9[MSH|12345] ");
}

TEST(Framer, ReportsAMessageBeyondTheMaximumWithItsFirstBytesAndTotalSize) {
  const std::string big = "MSH|^~\\&|BIG" + std::string(5000, 'y');
  EXPECT_EQ(deframe_whole(frame(big) + frame("MSH|next"), 1000, 12),
            "BIG@0/" + std::to_string(big.size()) + "[MSH|^~\\&|BIG] M@" +
                std::to_string(big.size() + 3) + "/8[MSH|next] ");
}

TEST(Framer, DoesNotBufferAnOversizeMessageBeyondTheLimit) {
  Framer framer(1000, 100);
  std::vector<FramerEvent> events;
  framer.feed("\x0b", events);
  const std::string chunk(4096, 'q');
  for (int i = 0; i < 256; ++i) framer.feed(chunk, events);  // 1 MiB
  framer.feed("\x1c\r", events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, FramerEventKind::kOversize);
  EXPECT_EQ(events[0].size, 256u * 4096u);
  EXPECT_EQ(events[0].bytes, std::string(100, 'q'));
  EXPECT_LE(events[0].bytes.capacity(), 1000u);
}

TEST(Framer, ReportsAFrameCutShortByANewStartAsTruncated) {
  EXPECT_EQ(deframe_whole("\x0bMSH|lost\x0bMSH|b\x1c\r"), "CUT@0/8[MSH|lost] M@9/5[MSH|b] ");
}

TEST(Framer, ReportsAFrameOpenAtTheEndOfTheStreamAsTruncated) {
  Framer framer;
  std::vector<FramerEvent> events;
  framer.feed("\x0bMSH|half", events);
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(framer.in_frame());
  framer.finish(events);
  EXPECT_EQ(describe(events), "CUT@0/8[MSH|half] ");
  EXPECT_FALSE(framer.in_frame());
}

TEST(Framer, DeliversAnEmptyFrameAsAnEmptyMessage) {
  EXPECT_EQ(deframe_whole("\x0b\x1c\r"), "M@0/0[] ");
}

}  // namespace
}  // namespace aliquot::mllp
