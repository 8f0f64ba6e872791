#include "hl7/json_dump.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace aliquot::hl7 {
namespace {

std::string dump(std::string_view bytes) {
  const Result<Message> message = Message::parse(bytes);
  EXPECT_TRUE(message.has_value()) << message.error().to_string();
  std::string out;
  if (message) append_json(*message, out);
  return out;
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

TEST(AppendJson, WritesOneSegmentPerLineWithFieldsAtTheirNumbers) {
  EXPECT_EQ(dump("MSH|^~\\&|LAB||EHR\rPID|1||X\r"),
            "[\n"
            "    [\"MSH\", \"|\", \"^~\\\\&\", \"LAB\", \"\", \"EHR\"],\n"
            "    [\"PID\", \"1\", \"\", \"X\"]\n"
            "  ]");
}

TEST(AppendJson, NestsOnlyWhereThereAreParts) {
  const nlohmann::json segment = nlohmann::json::parse(
      "[" + dump("MSH|^~\\&\rOBX|a~b|a^b|a^b&c|a&b|a^b~c|~|\"\"|x~\"\"^y") + "]")[0][1];
  EXPECT_EQ(segment, nlohmann::json::parse(R"(["OBX",
      ["a", "b"],
      [["a", "b"]],
      [["a", ["b", "c"]]],
      [[["a", "b"]]],
      [["a", "b"], "c"],
      ["", ""],
      null,
      ["x", [null, "y"]]])"));
}

TEST(AppendJson, DecodesEscapesButKeepsMsh2Verbatim) {
  const nlohmann::json message =
      nlohmann::json::parse(dump("MSH|^~\\&|A\\S\\B\rNTE|1||x\\.br\\y\\H\\z\\N\\ \\Zq\\"));
  EXPECT_EQ(message[0][2], "^~\\&");
  EXPECT_EQ(message[0][3], "A^B");
  EXPECT_EQ(message[1][3], "x\nyz \\Zq\\");
}

TEST(AppendJson, WritesCustomDelimitersVerbatim) {
  const nlohmann::json message = nlohmann::json::parse(dump("MSH#@*?%#A@B\r"));
  EXPECT_EQ(message[0], nlohmann::json::parse(R"(["MSH", "#", "@*?%", [["A", "B"]]])"));
}

TEST(AppendJsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(json_string(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_string(std::string("\0", 1)), "\"\\u0000\"");
}

TEST(AppendJsonString, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("Müller 5 µg/L €"), "\"Müller 5 µg/L €\"");
  EXPECT_EQ(json_string("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
  EXPECT_EQ(json_string("M\xFCller"), "\"M\xEF\xBF\xBDller\"");        // ISO 8859-1 ü
  EXPECT_EQ(json_string("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(json_string("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // truncated
  EXPECT_TRUE(nlohmann::json::accept(json_string("\xFF\xFE\x80")));
}

}  // namespace
}  // namespace aliquot::hl7
