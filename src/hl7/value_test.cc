#include "hl7/value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::hl7 {
namespace {

Value field(std::string_view raw) { return Value(raw, Delimiters(), Level::kField); }

std::vector<std::string> raws(const Parts& parts) {
  std::vector<std::string> out;
  for (const Value part : parts) out.emplace_back(part.raw());
  return out;
}

TEST(Value, TellsAbsentEmptyAndNullApart) {
  const Value absent;
  EXPECT_FALSE(absent.exists());
  EXPECT_TRUE(absent.is_empty());
  EXPECT_FALSE(absent.is_null());
  EXPECT_FALSE(absent.has_value());

  const Value empty = field("");
  EXPECT_TRUE(empty.exists());
  EXPECT_TRUE(empty.is_empty());
  EXPECT_FALSE(empty.is_null());
  EXPECT_FALSE(empty.has_value());

  const Value null = field("\"\"");
  EXPECT_TRUE(null.exists());
  EXPECT_FALSE(null.is_empty());
  EXPECT_TRUE(null.is_null());
  EXPECT_FALSE(null.has_value());

  EXPECT_TRUE(field("x").has_value());
}

TEST(Value, SplitsRepetitionsComponentsAndSubcomponents) {
  const Value value = field("a1^a2&x&y^a3~b1^b2");
  EXPECT_EQ(value.repetition(1).raw(), "a1^a2&x&y^a3");
  EXPECT_EQ(value.repetition(2).raw(), "b1^b2");
  EXPECT_FALSE(value.repetition(3).exists());
  EXPECT_FALSE(value.repetition(0).exists());
  EXPECT_EQ(value.repetition(2).component(2).raw(), "b2");
  EXPECT_EQ(value.repetition(1).component(2).subcomponent(3).raw(), "y");
  EXPECT_FALSE(value.repetition(1).component(4).exists());
  EXPECT_EQ(value.repetition(1).component(2).level(), Level::kComponent);
}

TEST(Value, ReadsComponentsOfAFieldInItsFirstRepetition) {
  const Value value = field("a1^a2&x~b1^b2");
  EXPECT_EQ(value.component(2).raw(), "a2&x");
  EXPECT_EQ(value.subcomponent(1).raw(), "a1");
  EXPECT_EQ(value.component(2).subcomponent(2).raw(), "x");
}

TEST(Value, TreatsASimpleValueAsTheFirstPartOfAComposite) {
  const Value value = field("plain");
  EXPECT_EQ(value.component(1).raw(), "plain");
  EXPECT_EQ(value.component(1).subcomponent(1).raw(), "plain");
  EXPECT_FALSE(value.component(2).exists());
  const Value component = value.component(1);
  EXPECT_EQ(component.component(1).raw(), "plain");
  EXPECT_FALSE(component.repetition(2).exists());
}

TEST(Value, KeepsEmptyPartsBetweenSeparators) {
  const Value value = field("^^x^");
  EXPECT_EQ(raws(value.components()), (std::vector<std::string>{"", "", "x", ""}));
  EXPECT_TRUE(value.component(4).exists());
  EXPECT_TRUE(value.component(4).is_empty());
  EXPECT_FALSE(value.component(5).exists());
}

TEST(Value, IteratesPartsInOrder) {
  const Value value = field("a~b^c~\"\"");
  EXPECT_EQ(raws(value.repetitions()), (std::vector<std::string>{"a", "b^c", "\"\""}));
  EXPECT_EQ(value.repetitions().size(), 3u);
  EXPECT_EQ(raws(value.repetition(2).components()), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(raws(field("").repetitions()), (std::vector<std::string>{""}));
  EXPECT_TRUE(raws(Value().repetitions()).empty());
  EXPECT_EQ(Value().repetitions().size(), 0u);
  EXPECT_EQ(Value().components().size(), 0u);
  EXPECT_EQ(Value().subcomponents().size(), 0u);
  EXPECT_EQ(field("a").repetition(2).components().size(), 0u);
  EXPECT_EQ(field("a^b&c").subcomponents().size(), 1u);
  EXPECT_EQ(field("a^b&c").component(2).subcomponents().size(), 2u);
}

TEST(Value, PartIteratorsOutliveTheirRange) {
  const Value value = field("x~y");
  Parts::Iterator it = value.repetitions().begin();
  ++it;
  EXPECT_EQ((*it).raw(), "y");
  ++it;
  EXPECT_TRUE(it == Parts::Iterator());
}

TEST(Value, NeverSplitsOrDecodesAVerbatimValue) {
  const Value encoding("^~\\&", Delimiters(), Level::kField, Structure::kVerbatim);
  EXPECT_EQ(encoding.repetition(1).raw(), "^~\\&");
  EXPECT_EQ(encoding.component(1).raw(), "^~\\&");
  EXPECT_FALSE(encoding.component(2).exists());
  EXPECT_EQ(encoding.repetitions().size(), 1u);
  EXPECT_EQ(encoding.text(), "^~\\&");
  EXPECT_FALSE(Value("\"\"", Delimiters(), Level::kField, Structure::kVerbatim).is_null());
}

TEST(Value, UnescapesIntoTheCallersBuffer) {
  const Value value = field("5\\S\\3 \\T\\ 2");
  std::string out = ">";
  value.unescape_to(out);
  EXPECT_EQ(out, ">5^3 & 2");
  EXPECT_EQ(value.text(), "5^3 & 2");
  EXPECT_EQ(value.raw(), "5\\S\\3 \\T\\ 2");
}

}  // namespace
}  // namespace aliquot::hl7
