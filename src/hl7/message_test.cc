#include "hl7/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::hl7 {
namespace {

constexpr std::string_view kOru =
    "MSH|^~\\&|LAB|RIVERSIDE|EHR|CLINIC|20260302080500||ORU^R01^ORU_R01|MSG0001|P|2.5.1\r"
    "PID|1||MRN1001^^^RIVERSIDE^MR~555-44-3333^^^SSA^SS||Doe^Jane||19700402|F\r"
    "OBR|1|O26-0000001|260000001K|24323-8^CMP^LN\r"
    "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F\r"
    "OBX|2|NM|2823-3^Potassium^LN||6.9|mmol/L|3.5-5.1|HH|||F\r"
    "OBX|3|ST|8251-1^Comment^LN||see \\H\\note\\N\\: 5\\S\\3||||||F\r";

Message parsed(std::string_view bytes) {
  Result<Message> message = Message::parse(bytes);
  EXPECT_TRUE(message.has_value()) << message.error().to_string();
  return message.has_value() ? std::move(message).value() : Message();
}

std::vector<std::string> ids(const Message& message) {
  std::vector<std::string> out;
  for (const Segment segment : message.segments()) out.emplace_back(segment.id());
  return out;
}

TEST(Message, IndexesSegmentsInOrder) {
  const Message message = parsed(kOru);
  EXPECT_EQ(ids(message), (std::vector<std::string>{"MSH", "PID", "OBR", "OBX", "OBX", "OBX"}));
  EXPECT_EQ(message.bytes(), kOru);
  EXPECT_EQ(message.segment(1).text(),
            "PID|1||MRN1001^^^RIVERSIDE^MR~555-44-3333^^^SSA^SS||Doe^Jane||19700402|F");
  EXPECT_EQ(message.count("OBX"), 3u);
  EXPECT_EQ(message.occurrence_of(4), 2);
  EXPECT_EQ(message.find("OBX", 2)->field(5).raw(), "6.9");
  EXPECT_FALSE(message.find("OBX", 4).has_value());
  EXPECT_FALSE(message.find("NTE").has_value());
}

TEST(Message, NumbersMshFieldsAsHl7Does) {
  const Message message = parsed(kOru);
  const Segment header = message.header();
  EXPECT_EQ(header.field(1).raw(), "|");
  EXPECT_EQ(header.field(2).raw(), "^~\\&");
  EXPECT_EQ(header.field(3).raw(), "LAB");
  EXPECT_EQ(header.field(9).component(2).raw(), "R01");
  EXPECT_EQ(header.field(10).raw(), "MSG0001");
  EXPECT_EQ(header.field(12).raw(), "2.5.1");
  EXPECT_FALSE(header.field(13).exists());
  EXPECT_EQ(header.field_count(), 12);
}

TEST(Message, NumbersOtherSegmentsFieldsFromTheFirstSeparator) {
  const Segment pid = parsed(kOru).segment(1);
  EXPECT_EQ(pid.field(1).raw(), "1");
  EXPECT_TRUE(pid.field(2).exists());
  EXPECT_TRUE(pid.field(2).is_empty());
  EXPECT_EQ(pid.field(3).repetition(2).component(4).raw(), "SSA");
  EXPECT_EQ(pid.field(8).raw(), "F");
  EXPECT_FALSE(pid.field(9).exists());
  EXPECT_FALSE(pid.field(0).exists());
  EXPECT_EQ(pid.field_count(), 8);
}

TEST(Message, IteratesFieldsWithTheirNumbers) {
  const Message message = parsed("MSH|^~\\&|A||B\rPID|1||\"\"\rNTE\r");
  std::vector<std::string> header;
  for (const Value field : message.header().fields()) header.emplace_back(field.raw());
  EXPECT_EQ(header, (std::vector<std::string>{"|", "^~\\&", "A", "", "B"}));
  std::vector<int> numbers;
  for (auto it = message.segment(1).fields().begin(); it != FieldRange::Iterator(); ++it) {
    numbers.push_back(it.number());
  }
  EXPECT_EQ(numbers, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(message.segment(1).field(3).is_null());
  EXPECT_EQ(message.segment(2).field_count(), 0);
  EXPECT_EQ(message.segment(2).fields().begin(), FieldRange::Iterator());
}

TEST(Message, ReadsValuesByPath) {
  const Message message = parsed(kOru);
  EXPECT_EQ(message.get("MSH-9").value().raw(), "ORU^R01^ORU_R01");
  EXPECT_EQ(message.get("MSH-9.2").value().raw(), "R01");
  EXPECT_EQ(message.get("MSH-1").value().raw(), "|");
  EXPECT_EQ(message.get("MSH-2").value().raw(), "^~\\&");
  EXPECT_EQ(message.get("PID-3").value().raw(), "MRN1001^^^RIVERSIDE^MR");
  EXPECT_EQ(message.get("PID-3(2).1").value().raw(), "555-44-3333");
  EXPECT_EQ(message.get("PID-5.2").value().raw(), "Jane");
  EXPECT_EQ(message.get("OBX(2)-5").value().raw(), "6.9");
  EXPECT_EQ(message.get("OBX(3)-5").value().text(), "see note: 5^3");
  EXPECT_EQ(message.get("OBX(2)-3.1.1").value().raw(), "2823-3");
  EXPECT_FALSE(message.get("OBX(4)-5").value().exists());
  EXPECT_FALSE(message.get("PID-3(3)").value().exists());
  EXPECT_FALSE(message.get("ZZZ-1").value().exists());
  EXPECT_EQ(message.get("OBX-5x").error().to_string(), "path 'OBX-5x': unexpected 'x' (column 6)");
}

TEST(Message, AcceptsCrOrLfOrCrlfSegmentEnds) {
  const std::string cr = "MSH|^~\\&|A\rPID|1\rOBX|1|ST|x||v";
  std::string lf = cr;
  std::string crlf;
  for (char& c : lf) {
    if (c == '\r') c = '\n';
  }
  for (char c : cr) {
    if (c == '\r') {
      crlf += "\r\n";
    } else {
      crlf += c;
    }
  }
  for (const std::string& bytes : {cr, lf, crlf, cr + "\r", lf + "\n", crlf + "\r\n"}) {
    const Message message = parsed(bytes);
    EXPECT_EQ(ids(message), (std::vector<std::string>{"MSH", "PID", "OBX"})) << bytes;
    EXPECT_EQ(message.get("OBX-5").value().raw(), "v");
    EXPECT_EQ(message.segment(1).text(), "PID|1");
  }
}

TEST(Message, SkipsEmptyAndBlankLines) {
  const Message message = parsed("MSH|^~\\&|A\r\n\r\n  \t\nPID|1\n\n");
  EXPECT_EQ(ids(message), (std::vector<std::string>{"MSH", "PID"}));
}

TEST(Message, ReadsDelimitersFromEachMessage) {
  const Message custom = parsed("MSH!@*?%!LAB!!X@Y%Z*W\rOBX!1!ST!c!!a?F?b");
  EXPECT_EQ(custom.delimiters().field, '!');
  EXPECT_EQ(custom.get("MSH-5.2.2").value().raw(), "Z");
  EXPECT_EQ(custom.get("MSH-5(2)").value().raw(), "W");
  EXPECT_EQ(custom.get("OBX-5").value().text(), "a!b");
  const Message usual = parsed("MSH|^~\\&|LAB\rOBX|1|ST|c||a\\F\\b");
  EXPECT_EQ(usual.get("OBX-5").value().text(), "a|b");
}

TEST(Message, RefusesWhatIsNotAMessage) {
  EXPECT_EQ(Message::parse("PID|1").error().to_string(),
            "message does not start with MSH: it starts with 'PID|1'");
  EXPECT_EQ(Message::parse("MSH|^~\\&|A\rPID|1\rthis is a note\rOBX|1").error().to_string(),
            "segment 3 does not start with a segment id (3 upper-case letters or digits, then the "
            "field separator '|'): 'this is a note'; is a line break inside a value not escaped?");
  EXPECT_EQ(Message::parse("MSH|^~\\&|A\rpid|1").error().message(),
            "segment 2 does not start with a segment id (3 upper-case letters or digits, then the "
            "field separator '|'): 'pid|1'; is a line break inside a value not escaped?");
  EXPECT_FALSE(Message::parse("MSH|^~\\&|A\rPIDX|1").has_value());
  EXPECT_FALSE(Message::parse("MSH|^~\\&|A\r1ID|1").has_value());
}

TEST(Message, RefusesTwoMessagesInOneBuffer) {
  const Result<Message> message = Message::parse("MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\r");
  EXPECT_EQ(message.error().to_string(),
            "MSH:2: segment 3 is a second MSH: a message has one header; split a stream into "
            "messages first");
}

TEST(Message, IsEmptyAfterAFailedAssign) {
  Message message = parsed("MSH|^~\\&|A\rPID|1");
  EXPECT_FALSE(message.assign("MSH|^~\\&|A\rbad line").has_value());
  EXPECT_EQ(message.segment_count(), 0u);
  EXPECT_TRUE(message.bytes().empty());
  ASSERT_TRUE(message.assign("MSH|^~\\&|B\rOBX|1").has_value());
  EXPECT_EQ(message.get("MSH-3").value().raw(), "B");
}

TEST(Message, StaysValidWhenMoved) {
  const std::string bytes = "MSH|^~\\&|A\rPID|1||X";
  Message original = parsed(bytes);
  const Message moved = std::move(original);
  EXPECT_EQ(moved.get("PID-3").value().raw(), "X");
}

TEST(Message, AcceptsSegmentsWithIdOnly) {
  const Message message = parsed("MSH|^~\\&|A\rDSC\rZ01|x");
  EXPECT_EQ(ids(message), (std::vector<std::string>{"MSH", "DSC", "Z01"}));
  EXPECT_FALSE(message.get("DSC-1").value().exists());
}

}  // namespace
}  // namespace aliquot::hl7
