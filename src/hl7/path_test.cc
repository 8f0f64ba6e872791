#include "hl7/path.h"

#include <gtest/gtest.h>

namespace aliquot::hl7 {
namespace {

Path path(std::string_view text) {
  const Result<Path> parsed = parse_path(text);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().to_string();
  return parsed.value_or(Path());
}

std::string parse_error(std::string_view text) {
  const Result<Path> parsed = parse_path(text);
  return parsed.has_value() ? "parsed" : parsed.error().to_string();
}

TEST(ParsePath, ReadsAFieldWithDefaults) {
  const Path p = path("MSH-9");
  EXPECT_EQ(p.segment(), "MSH");
  EXPECT_EQ(p.occurrence, 1);
  EXPECT_EQ(p.field, 9);
  EXPECT_EQ(p.repetition, 1);
  EXPECT_EQ(p.component, 0);
  EXPECT_EQ(p.subcomponent, 0);
}

TEST(ParsePath, ReadsEveryPart) {
  const Path p = path("OBX(3)-5(2).4.1");
  EXPECT_EQ(p.segment(), "OBX");
  EXPECT_EQ(p.occurrence, 3);
  EXPECT_EQ(p.field, 5);
  EXPECT_EQ(p.repetition, 2);
  EXPECT_EQ(p.component, 4);
  EXPECT_EQ(p.subcomponent, 1);
  EXPECT_EQ(path("PID-3(2).1").repetition, 2);
  EXPECT_EQ(path("NK1-2.1").segment(), "NK1");
  EXPECT_EQ(path("Z01-12").field, 12);
}

TEST(ParsePath, WritesTheCanonicalText) {
  EXPECT_EQ(path("OBX(3)-5(2).4.1").to_string(), "OBX(3)-5(2).4.1");
  EXPECT_EQ(path("OBX(1)-5(1)").to_string(), "OBX-5");
  EXPECT_EQ(path("MSH-9.2").to_string(), "MSH-9.2");
}

TEST(ParsePath, SaysWhatIsWrongAndWhere) {
  EXPECT_EQ(parse_error("obx-5"),
            "path 'obx-5': a segment id must be 3 upper-case letters or digits, starting with a "
            "letter (column 1)");
  EXPECT_EQ(parse_error("OB-5"),
            "path 'OB-5': a segment id must be 3 upper-case letters or digits, starting with a "
            "letter (column 3)");
  EXPECT_EQ(parse_error(""),
            "path '': a segment id must be 3 upper-case letters or digits, starting with a "
            "letter (column 1)");
  EXPECT_EQ(parse_error("OBX"),
            "path 'OBX': '-' and a field number must follow the segment (column 4)");
  EXPECT_EQ(parse_error("OBX.5"), "path 'OBX.5': expected '-' before the field number (column 4)");
  EXPECT_EQ(parse_error("OBX-"), "path 'OBX-': a field number must follow '-' (column 5)");
  EXPECT_EQ(parse_error("OBX-0"), "path 'OBX-0': a field number must be at least 1 (column 5)");
  EXPECT_EQ(parse_error("OBX(0)-5"),
            "path 'OBX(0)-5': a segment occurrence must be at least 1 (column 5)");
  EXPECT_EQ(parse_error("OBX()-5"),
            "path 'OBX()-5': a segment occurrence must follow '(' (column 5)");
  EXPECT_EQ(parse_error("OBX(2-5"), "path 'OBX(2-5': expected ')' (column 6)");
  EXPECT_EQ(parse_error("OBX-5(x)"),
            "path 'OBX-5(x)': a repetition number must follow '(' (column 7)");
  EXPECT_EQ(parse_error("OBX-5."), "path 'OBX-5.': a component number must follow '.' (column 7)");
  EXPECT_EQ(parse_error("OBX-5.1."),
            "path 'OBX-5.1.': a subcomponent number must follow '.' (column 9)");
  EXPECT_EQ(parse_error("OBX-5.1.1.1"), "path 'OBX-5.1.1.1': unexpected '.' (column 10)");
  EXPECT_EQ(parse_error("OBX-5 "), "path 'OBX-5 ': unexpected ' ' (column 6)");
  EXPECT_EQ(parse_error("OBX-100000"),
            "path 'OBX-100000': a field number must be at most 99999 (column 5)");
  EXPECT_EQ(parse_error("OBX-99999"), "parsed");
}

}  // namespace
}  // namespace aliquot::hl7
