#include "hl7/path.h"

#include "hl7/scan.h"

namespace aliquot::hl7 {
namespace {

using scan::is_digit;
using scan::is_segment_id_char;
using scan::is_upper;

class PathReader {
 public:
  explicit PathReader(std::string_view text) : text_(text) {}

  Error error(const std::string& what) const {
    return invalid_argument("path '" + std::string(text_) + "': " + what + " (column " +
                            std::to_string(position_ + 1) + ")");
  }
  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }
  std::size_t position() const { return position_; }
  void advance() { ++position_; }

  // A number from 1 to kMaxPathNumber; `what` names it in errors ("a field number").
  Result<int> number(const std::string& what, const std::string& after) {
    if (!is_digit(peek())) return error(what + " must follow " + after);
    const std::size_t start = position_;
    long value = 0;
    while (is_digit(peek())) {
      value = value * 10 + (peek() - '0');
      if (value > kMaxPathNumber) {
        position_ = start;
        return error(what + " must be at most " + std::to_string(kMaxPathNumber));
      }
      ++position_;
    }
    if (value < 1) {
      position_ = start;
      return error(what + " must be at least 1");
    }
    return static_cast<int>(value);
  }

  // "(n)" when present, else 1.
  Result<int> optional_index(const std::string& what) {
    if (!take('(')) return 1;
    ALIQUOT_ASSIGN_OR_RETURN(const int value, number(what, "'('"));
    if (!take(')')) return error("expected ')'");
    return value;
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

std::string Path::to_string() const {
  std::string out(segment());
  if (occurrence != 1) out += "(" + std::to_string(occurrence) + ")";
  out += "-" + std::to_string(field);
  if (repetition != 1) out += "(" + std::to_string(repetition) + ")";
  if (component > 0) out += "." + std::to_string(component);
  if (subcomponent > 0) out += "." + std::to_string(subcomponent);
  return out;
}

Result<Path> parse_path(std::string_view text) {
  PathReader reader(text);
  Path path;
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = reader.peek();
    const bool valid = i == 0 ? is_upper(c) : is_segment_id_char(c);
    if (!valid) {
      return reader.error(
          "a segment id must be 3 upper-case letters or digits, starting with a letter");
    }
    path.segment_id[i] = c;
    reader.advance();
  }
  ALIQUOT_ASSIGN_OR_RETURN(path.occurrence, reader.optional_index("a segment occurrence"));
  if (!reader.take('-')) {
    return reader.error(reader.at_end() ? "'-' and a field number must follow the segment"
                                        : "expected '-' before the field number");
  }
  ALIQUOT_ASSIGN_OR_RETURN(path.field, reader.number("a field number", "'-'"));
  ALIQUOT_ASSIGN_OR_RETURN(path.repetition, reader.optional_index("a repetition number"));
  if (reader.take('.')) {
    ALIQUOT_ASSIGN_OR_RETURN(path.component, reader.number("a component number", "'.'"));
    if (reader.take('.')) {
      ALIQUOT_ASSIGN_OR_RETURN(path.subcomponent, reader.number("a subcomponent number", "'.'"));
    }
  }
  if (!reader.at_end()) {
    return reader.error(std::string("unexpected '") + reader.peek() + "'");
  }
  return path;
}

}  // namespace aliquot::hl7
