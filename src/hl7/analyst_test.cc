#include "hl7/analyst.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace aliquot::hl7 {
namespace {

constexpr std::string_view kTwoMessages =
    "# source: test\n"
    "MSH|^~\\&|LAB||EHR||20260302||ORU^R01^ORU_R01|M1|P|2.5.1\r"
    "PID|1||MRN1\r"
    "OBR|1|||CBC^CBC^L\r"
    "OBX|1|NM|718-7^Hgb^LN||13.5|g/dL\r"
    "OBX|2|TX|X^Note^L||line one\\.br\\line two \\E\\ end\r"
    "\n"
    "MSH|^~\\&|LAB||EHR||20260302||ORU^R01^ORU_R01|M2|P|2.5.1\r"
    "PID|1||MRN2\r"
    "OBR|1|||CBC^CBC^L\r"
    "OBX|1|NM|718-7^Hgb^LN||abc|g/dL\r";

std::vector<Path> paths(std::initializer_list<const char*> texts) {
  std::vector<Path> out;
  for (const char* text : texts) out.push_back(parse_path(text).value());
  return out;
}

TEST(WriteValues, PrintsOneLinePerPathForEveryMessage) {
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream);
    summary = write_values(kTwoMessages, paths({"MSH-10", "OBX(2)-5", "OBX-5", "PID-3.1"}),
                           ValueStyle::kText, out);
  }
  EXPECT_EQ(stream.str(),
            "M1\nline one\\nline two \\\\ end\n13.5\nMRN1\n"
            "M2\n\nabc\nMRN2\n");
  EXPECT_EQ(summary.messages, 2u);
  EXPECT_TRUE(summary.clean());
}

TEST(WriteValues, PrintsRawValuesOnRequest) {
  std::ostringstream stream;
  {
    BufferedOutput out(stream);
    static_cast<void>(write_values(kTwoMessages, paths({"OBX(2)-5"}), ValueStyle::kRaw, out));
  }
  EXPECT_EQ(stream.str(), "line one\\.br\\line two \\E\\ end\n\n");
}

TEST(WriteValues, KeepsLinesAlignedWhenAMessageDoesNotParse) {
  const std::string input = "MSH|^~\\&|A|||||||M1\rbad line\rMSH|^~\\&|B|||||||M2\rPID|1\r";
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream);
    summary = write_values(input, paths({"MSH-3", "MSH-10"}), ValueStyle::kText, out);
  }
  EXPECT_EQ(stream.str(), "\n\nB\nM2\n");
  EXPECT_EQ(summary.messages, 2u);
  EXPECT_EQ(summary.unparsable, 1u);
  EXPECT_FALSE(summary.clean());
  EXPECT_EQ(*summary.first_problem,
            "message 1 (byte 0): segment 2 does not start with a segment id (3 upper-case letters "
            "or digits, then the field separator '|'): 'bad line'; is a line break inside a value "
            "not escaped?");
}

TEST(WriteValues, CountsDataOutsideMessages) {
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream);
    summary = write_values("OBX|1\rMSH|^~\\&|A\r", paths({"MSH-3"}), ValueStyle::kText, out);
  }
  EXPECT_EQ(stream.str(), "A\n");
  EXPECT_EQ(summary.unrecognized, 1u);
  EXPECT_EQ(*summary.first_problem,
            "byte 0: data outside any message, skipped (no MSH before it): 'OBX|1'");
}

TEST(ForEachMessage, VisitsEveryMessageWithNullForOneThatDoesNotParse) {
  std::vector<std::string> seen;
  const RunSummary summary = for_each_message(
      std::string(kTwoMessages) + "MSH|^~~&|x\r", [&](std::size_t number, const Message* message) {
        seen.push_back(std::to_string(number) + ":" +
                       (message == nullptr ? "-" : message->get("MSH-10").value().text()));
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"1:M1", "2:M2", "3:-"}));
  EXPECT_EQ(summary.messages, 3u);
  EXPECT_EQ(summary.unparsable, 1u);
}

TEST(WriteJson, WritesAnArrayOfMessagesWithNullForOneThatDoesNotParse) {
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream, 16);  // a tiny buffer: flushing must not change the output
    summary = write_json(std::string(kTwoMessages) + "MSH|^~~&|x\r", out);
  }
  const nlohmann::json document = nlohmann::json::parse(stream.str());
  ASSERT_EQ(document.size(), 3u);
  EXPECT_EQ(document[0][0][10], "M1");
  EXPECT_EQ(document[0][4][5], "line one\nline two \\ end");
  EXPECT_EQ(document[1][3][5], "abc");
  EXPECT_TRUE(document[2].is_null());
  EXPECT_EQ(summary.unparsable, 1u);
}

TEST(WriteJson, WritesAnEmptyArrayForNoMessages) {
  std::ostringstream stream;
  {
    BufferedOutput out(stream);
    static_cast<void>(write_json("# nothing here\n", out));
  }
  EXPECT_EQ(stream.str(), "[]\n");
}

TEST(WriteCheck, ListsEveryProblemWithMessageSegmentAndField) {
  const std::string input = std::string(kTwoMessages) + "# end\rPID|9\r\x0bMSH|^~\\&|A\r";
  std::ostringstream stream;
  RunSummary summary;
  {
    BufferedOutput out(stream);
    summary = write_check(input, out);
  }
  const std::size_t second = kTwoMessages.find("MSH", 20);
  const std::size_t third = input.find('\x0b') + 1;
  EXPECT_EQ(stream.str(),
            "note: byte 0: skipped comment or batch line: '# source: test'\n"
            "message 2 (byte " +
                std::to_string(second) +
                "): OBX(1)-5: 'abc' is not a number, but OBX-2 says NM\n"
                "note: byte " +
                std::to_string(kTwoMessages.size()) +
                ": skipped comment or batch line: '# end'\n"
                "byte " +
                std::to_string(kTwoMessages.size() + 6) +
                ": data outside any message, skipped (no MSH before it): 'PID|9'\n"
                "message 3 (byte " +
                std::to_string(third) +
                "): the MLLP frame is not closed (no 0x1C before the next frame or the end of "
                "the input)\n"
                "message 3 (byte " +
                std::to_string(third) + "): MSH(1)-9: the message type (MSH-9.1) is missing\n" +
                "message 3 (byte " + std::to_string(third) +
                "): MSH(1)-10: the message control id (MSH-10) is missing\n" + "message 3 (byte " +
                std::to_string(third) + "): MSH(1)-12: the version id (MSH-12) is missing\n");
  EXPECT_EQ(summary.messages, 3u);
  EXPECT_EQ(summary.findings, 6u);
  EXPECT_EQ(summary.unrecognized, 1u);
}

}  // namespace
}  // namespace aliquot::hl7
