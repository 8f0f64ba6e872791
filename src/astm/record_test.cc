#include "astm/record.h"

#include <gtest/gtest.h>

namespace aliquot::astm {
namespace {

TEST(DelimitersFromHeader, ReadsTheUsualDelimiters) {
  const Result<Delimiters> delimiters = delimiters_from_header("H|\\^&|||c311^1");
  ASSERT_TRUE(delimiters.has_value());
  EXPECT_EQ(delimiters->field, '|');
  EXPECT_EQ(delimiters->repeat, '\\');
  EXPECT_EQ(delimiters->component, '^');
  EXPECT_EQ(delimiters->escape, '&');
}

TEST(DelimitersFromHeader, ReadsGeneXpertDelimiters) {
  const Result<Delimiters> delimiters = delimiters_from_header("H|@^\\|||GeneXpert");
  ASSERT_TRUE(delimiters.has_value());
  EXPECT_EQ(delimiters->repeat, '@');
  EXPECT_EQ(delimiters->component, '^');
  EXPECT_EQ(delimiters->escape, '\\');
}

TEST(DelimitersFromHeader, RefusesOtherRecordsShortHeadersAndRepeatedDelimiters) {
  EXPECT_EQ(delimiters_from_header("P|1").error().message(), "not a header record (H): \"P|1\"");
  EXPECT_EQ(delimiters_from_header("H|\\").error().message(),
            "header record \"H|\\\" is too short to define the delimiters (needs H|\\^& or "
            "similar)");
  EXPECT_EQ(delimiters_from_header("H|^^&").error().message(),
            "header record defines delimiter '^' twice in \"H|^^&\"");
}

TEST(Record, NumbersFieldsFromTheRecordType) {
  const Record record("R|1|^^^685/|22.4|U/l||A||F", Delimiters{});
  EXPECT_EQ(record.type(), RecordType::kResult);
  EXPECT_EQ(record.field(1), "R");
  EXPECT_EQ(record.field(4), "22.4");
  EXPECT_EQ(record.field(5), "U/l");
  EXPECT_EQ(record.field(7), "A");
  EXPECT_EQ(record.field(9), "F");
  EXPECT_EQ(record.field(10), "");
  EXPECT_EQ(record.field(0), "");
  EXPECT_EQ(record.field_count(), 9u);
  EXPECT_EQ(record.component(3, 1, 4), "685/");
}

TEST(Record, CountsHeaderFieldsAsTheStandardDoes) {
  const Record header("H|\\^&|||Afinion 2 Analyzer^^AF20052397|||||||P|1|20241206141235",
                      Delimiters{});
  EXPECT_EQ(header.type(), RecordType::kHeader);
  EXPECT_EQ(header.component(5, 1, 1), "Afinion 2 Analyzer");
  EXPECT_EQ(header.component(5, 1, 3), "AF20052397");
  EXPECT_EQ(header.field(12), "P");
  EXPECT_EQ(header.field(14), "20241206141235");
}

TEST(Record, ReadsRepeatsAndComponentsWithTheRecordsDelimiters) {
  const Record order("O|1|S1@^^^WBC@^^^RBC", Delimiters{'|', '@', '^', '\\'});
  EXPECT_EQ(order.repeat(3, 1), "S1");
  EXPECT_EQ(order.repeat(3, 3), "^^^RBC");
  EXPECT_EQ(order.component(3, 3, 4), "RBC");
  EXPECT_EQ(order.repeat(3, 4), "");
  EXPECT_EQ(order.component(3, 1, 2), "");
}

TEST(RecordType, RecognisesTheLis02Types) {
  EXPECT_EQ(record_type("H|"), RecordType::kHeader);
  EXPECT_EQ(record_type("P|"), RecordType::kPatient);
  EXPECT_EQ(record_type("O|"), RecordType::kOrder);
  EXPECT_EQ(record_type("R|"), RecordType::kResult);
  EXPECT_EQ(record_type("C|"), RecordType::kComment);
  EXPECT_EQ(record_type("Q|"), RecordType::kQuery);
  EXPECT_EQ(record_type("M|"), RecordType::kManufacturer);
  EXPECT_EQ(record_type("S|"), RecordType::kScientific);
  EXPECT_EQ(record_type("L|"), RecordType::kTerminator);
  EXPECT_EQ(record_type("X|"), RecordType::kUnknown);
  EXPECT_EQ(record_type(""), RecordType::kUnknown);
  EXPECT_EQ(record_type_letter(RecordType::kManufacturer), "M");
}

TEST(Unescape, DecodesTheFourSequencesAndKeepsOthers) {
  const Delimiters delimiters;
  EXPECT_EQ(unescape("a&F&b&S&c&R&d&E&e", delimiters), "a|b^c\\d&e");
  EXPECT_EQ(unescape("PNG&R&20240628&R&x.PNG", delimiters), "PNG\\20240628\\x.PNG");
  EXPECT_EQ(unescape("&X&, & and &", delimiters), "&X&, & and &");
  EXPECT_EQ(unescape("a\\S\\b", Delimiters{'|', '@', '^', '\\'}), "a^b");
}

}  // namespace
}  // namespace aliquot::astm
