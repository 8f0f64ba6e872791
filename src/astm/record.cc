#include "astm/record.h"

namespace aliquot::astm {
namespace {

// The `index`-th (1-based) piece of `text` split at `delimiter`; empty when absent.
std::string_view piece(std::string_view text, char delimiter, std::size_t index) {
  if (index < 1) return {};
  std::size_t start = 0;
  for (std::size_t current = 1; current < index; ++current) {
    const std::size_t next = text.find(delimiter, start);
    if (next == std::string_view::npos) return {};
    start = next + 1;
  }
  const std::size_t end = text.find(delimiter, start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

Result<Delimiters> delimiters_from_header(std::string_view header) {
  if (header.empty() || header[0] != 'H') {
    return invalid_argument("not a header record (H): \"" + std::string(header.substr(0, 10)) +
                            "\"");
  }
  if (header.size() < 5) {
    return invalid_argument("header record \"" + std::string(header) +
                            "\" is too short to define the delimiters (needs H|\\^& or similar)");
  }
  const Delimiters delimiters{header[1], header[2], header[3], header[4]};
  const char chars[] = {delimiters.field, delimiters.repeat, delimiters.component,
                        delimiters.escape};
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) {
      if (chars[i] == chars[j]) {
        return invalid_argument("header record defines delimiter '" + std::string(1, chars[i]) +
                                "' twice in \"" + std::string(header.substr(0, 5)) + "\"");
      }
    }
  }
  return delimiters;
}

RecordType record_type(std::string_view record) {
  if (record.empty()) return RecordType::kUnknown;
  switch (record[0]) {
    case 'H': return RecordType::kHeader;
    case 'P': return RecordType::kPatient;
    case 'O': return RecordType::kOrder;
    case 'R': return RecordType::kResult;
    case 'C': return RecordType::kComment;
    case 'Q': return RecordType::kQuery;
    case 'M': return RecordType::kManufacturer;
    case 'S': return RecordType::kScientific;
    case 'L': return RecordType::kTerminator;
    default: return RecordType::kUnknown;
  }
}

std::string_view record_type_letter(RecordType type) {
  switch (type) {
    case RecordType::kHeader: return "H";
    case RecordType::kPatient: return "P";
    case RecordType::kOrder: return "O";
    case RecordType::kResult: return "R";
    case RecordType::kComment: return "C";
    case RecordType::kQuery: return "Q";
    case RecordType::kManufacturer: return "M";
    case RecordType::kScientific: return "S";
    case RecordType::kTerminator: return "L";
    case RecordType::kUnknown: break;
  }
  return "?";
}

std::size_t Record::field_count() const {
  std::size_t count = 1;
  for (const char c : text_) count += c == delimiters_.field ? 1 : 0;
  return count;
}

std::string_view Record::field(std::size_t field) const {
  return piece(text_, delimiters_.field, field);
}

std::string_view Record::repeat(std::size_t field, std::size_t repeat) const {
  return piece(this->field(field), delimiters_.repeat, repeat);
}

std::string_view Record::component(std::size_t field, std::size_t repeat,
                                   std::size_t component) const {
  return piece(this->repeat(field, repeat), delimiters_.component, component);
}

std::string unescape(std::string_view value, const Delimiters& delimiters) {
  std::string out;
  out.reserve(value.size());
  const char escape = delimiters.escape;
  std::size_t i = 0;
  while (i < value.size()) {
    // A known sequence is exactly escape, one letter, escape.
    if (value[i] == escape && i + 2 < value.size() && value[i + 2] == escape) {
      char decoded = 0;
      switch (value[i + 1]) {
        case 'F': decoded = delimiters.field; break;
        case 'S': decoded = delimiters.component; break;
        case 'R': decoded = delimiters.repeat; break;
        case 'E': decoded = escape; break;
        default: break;
      }
      if (decoded != 0) {
        out.push_back(decoded);
        i += 3;
        continue;
      }
    }
    out.push_back(value[i]);
    ++i;
  }
  return out;
}

}  // namespace aliquot::astm
