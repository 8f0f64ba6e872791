#include "report/barcode.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::report {
namespace {

// The bar and space widths a symbol starts with, read back from the bars: ISO/IEC 15417 table 1
// gives Start B as 2 1 1 2 1 4 and Start C as 2 1 1 2 3 2 (bar, space, bar, space, bar, space).
std::vector<int> leading_widths(const Code128& barcode, int count) {
  std::vector<int> widths;
  for (std::size_t i = 0; i < barcode.bars.size() && static_cast<int>(widths.size()) < count; ++i) {
    widths.push_back(barcode.bars[i].width);
    const int end = barcode.bars[i].x + barcode.bars[i].width;
    const int next = i + 1 < barcode.bars.size() ? barcode.bars[i + 1].x : barcode.modules;
    widths.push_back(next - end);
  }
  widths.resize(static_cast<std::size_t>(count));
  return widths;
}

// The stop pattern 2 3 3 1 1 1 2 ends every symbol: its last four bars, read from the right.
std::vector<int> trailing_bars(const Code128& barcode) {
  const std::size_t n = barcode.bars.size();
  return {barcode.bars[n - 4].width, barcode.bars[n - 3].width, barcode.bars[n - 2].width,
          barcode.bars[n - 1].width};
}

void expect_well_formed(const Code128& barcode) {
  ASSERT_FALSE(barcode.bars.empty());
  // Symbols are 11 modules wide and the stop pattern 13.
  EXPECT_EQ((barcode.modules - 13) % 11, 0) << barcode.modules;
  EXPECT_EQ(barcode.bars.front().x, 0);
  EXPECT_EQ(barcode.bars.back().x + barcode.bars.back().width, barcode.modules);
  for (std::size_t i = 0; i < barcode.bars.size(); ++i) {
    EXPECT_GE(barcode.bars[i].width, 1);
    EXPECT_LE(barcode.bars[i].width, 4);
    if (i > 0) {
      EXPECT_GT(barcode.bars[i].x, barcode.bars[i - 1].x + barcode.bars[i - 1].width);  // a space
    }
  }
  EXPECT_EQ(trailing_bars(barcode), (std::vector<int>{2, 3, 1, 2}));
}

TEST(Code128, PacksDigitsTwoToASymbolInSubsetC) {
  const Result<Code128> barcode = code128("12345678");
  ASSERT_TRUE(barcode.has_value()) << barcode.error().message();
  expect_well_formed(*barcode);
  EXPECT_EQ(leading_widths(*barcode, 6), (std::vector<int>{2, 1, 1, 2, 3, 2}));  // Start C
  // Start, four digit pairs, the check symbol, and the stop pattern.
  EXPECT_EQ(barcode->modules, 6 * 11 + 13);
}

TEST(Code128, EncodesLettersInSubsetB) {
  const Result<Code128> barcode = code128("ABC");
  ASSERT_TRUE(barcode.has_value()) << barcode.error().message();
  expect_well_formed(*barcode);
  EXPECT_EQ(leading_widths(*barcode, 6), (std::vector<int>{2, 1, 1, 2, 1, 4}));  // Start B
  EXPECT_EQ(barcode->modules, 5 * 11 + 13);
}

TEST(Code128, EncodesAnAccessionNumberWithItsCheckCharacter) {
  const Result<Code128> barcode = code128("260000042H");
  ASSERT_TRUE(barcode.has_value()) << barcode.error().message();
  expect_well_formed(*barcode);
  // Fewer symbols than one per character: the digits go two to a symbol.
  EXPECT_LT(barcode->modules, (2 + 10) * 11 + 13);
  EXPECT_NE(to_json(*code128("260000042H")), to_json(*code128("260000043H")));
}

TEST(Code128, GivesTheBarsAsJson) {
  const Code128 barcode = *code128("1234");
  const nlohmann::json json = to_json(barcode);
  EXPECT_EQ(json["symbology"], "code128");
  EXPECT_EQ(json["modules"], barcode.modules);
  EXPECT_EQ(json["quiet_zone"], 10);
  ASSERT_EQ(json["bars"].size(), barcode.bars.size());
  EXPECT_EQ(json["bars"][0], (nlohmann::json{0, 2}));
}

TEST(Code128, RefusesWhatItCannotCarry) {
  EXPECT_FALSE(code128("").has_value());
  EXPECT_FALSE(code128(std::string(41, '1')).has_value());
  const Result<Code128> accented = code128("M\xc3\xbcller");
  ASSERT_FALSE(accented.has_value());
  EXPECT_NE(accented.error().message().find("character 2"), std::string::npos)
      << accented.error().message();
}

}  // namespace
}  // namespace aliquot::report
