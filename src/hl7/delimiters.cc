#include "hl7/delimiters.h"

#include <array>
#include <cstdio>
#include <utility>

#include "core/text.h"

namespace aliquot::hl7 {
namespace {

bool is_allowed_delimiter(char c) {
  const bool printable = c > ' ' && c < 0x7f;
  const bool alphanumeric =
      (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  return printable && !alphanumeric;
}

// A character as it can be shown in an error: itself when printable, else its hex code.
std::string shown(char c) {
  if (c > ' ' && c < 0x7f) return std::string("'") + c + "'";
  std::array<char, 8> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%02X", static_cast<unsigned char>(c));
  return hex.data();
}

Error msh_error(int field, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), SourcePosition{"MSH", 1, field});
}

}  // namespace

std::string Delimiters::encoding_characters() const {
  std::string out{component, repetition, escape, subcomponent};
  if (has_truncation()) out += truncation;
  return out;
}

Result<void> validate_delimiters(const Delimiters& delimiters) {
  if (!is_allowed_delimiter(delimiters.field)) {
    return msh_error(1, "MSH-1 field separator " + shown(delimiters.field) +
                            " is not allowed: a delimiter must be a printable character other "
                            "than a letter, a digit or a space");
  }
  const std::array<std::pair<char, const char*>, 5> encoding = {{
      {delimiters.component, "component separator"},
      {delimiters.repetition, "repetition separator"},
      {delimiters.escape, "escape character"},
      {delimiters.subcomponent, "subcomponent separator"},
      {delimiters.truncation, "truncation character"},
  }};
  const std::string written = delimiters.encoding_characters();
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    const auto& [c, role] = encoding[i];
    if (c == '\0' && i == 4) continue;  // no truncation character
    if (!is_allowed_delimiter(c)) {
      return msh_error(2, "MSH-2 encoding characters '" + core::printable_excerpt(written, 8) +
                              "': the " + role + " " + shown(c) +
                              " is not allowed: a delimiter must be a printable character other "
                              "than a letter, a digit or a space");
    }
    if (c == delimiters.field) {
      return msh_error(2, "MSH-2 encoding characters '" + core::printable_excerpt(written, 8) +
                              "': the " + role + " " + shown(c) + " is also the field separator");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (encoding[j].first == c) {
        return msh_error(2, "MSH-2 encoding characters '" + core::printable_excerpt(written, 8) +
                                "': the " + role + " " + shown(c) + " is also the " +
                                encoding[j].second);
      }
    }
  }
  return ok();
}

Result<Delimiters> read_delimiters(std::string_view message) {
  if (message.substr(0, 3) != "MSH") {
    if (message.empty()) return invalid_argument("message is empty: it must start with MSH");
    return invalid_argument("message does not start with MSH: it starts with '" +
                            core::printable_excerpt(message, 8) + "'");
  }
  if (message.size() < 4 || message[3] == '\r' || message[3] == '\n') {
    return msh_error(1, "MSH ends before its field separator (MSH-1)");
  }
  Delimiters delimiters;
  delimiters.field = message[3];
  std::size_t end = 4;
  while (end < message.size() && message[end] != delimiters.field && message[end] != '\r' &&
         message[end] != '\n') {
    ++end;
  }
  const std::string_view encoding = message.substr(4, end - 4);
  if (encoding.size() != 4 && encoding.size() != 5) {
    return msh_error(2, "MSH-2 encoding characters '" + core::printable_excerpt(encoding, 8) +
                            "' are " + std::to_string(encoding.size()) +
                            " characters; there must be 4 (component, repetition, escape, "
                            "subcomponent) or 5 (and truncation)");
  }
  delimiters.component = encoding[0];
  delimiters.repetition = encoding[1];
  delimiters.escape = encoding[2];
  delimiters.subcomponent = encoding[3];
  if (encoding.size() == 5) {
    if (encoding[4] == '\0') {
      return msh_error(2,
                       "MSH-2 encoding characters: the truncation character 0x00 is not "
                       "allowed: a delimiter must be a printable character other than a "
                       "letter, a digit or a space");
    }
    delimiters.truncation = encoding[4];
  }
  // Nearly every message uses the usual delimiters, which are known to be valid.
  if (!(delimiters == Delimiters())) ALIQUOT_RETURN_IF_ERROR(validate_delimiters(delimiters));
  return delimiters;
}

}  // namespace aliquot::hl7
