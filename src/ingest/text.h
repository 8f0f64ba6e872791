#pragma once

// Small text helpers shared by the message mappings and the profile loader: instruments pad
// values with spaces and differ in letter case, and refusals list one problem per line.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace aliquot::ingest {

// `text` without leading and trailing spaces and tabs.
inline std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The lines joined with '\n'.
inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

}  // namespace aliquot::ingest
