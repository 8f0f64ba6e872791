#include "core/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace aliquot::core {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest_spelling(std::string_view word, const std::vector<std::string>& candidates,
                             LetterCase letter_case) {
  const bool fold = letter_case == LetterCase::kIgnored;
  const std::string wanted = fold ? ascii_upper(word) : std::string(word);
  std::string nearest;
  std::size_t best = 3;  // within two edits
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(wanted, fold ? ascii_upper(candidate) : candidate);
    if (distance < best && distance < candidate.size()) {
      best = distance;
      nearest = candidate;
    }
  }
  return nearest;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string printable_excerpt(std::string_view bytes, std::size_t limit) {
  std::string out;
  for (const char byte : bytes.substr(0, limit)) {
    const auto value = static_cast<unsigned char>(byte);
    out.push_back(value >= 0x20 && value < 0x7F ? byte : '.');
  }
  if (bytes.size() > limit) out += "...";
  return out;
}

std::string join_as_sentence(const std::vector<std::string>& items, std::string_view last_word) {
  if (items.size() < 2) return join(items);
  return join(std::vector<std::string>(items.begin(), items.end() - 1)) + " " +
         std::string(last_word) + " " + items.back();
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string number_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

namespace {
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = upper(c);
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (upper(a[i]) != upper(b[i])) return false;
  }
  return true;
}

}  // namespace aliquot::core
