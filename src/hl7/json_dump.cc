#include "hl7/json_dump.h"

#include <array>

namespace aliquot::hl7 {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence starting at text[i] (RFC 3629 section 4), or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const std::size_t left = text.size() - i;
  const unsigned char lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) {
    return (left >= 2 && is_continuation(byte(1))) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (left < 3 || !is_continuation(byte(1)) || !is_continuation(byte(2))) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4 || !is_continuation(byte(1)) || !is_continuation(byte(2)) ||
        !is_continuation(byte(3))) {
      return 0;
    }
    if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(1) > 0x8F) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

void append_leaf(const Value& value, std::string& out, std::string& scratch) {
  if (value.is_null()) {
    out += "null";
    return;
  }
  if (value.raw().find(value.delimiters().escape) == std::string_view::npos) {
    append_json_string(value.raw(), out);  // nothing to decode: no copy
    return;
  }
  scratch.clear();
  value.unescape_to(scratch);
  append_json_string(scratch, out);
}

bool contains_any(std::string_view text, char a, char b, char c) {
  for (char ch : text) {
    if (ch == a || ch == b || ch == c) return true;
  }
  return false;
}

void append_component(const Value& component, std::string& out, std::string& scratch) {
  const Delimiters& d = component.delimiters();
  if (!contains_any(component.raw(), d.subcomponent, d.subcomponent, d.subcomponent)) {
    append_leaf(component, out, scratch);
    return;
  }
  out += '[';
  bool first = true;
  for (const Value subcomponent : component.subcomponents()) {
    if (!first) out += ", ";
    first = false;
    append_leaf(subcomponent, out, scratch);
  }
  out += ']';
}

void append_repetition(const Value& repetition, std::string& out, std::string& scratch) {
  const Delimiters& d = repetition.delimiters();
  if (!contains_any(repetition.raw(), d.component, d.subcomponent, d.subcomponent)) {
    append_leaf(repetition, out, scratch);
    return;
  }
  out += '[';
  bool first = true;
  for (const Value component : repetition.components()) {
    if (!first) out += ", ";
    first = false;
    append_component(component, out, scratch);
  }
  out += ']';
}

void append_field(const Value& field, std::string& out, std::string& scratch) {
  const Delimiters& d = field.delimiters();
  if (field.structure() == Structure::kVerbatim) {
    append_json_string(field.raw(), out);
    return;
  }
  if (!contains_any(field.raw(), d.repetition, d.component, d.subcomponent)) {
    append_leaf(field, out, scratch);
    return;
  }
  out += '[';
  bool first = true;
  for (const Value repetition : field.repetitions()) {
    if (!first) out += ", ";
    first = false;
    append_repetition(repetition, out, scratch);
  }
  out += ']';
}

// Bytes that a JSON string cannot hold as they are: controls, '"', '\\', and non-ASCII bytes
// (which need a UTF-8 check).
constexpr std::array<bool, 256> kNeedsAttention = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  return table;
}();

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!kNeedsAttention[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length > 0) {
        i += length;
        continue;
      }
    }
    out.append(text.substr(run_start, i - run_start));
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0x0F];
        } else {
          out += kReplacement;
        }
    }
    ++i;
    run_start = i;
  }
  out.append(text.substr(run_start));
  out += '"';
}

void append_json(const Message& message, std::string& out) {
  std::string scratch;
  out += "[\n";
  bool first_segment = true;
  for (const Segment segment : message.segments()) {
    if (!first_segment) out += ",\n";
    first_segment = false;
    out += "    [";
    append_json_string(segment.id(), out);
    for (const Value field : segment.fields()) {
      out += ", ";
      append_field(field, out, scratch);
    }
    out += ']';
  }
  out += "\n  ]";
}

}  // namespace aliquot::hl7
