#include "hl7/scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace aliquot::hl7::scan {
namespace {

// Random texts over a small alphabet, so that delimiters and line ends fall at every offset
// relative to the 16- and 64-byte blocks.
std::string random_text(std::mt19937& random, std::size_t size) {
  static constexpr char kAlphabet[] = "ab|^\r\n";
  std::uniform_int_distribution<int> pick(0, 5);
  std::string text(size, ' ');
  for (char& c : text) c = kAlphabet[pick(random)];
  return text;
}

TEST(Scan, AgreesWithPlainLoopsAtEveryOffset) {
  std::mt19937 random(20260302);
  for (int round = 0; round < 2000; ++round) {
    const std::string text = random_text(random, static_cast<std::size_t>(round % 200));
    const char* const begin = text.data();
    const char* const end = begin + text.size();

    const std::size_t line_end = text.find_first_of("\r\n");
    EXPECT_EQ(find_line_end(begin, end) - begin,
              static_cast<std::ptrdiff_t>(line_end == std::string::npos ? text.size() : line_end));

    const std::size_t bar = text.find('|');
    EXPECT_EQ(find_byte(begin, end, '|') - begin,
              static_cast<std::ptrdiff_t>(bar == std::string::npos ? text.size() : bar));

    for (int n = 1; n <= 5; ++n) {
      std::size_t expected = text.size();
      int seen = 0;
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '^' && ++seen == n) {
          expected = i;
          break;
        }
      }
      EXPECT_EQ(find_nth_byte(begin, end, '^', n) - begin, static_cast<std::ptrdiff_t>(expected));
    }

    for (std::size_t block = 0; block < text.size(); block += 64) {
      const std::size_t size = std::min<std::size_t>(64, text.size() - block);
      std::uint64_t expected = 0;
      for (std::size_t i = 0; i < size; ++i) {
        if (text[block + i] == '\r' || text[block + i] == '\n') expected |= std::uint64_t{1} << i;
      }
      EXPECT_EQ(size == 64 ? line_end_mask(begin + block) : line_end_mask(begin + block, size),
                expected);
    }
  }
}

TEST(Scan, FindsFarBytesThroughTheLibraryPath) {
  std::string text(10000, 'x');
  text[9000] = '|';
  EXPECT_EQ(find_byte(text.data(), text.data() + text.size(), '|') - text.data(), 9000);
  EXPECT_EQ(find_byte(text.data(), text.data() + 8000, '|') - text.data(), 8000);
  EXPECT_EQ(find_byte(text.data(), text.data(), '|'), text.data());
}

}  // namespace
}  // namespace aliquot::hl7::scan
