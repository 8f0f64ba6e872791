#include "hl7/builder.h"

#include <gtest/gtest.h>

#include <string>

#include "hl7/message.h"

namespace aliquot::hl7 {
namespace {

TEST(MessageBuilder, WritesSegmentsEndingWithCr) {
  MessageBuilder builder;
  builder.segment("MSH").field("LAB").field("").field("EHR");
  builder.field_at(9, "ORU").component("R01").component("ORU_R01").field("MSG1");
  builder.segment("PID").field("1").field("").field("MRN1").repetition("SSN1").component("SSA");
  builder.segment("NTE").null_field();
  EXPECT_EQ(builder.finish(),
            "MSH|^~\\&|LAB||EHR||||ORU^R01^ORU_R01|MSG1\r"
            "PID|1||MRN1~SSN1^SSA\r"
            "NTE|\"\"\r");
}

TEST(MessageBuilder, CountsFieldsAsHl7Does) {
  MessageBuilder builder;
  builder.segment("MSH");
  EXPECT_EQ(builder.field_number(), 2);
  builder.field("A");
  EXPECT_EQ(builder.field_number(), 3);
  builder.segment("OBX");
  EXPECT_EQ(builder.field_number(), 0);
  builder.field_at(5, "x");
  EXPECT_EQ(builder.field_number(), 5);
  EXPECT_EQ(builder.bytes(), "MSH|^~\\&|A\rOBX|||||x");
}

TEST(MessageBuilder, WritesItsOwnDelimiters) {
  const Delimiters custom{'!', '@', '*', '?', '%', '#'};
  MessageBuilder builder(custom);
  builder.segment("MSH").field("A!B").component("C").subcomponent("D");
  EXPECT_EQ(builder.finish(), "MSH!@*?%#!A?F?B@C%D\r");
}

TEST(MessageBuilder, StartsAfreshAfterFinish) {
  MessageBuilder builder;
  builder.segment("MSH").field("A");
  EXPECT_EQ(builder.finish(), "MSH|^~\\&|A\r");
  EXPECT_EQ(builder.finish(), "");
  builder.segment("MSH").field("B");
  EXPECT_EQ(builder.finish(), "MSH|^~\\&|B\r");
}

// parse(write(x)) == x: every value survives, whatever delimiters it contains.
TEST(MessageBuilder, RoundTripsValuesHoldingEveryDelimiter) {
  const std::string nasty = "a|b^c~d\\e&f#g\r\nh\"\"i\\F\\j";
  for (const Delimiters& delimiters : {Delimiters(), Delimiters{'!', '@', '*', '?', '%', '\0'},
                                       Delimiters{'|', '^', '~', '\\', '&', '#'}}) {
    MessageBuilder builder(delimiters);
    builder.segment("MSH").field(nasty).field_at(9, "ORU").component("R01");
    builder.segment("OBX")
        .field("1")
        .field("ST")
        .field(nasty)
        .component(nasty)
        .subcomponent(nasty)
        .field("")
        .field(nasty)
        .repetition(nasty)
        .repetition("\"\"");
    builder.segment("NTE").null_field().field("\"\"");
    const std::string bytes = builder.finish();
    const Result<Message> message = Message::parse(bytes);
    ASSERT_TRUE(message.has_value()) << message.error().to_string();
    EXPECT_EQ(message->delimiters(), delimiters);
    EXPECT_EQ(message->get("MSH-3").value().text(), nasty);
    EXPECT_EQ(message->get("MSH-9.2").value().text(), "R01");
    EXPECT_EQ(message->get("OBX-3.1").value().text(), nasty);
    EXPECT_EQ(message->get("OBX-3.2.1").value().text(), nasty);
    EXPECT_EQ(message->get("OBX-3.2.2").value().text(), nasty);
    EXPECT_TRUE(message->get("OBX-4").value().is_empty());
    EXPECT_EQ(message->get("OBX-5").value().text(), nasty);
    EXPECT_EQ(message->get("OBX-5(2)").value().text(), nasty);
    EXPECT_FALSE(message->get("OBX-5(3)").value().is_null());
    EXPECT_EQ(message->get("OBX-5(3)").value().text(), "\"\"");
    EXPECT_TRUE(message->get("NTE-1").value().is_null());
    EXPECT_FALSE(message->get("NTE-2").value().is_null());
    EXPECT_EQ(message->get("NTE-2").value().text(), "\"\"");
    EXPECT_EQ(message->segment_count(), 3u);
  }
}

}  // namespace
}  // namespace aliquot::hl7
