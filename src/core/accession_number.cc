#include "core/accession_number.h"

#include <cstdio>

namespace aliquot::core {
namespace {

int char_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

std::string body_of(int year_two_digits, std::int64_t sequence) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02d%07lld", year_two_digits,
                static_cast<long long>(sequence));
  return buffer;
}

}  // namespace

// ISO/IEC 7064 MOD 37-2, pure system with radix 2: each character's value is weighted by 2^n,
// n its position counted from the right starting at 1 (the check position is 0); the check value
// makes the weighted sum congruent to 1 modulo 37. Computed Horner-style, reducing as we go.
char mod37_2_check_character(std::string_view body) {
  int sum = 0;
  for (char c : body) {
    const int v = char_value(c);
    sum = ((sum + (v < 0 ? 0 : v)) * 2) % 37;
  }
  const int check = (38 - sum) % 37;
  return kAlphabet[check];
}

Result<AccessionNumber> AccessionNumber::make(int year_two_digits, std::int64_t sequence) {
  if (year_two_digits < 0 || year_two_digits > 99) {
    return invalid_argument("accession year must be two digits, got " +
                            std::to_string(year_two_digits));
  }
  if (sequence < 1 || sequence > kMaxSequence) {
    return invalid_argument("accession sequence " + std::to_string(sequence) +
                            " is outside 1..9999999");
  }
  std::string text = body_of(year_two_digits, sequence);
  const char check = mod37_2_check_character(text);
  if (check == '*') {
    return invalid_argument("accession sequence " + std::to_string(sequence) +
                            " has check character '*', which is never issued");
  }
  text.push_back(check);
  return AccessionNumber(std::move(text));
}

std::int64_t AccessionNumber::next_usable_sequence(int year_two_digits, std::int64_t sequence) {
  while (sequence <= kMaxSequence &&
         mod37_2_check_character(body_of(year_two_digits, sequence)) == '*') {
    ++sequence;
  }
  return sequence;
}

Result<AccessionNumber> AccessionNumber::parse(std::string_view text) {
  const std::string shown(text);
  if (text.size() != 2 + kSequenceDigits + 1) {
    return invalid_argument("'" + shown + "' is not an accession number: expected 10 characters " +
                            "(YY, 7 digits, check character), got " + std::to_string(text.size()));
  }
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return invalid_argument("'" + shown + "' is not an accession number: character " +
                              std::to_string(i + 1) + " must be a digit");
    }
  }
  const char expected = mod37_2_check_character(text.substr(0, text.size() - 1));
  char given = text.back();
  if (given >= 'a' && given <= 'z') given = static_cast<char>(given - 'a' + 'A');
  if (given != expected) {
    return invalid_argument("'" + shown +
                            "' fails its check character: the number was mistyped or misread");
  }
  std::string normalized = shown;
  normalized.back() = given;
  return AccessionNumber(std::move(normalized));
}

int AccessionNumber::year_two_digits() const { return std::stoi(text_.substr(0, 2)); }

std::int64_t AccessionNumber::sequence() const {
  return std::stoll(text_.substr(2, kSequenceDigits));
}

}  // namespace aliquot::core
