#include "astm/deframer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::astm {
namespace {

// The reference's worked example: frame 1, text "A|B|C|D" CR, ETX, checksum BF.
const std::string kExampleFrame =
    "\x02"
    "1A|B|C|D\r\x03"
    "BF\r\n";

std::vector<Event> deframe(const std::string& bytes) {
  Deframer deframer;
  std::vector<Event> events;
  deframer.feed(bytes, events);
  deframer.finish(events);
  return events;
}

// A compact rendering of events, to compare whole sequences.
std::string describe(const std::vector<Event>& events) {
  std::string out;
  for (const Event& event : events) {
    switch (event.kind) {
      case EventKind::kEnquiry: out += "ENQ@" + std::to_string(event.offset) + " "; break;
      case EventKind::kEndOfTransmission: out += "EOT@" + std::to_string(event.offset) + " "; break;
      case EventKind::kAcknowledge: out += "ACK "; break;
      case EventKind::kNegativeAcknowledge: out += "NAK "; break;
      case EventKind::kFrame:
        out += "F" + std::to_string(event.frame_number) +
               (event.end == FrameEnd::kFinal ? "x" : "b") + "@" + std::to_string(event.offset) +
               "[" + event.text + "] ";
        break;
      case EventKind::kFrameError: out += "ERR(" + event.text + ") "; break;
      case EventKind::kNoise: out += "NOISE[" + event.text + "] "; break;
    }
  }
  return out;
}

TEST(Deframer, AcceptsTheReferenceExampleFrame) {
  const std::vector<Event> events = deframe(kExampleFrame);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kFrame);
  EXPECT_EQ(events[0].frame_number, 1);
  EXPECT_EQ(events[0].end, FrameEnd::kFinal);
  EXPECT_EQ(events[0].text, "A|B|C|D\r");
}

TEST(Deframer, ReportsControlBytesAndFramesInOrder) {
  const std::string stream = "\x05" + kExampleFrame + "\x06\x15\x04";
  EXPECT_EQ(describe(deframe(stream)), "ENQ@0 F1x@1[A|B|C|D\r] ACK NAK EOT@18 ");
}

TEST(Deframer, RefusesABadChecksumNamingFrameAndOffset) {
  std::string stream = "\x05" + kExampleFrame;
  stream[stream.size() - 3] = 'E';  // BF -> BE
  const std::vector<Event> events = deframe(stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kFrameError);
  EXPECT_EQ(events[1].text, "frame 1 at byte 1: checksum is BE, computed BF");
}

TEST(Deframer, RefusesAChecksumThatIsNotHex) {
  std::string stream = kExampleFrame;
  stream[stream.size() - 4] = 'G';
  EXPECT_EQ(describe(deframe(stream)),
            "ERR(frame 1 at byte 0: checksum \"GF\" is not two hex digits) ");
}

TEST(Deframer, AcceptsLowercaseChecksumHex) {
  EXPECT_EQ(describe(deframe("\x02"
                             "1A|B|C|D\r\x03"
                             "bf\r\n")),
            "F1x@0[A|B|C|D\r] ");
}

TEST(Deframer, RefusesAFrameNumberOutOfSequenceAndAcceptsTheRetransmission) {
  const std::string frame1 = write_frame(1, "H|\\^&\r", FrameEnd::kFinal);
  const std::string frame3 = write_frame(3, "P|1\r", FrameEnd::kFinal);
  const std::string frame2 = write_frame(2, "P|1\r", FrameEnd::kFinal);
  const std::vector<Event> events = deframe(frame1 + frame3 + frame2);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].text, "frame 3 at byte " + std::to_string(frame1.size()) +
                                ": frame number 3 where 2 was expected");
  EXPECT_EQ(events[1].frame_number, 3);
  EXPECT_EQ(events[2].kind, EventKind::kFrame);
  EXPECT_EQ(events[2].frame_number, 2);
}

TEST(Deframer, RefusesAFirstFrameNotNumberedOne) {
  EXPECT_EQ(describe(deframe(write_frame(2, "H|\\^&\r", FrameEnd::kFinal))),
            "ERR(frame 2 at byte 0: frame number 2 where 1 was expected) ");
}

TEST(Deframer, RefusesAFrameNumberThatIsNotADigit0To7) {
  std::string frame =
      "\x02"
      "8A\r\x03";
  frame += checksum_hex(frame_checksum(frame.substr(1)));
  EXPECT_EQ(describe(deframe(frame)), "ERR(frame at byte 0: frame number '8' is not a digit 0-7) ");
}

