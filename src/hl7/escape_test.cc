#include "hl7/escape.h"

#include <gtest/gtest.h>

#include <string>

namespace aliquot::hl7 {
namespace {

std::string unescaped(std::string_view raw, const Delimiters& delimiters = Delimiters()) {
  std::string out;
  unescape(raw, delimiters, out);
  return out;
}

std::string escaped(std::string_view text, const Delimiters& delimiters = Delimiters()) {
  std::string out;
  escape(text, delimiters, out);
  return out;
}

TEST(Unescape, LeavesTextWithoutEscapesAsItIs) {
  EXPECT_EQ(unescaped("glucose 5.4 mmol/L"), "glucose 5.4 mmol/L");
  EXPECT_EQ(unescaped(""), "");
}

TEST(Unescape, AppendsToTheCallersBuffer) {
  std::string out = "before:";
  unescape("a\\S\\b", Delimiters(), out);
  EXPECT_EQ(out, "before:a^b");
}

TEST(Unescape, DecodesEveryDelimiter) {
  EXPECT_EQ(unescaped("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"), "a|b^c&d~e\\f");
}

TEST(Unescape, UsesTheDelimitersOfTheMessage) {
  const Delimiters custom{'!', '@', '*', '?', '%', '\0'};
  EXPECT_EQ(unescaped("1?F?2?S?3?T?4?R?5?E?6", custom), "1!2@3%4*5?6");
  // With '?' as escape character a backslash is plain text.
  EXPECT_EQ(unescaped("a\\F\\b", custom), "a\\F\\b");
}

TEST(Unescape, DecodesHexBytes) {
  EXPECT_EQ(unescaped("\\X41\\"), "A");
  EXPECT_EQ(unescaped("x\\X414243\\y"), "xABCy");
  EXPECT_EQ(unescaped("\\X0D0A\\"), "\r\n");
  EXPECT_EQ(unescaped("\\Xc3a9\\"), "\xc3\xa9");
}

TEST(Unescape, KeepsMalformedHexAsReceived) {
  EXPECT_EQ(unescaped("\\X4\\"), "\\X4\\");
  EXPECT_EQ(unescaped("\\X\\"), "\\X\\");
  EXPECT_EQ(unescaped("\\XZZ\\"), "\\XZZ\\");
  EXPECT_EQ(unescaped("\\x41\\"), "\\x41\\");
}

TEST(Unescape, TurnsTheLineBreakCommandIntoANewline) {
  EXPECT_EQ(unescaped("line one\\.br\\line two"), "line one\nline two");
}

TEST(Unescape, DropsHighlightingMarkersAndKeepsTheirText) {
  EXPECT_EQ(unescaped("result \\H\\POSITIVE\\N\\ confirmed"), "result POSITIVE confirmed");
}

TEST(Unescape, KeepsCharacterSetAndUnknownEscapesVerbatim) {
  EXPECT_EQ(unescaped("\\C2842\\abc\\C2B42\\"), "\\C2842\\abc\\C2B42\\");
  EXPECT_EQ(unescaped("\\M2442\\"), "\\M2442\\");
  EXPECT_EQ(unescaped("\\Zsite\\"), "\\Zsite\\");
  EXPECT_EQ(unescaped("a\\.sp2\\b\\.in+4\\c"), "a\\.sp2\\b\\.in+4\\c");
  EXPECT_EQ(unescaped("\\FS\\"), "\\FS\\");
}

TEST(Unescape, KeepsAnUnterminatedEscapeAndAnEmptyOne) {
  EXPECT_EQ(unescaped("abc\\F"), "abc\\F");
  EXPECT_EQ(unescaped("a\\\\b"), "a\\\\b");
  EXPECT_EQ(unescaped("\\"), "\\");
  // After an unknown sequence, decoding goes on.
  EXPECT_EQ(unescaped("\\Zx\\\\S\\"), "\\Zx\\^");
}

TEST(Unescape, DecodesTruncationOnlyWhenTheMessageDeclaresIt) {
  Delimiters with_truncation;
  with_truncation.truncation = '#';
  EXPECT_EQ(unescaped("a\\P\\b", with_truncation), "a#b");
  EXPECT_EQ(unescaped("a\\P\\b"), "a\\P\\b");
}

TEST(Escape, EscapesEveryDelimiterAndLineEnd) {
  EXPECT_EQ(escaped("a|b^c&d~e\\f"), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  EXPECT_EQ(escaped("one\r\ntwo"), "one\\X0D\\\\X0A\\two");
  EXPECT_EQ(escaped("plain"), "plain");
}

TEST(Escape, WritesATextThatLooksLikeANullSoThatItIsNotReadAsOne) {
  EXPECT_EQ(escaped("\"\""), "\\X2222\\");
  EXPECT_EQ(unescaped(escaped("\"\"")), "\"\"");
  EXPECT_EQ(escaped("\"quoted\""), "\"quoted\"");
}

TEST(Escape, RoundTripsEveryByteWithCustomDelimiters) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (const Delimiters& delimiters : {Delimiters(), Delimiters{'!', '@', '*', '?', '%', '\0'},
                                       Delimiters{'|', '^', '~', '\\', '&', '#'}}) {
    const std::string written = escaped(all, delimiters);
    for (char c : written) {
      EXPECT_NE(c, delimiters.field);
      EXPECT_NE(c, delimiters.component);
      EXPECT_NE(c, delimiters.repetition);
      EXPECT_NE(c, delimiters.subcomponent);
      EXPECT_NE(c, '\r');
      EXPECT_NE(c, '\n');
      if (delimiters.has_truncation()) {
        EXPECT_NE(c, delimiters.truncation);
      }
    }
    EXPECT_EQ(unescaped(written, delimiters), all);
  }
}

}  // namespace
}  // namespace aliquot::hl7
