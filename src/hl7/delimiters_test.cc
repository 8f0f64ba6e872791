#include "hl7/delimiters.h"

#include <gtest/gtest.h>

namespace aliquot::hl7 {
namespace {

TEST(ReadDelimiters, ReadsTheUsualDelimiters) {
  const Result<Delimiters> delimiters = read_delimiters("MSH|^~\\&|LAB");
  ASSERT_TRUE(delimiters.has_value()) << delimiters.error().to_string();
  EXPECT_EQ(delimiters->field, '|');
  EXPECT_EQ(delimiters->component, '^');
  EXPECT_EQ(delimiters->repetition, '~');
  EXPECT_EQ(delimiters->escape, '\\');
  EXPECT_EQ(delimiters->subcomponent, '&');
  EXPECT_FALSE(delimiters->has_truncation());
  EXPECT_EQ(delimiters->encoding_characters(), "^~\\&");
}

TEST(ReadDelimiters, ReadsWhateverTheMessageNames) {
  const Result<Delimiters> delimiters = read_delimiters("MSH!@*?%!LAB");
  ASSERT_TRUE(delimiters.has_value()) << delimiters.error().to_string();
  EXPECT_EQ(delimiters->field, '!');
  EXPECT_EQ(delimiters->component, '@');
  EXPECT_EQ(delimiters->repetition, '*');
  EXPECT_EQ(delimiters->escape, '?');
  EXPECT_EQ(delimiters->subcomponent, '%');
}

TEST(ReadDelimiters, ReadsTheTruncationCharacterOfVersion27) {
  const Result<Delimiters> delimiters = read_delimiters("MSH|^~\\&#|LAB");
  ASSERT_TRUE(delimiters.has_value()) << delimiters.error().to_string();
  EXPECT_EQ(delimiters->truncation, '#');
  EXPECT_EQ(delimiters->encoding_characters(), "^~\\&#");
}

TEST(ReadDelimiters, AcceptsAHeaderThatEndsAfterMsh2) {
  EXPECT_TRUE(read_delimiters("MSH|^~\\&").has_value());
  EXPECT_TRUE(read_delimiters("MSH|^~\\&\rPID|1").has_value());
}

TEST(ReadDelimiters, RefusesAMessageThatDoesNotStartWithMsh) {
  EXPECT_EQ(read_delimiters("PID|1||123").error().to_string(),
            "message does not start with MSH: it starts with 'PID|1||1...'");
  EXPECT_EQ(read_delimiters("").error().to_string(), "message is empty: it must start with MSH");
  EXPECT_EQ(read_delimiters("\x0bMSH|").error().to_string(),
            "message does not start with MSH: it starts with '.MSH|'");
}

TEST(ReadDelimiters, RefusesAnMshEndingBeforeItsFieldSeparator) {
  EXPECT_EQ(read_delimiters("MSH").error().to_string(),
            "MSH:1:1: MSH ends before its field separator (MSH-1)");
  EXPECT_EQ(read_delimiters("MSH\rPID").error().to_string(),
            "MSH:1:1: MSH ends before its field separator (MSH-1)");
}

TEST(ReadDelimiters, RefusesEncodingCharactersOfTheWrongLength) {
  EXPECT_EQ(read_delimiters("MSH|^~\\|LAB").error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~\\' are 3 characters; there must be 4 "
            "(component, repetition, escape, subcomponent) or 5 (and truncation)");
  EXPECT_EQ(read_delimiters("MSH|^~\\&#!|LAB").error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~\\&#!' are 6 characters; there must be 4 "
            "(component, repetition, escape, subcomponent) or 5 (and truncation)");
  EXPECT_EQ(read_delimiters("MSH||LAB").error().position()->column, 2);
}

TEST(ReadDelimiters, RefusesADelimiterUsedTwice) {
  EXPECT_EQ(read_delimiters("MSH|^~^&|LAB").error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~^&': the escape character '^' is also the "
            "component separator");
  EXPECT_EQ(read_delimiters("MSH|^~\\&&|LAB").error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~\\&&': the truncation character '&' is also "
            "the subcomponent separator");
}

TEST(ReadDelimiters, RefusesLettersDigitsAndSpacesAsDelimiters) {
  EXPECT_EQ(read_delimiters("MSHA^~\\&ALAB").error().to_string(),
            "MSH:1:1: MSH-1 field separator 'A' is not allowed: a delimiter must be a printable "
            "character other than a letter, a digit or a space");
  EXPECT_EQ(read_delimiters("MSH|^~ &|LAB").error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~ &': the escape character 0x20 is not allowed: "
            "a delimiter must be a printable character other than a letter, a digit or a space");
}

TEST(ValidateDelimiters, RefusesAnEncodingCharacterEqualToTheFieldSeparator) {
  Delimiters delimiters;
  delimiters.subcomponent = '|';
  EXPECT_EQ(validate_delimiters(delimiters).error().to_string(),
            "MSH:1:2: MSH-2 encoding characters '^~\\|': the subcomponent separator '|' is also "
            "the field separator");
  EXPECT_TRUE(validate_delimiters(Delimiters()).has_value());
}

}  // namespace
}  // namespace aliquot::hl7