TEST(Deframer, NumbersFramesModulo8AndRestartsAfterEot) {
  std::string stream;
  int number = 1;
  for (int i = 0; i < 10; ++i) {
    stream += write_frame(number, "C|" + std::to_string(i) + "\r", FrameEnd::kFinal);
    number = next_frame_number(number);
  }
  stream += "\x04" + write_frame(1, "H|\\^&\r", FrameEnd::kFinal);
  const std::vector<Event> events = deframe(stream);
  std::string numbers;
  for (const Event& event : events) {
    ASSERT_NE(event.kind, EventKind::kFrameError) << event.text;
    if (event.kind == EventKind::kFrame) numbers += std::to_string(event.frame_number);
  }
  EXPECT_EQ(numbers, "12345670121");
}

TEST(Deframer, ReportsATruncatedFrameAtTheEndOfTheStream) {
  EXPECT_EQ(describe(deframe("\x02"
                             "1H|\\^&")),
            "ERR(frame 1 at byte 0: stream ended before the frame was complete (no ETX/ETB and "
            "checksum)) ");
  EXPECT_EQ(describe(deframe("\x02"
                             "1A|B|C|D\r\x03"
                             "B")),
            "ERR(frame 1 at byte 0: stream ended before the frame was complete (no ETX/ETB and "
            "checksum)) ");
}

TEST(Deframer, ReportsAFrameWithoutEtxInterruptedByTheNextFrame) {
  const std::string stream = std::string(
                                 "\x02"
                                 "1H|\\^&\r") +
                             kExampleFrame;
  EXPECT_EQ(describe(deframe(stream)),
            "ERR(frame 1 at byte 0: interrupted by 0x02 at byte 8 before ETX or ETB) "
            "F1x@8[A|B|C|D\r] ");
}

TEST(Deframer, AcceptsFramesWithoutCrOrLfAfterTheChecksum) {
  const std::string frame1 =
      "\x02"
      "1A|B|C|D\r\x03"
      "BF";
  const std::string frame2 = write_frame(2, "L|1\r", FrameEnd::kFinal);
  // LF only (CR lost), then nothing at all, as stored captures have them.
  const std::string stream = frame1 + "\n" + frame2.substr(0, frame2.size() - 2) + "\r";
  EXPECT_EQ(describe(deframe(stream)), "F1x@0[A|B|C|D\r] F2x@14[L|1\r] ");
}

TEST(Deframer, AcceptsFramesLongerThan240Characters) {
  const std::string text = "H|\\^&\rR|1|" + std::string(5000, '9') + "\rL|1|N\r";
  const std::vector<Event> events = deframe(write_frame(1, text, FrameEnd::kFinal));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kFrame);
  EXPECT_EQ(events[0].text, text);
}

TEST(Deframer, RefusesAFrameLongerThanItsLimit) {
  Deframer deframer(8);
  std::vector<Event> events;
  deframer.feed(write_frame(1, "0123456789", FrameEnd::kFinal), events);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, EventKind::kFrameError);
  EXPECT_EQ(events[0].text, "frame 1 at byte 0: text longer than 8 bytes");
}

TEST(Deframer, ReportsBytesOutsideFramesAsOneNoiseRun) {
  EXPECT_EQ(describe(deframe("# note\r\n" + kExampleFrame)), "NOISE[# note] F1x@8[A|B|C|D\r] ");
}

TEST(Deframer, GivesTheSameEventsWhenFedOneByteAtATime) {
  std::string stream = "\x05" + write_frame(1, "H|\\^&\r", FrameEnd::kFinal) + "\x06";
  stream += write_frame(2, "R|1|" + std::string(300, 'a'), FrameEnd::kIntermediate);
  stream += write_frame(3, "b\r", FrameEnd::kFinal).substr(0, 7);  // no CR LF
  stream += write_frame(4, "L|1\r", FrameEnd::kFinal);
  stream +=
      "\x02"
      "5bad\x03"
      "00\r\n\x04junk\x02"
      "1trunc";
  const std::vector<Event> whole = deframe(stream);

  Deframer deframer;
  std::vector<Event> pieces;
  for (const char byte : stream) deframer.feed(std::string_view(&byte, 1), pieces);
  deframer.finish(pieces);
  EXPECT_EQ(describe(pieces), describe(whole));
  EXPECT_EQ(deframer.offset(), stream.size());
  // And the stream holds what we meant it to.
  EXPECT_NE(describe(whole).find("ERR(frame 5 at byte"), std::string::npos);
  EXPECT_NE(describe(whole).find("NOISE[junk]"), std::string::npos);
}

}  // namespace
}  // namespace aliquot::astm
