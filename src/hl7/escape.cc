#include "hl7/escape.h"

#include "hl7/scan.h"

namespace aliquot::hl7 {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// \Xhh...\ (section 2.7.5): an even number of hex digits, at least two.
bool decode_hex(std::string_view digits, std::string& out) {
  if (digits.empty() || digits.size() % 2 != 0) return false;
  for (char c : digits) {
    if (hex_digit(c) < 0) return false;
  }
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out += static_cast<char>(hex_digit(digits[i]) * 16 + hex_digit(digits[i + 1]));
  }
  return true;
}

// Decodes the text between two escape characters; false when it is not one we decode, in which
// case the caller keeps the sequence verbatim.
bool decode_sequence(std::string_view body, const Delimiters& delimiters, std::string& out) {
  if (body.size() == 1) {
    switch (body[0]) {
      case 'F': out += delimiters.field; return true;
      case 'S': out += delimiters.component; return true;
      case 'T': out += delimiters.subcomponent; return true;
      case 'R': out += delimiters.repetition; return true;
      case 'E': out += delimiters.escape; return true;
      case 'P':
        if (!delimiters.has_truncation()) return false;
        out += delimiters.truncation;
        return true;
      case 'H':  // highlighting on/off (section 2.7.3): plain text drops the markers
      case 'N': return true;
      default: return false;
    }
  }
  if (body == ".br") {
    out += '\n';
    return true;
  }
  if (body[0] == 'X') return decode_hex(body.substr(1), out);
  return false;
}

}  // namespace

void unescape(std::string_view raw, const Delimiters& delimiters, std::string& out) {
  const char* p = raw.data();
  const char* const end = p + raw.size();
  while (true) {
    const char* const open = scan::find_byte(p, end, delimiters.escape);
    out.append(p, static_cast<std::size_t>(open - p));
    if (open == end) return;
    const char* const close = scan::find_byte(open + 1, end, delimiters.escape);
    if (close == end) {  // no closing escape character: kept as received
      out.append(open, static_cast<std::size_t>(end - open));
      return;
    }
    const std::string_view body(open + 1, static_cast<std::size_t>(close - open - 1));
    if (body.empty() || !decode_sequence(body, delimiters, out)) {
      out.append(open, static_cast<std::size_t>(close + 1 - open));
    }
    p = close + 1;
  }
}

void escape(std::string_view text, const Delimiters& delimiters, std::string& out) {
  if (text == "\"\"") {
    out += delimiters.escape;
    out += "X2222";
    out += delimiters.escape;
    return;
  }
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* code = nullptr;
    if (c == delimiters.field) {
      code = "F";
    } else if (c == delimiters.component) {
      code = "S";
    } else if (c == delimiters.subcomponent) {
      code = "T";
    } else if (c == delimiters.repetition) {
      code = "R";
    } else if (c == delimiters.escape) {
      code = "E";
    } else if (delimiters.has_truncation() && c == delimiters.truncation) {
      code = "P";
    } else if (c == '\r') {
      code = "X0D";
    } else if (c == '\n') {
      code = "X0A";
    } else {
      continue;
    }
    out.append(text.substr(run_start, i - run_start));
    out += delimiters.escape;
    out += code;
    out += delimiters.escape;
    run_start = i + 1;
  }
  out.append(text.substr(run_start));
}

}  // namespace aliquot::hl7
