#include "hl7/message.h"

#include <string>

#include "core/text.h"
#include "hl7/scan.h"

namespace aliquot::hl7 {
namespace {

using scan::is_segment_id_char;
using scan::is_upper;

// A segment starts with its id, 3 upper-case letters or digits (the first a letter), followed by
// the field separator or the end of the segment.
bool starts_with_segment_id(const char* p, const char* end, char field_separator) {
  const std::size_t size = static_cast<std::size_t>(end - p);
  return size >= 3 && is_upper(p[0]) && is_segment_id_char(p[1]) && is_segment_id_char(p[2]) &&
         (size == 3 || p[3] == field_separator);
}

bool is_blank(const char* p, const char* end) {
  for (; p < end; ++p) {
    if (*p != ' ' && *p != '\t') return false;
  }
  return true;
}

bool same_id(std::string_view segment_text, std::string_view id) {
  return segment_text.size() >= 3 && id.size() == 3 && segment_text[0] == id[0] &&
         segment_text[1] == id[1] && segment_text[2] == id[2];
}

}  // namespace

Result<Message> Message::parse(std::string_view bytes) {
  Message message;
  ALIQUOT_RETURN_IF_ERROR(message.assign(bytes));
  return message;
}

Result<void> Message::assign(std::string_view bytes) {
  bytes_ = std::string_view();
  delimiters_ = Delimiters();
  segments_.clear();
  if (bytes.size() > kMaxSize) {
    return invalid_argument("message is " + std::to_string(bytes.size()) +
                            " bytes; the most accepted is " + std::to_string(kMaxSize));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const Delimiters delimiters, read_delimiters(bytes));
  // Segment ends are found 64 bytes at a time as a bit mask (scan.h), so that the cost is one
  // pass over the bytes plus a little per segment, however short the segments.
  const char* const begin = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t line_start = 0;
  for (std::size_t block = 0; block < size; block += 64) {
    std::uint64_t ends = size - block >= 64 ? scan::line_end_mask(begin + block)
                                            : scan::line_end_mask(begin + block, size - block);
    while (ends != 0) {
      const std::size_t line_end = block + static_cast<std::size_t>(__builtin_ctzll(ends));
      ends &= ends - 1;
      if (line_end > line_start) {
        if (!add_segment(begin, line_start, line_end, delimiters.field)) {
          return refuse_line(begin, line_start, line_end, delimiters.field);
        }
      }
      line_start = line_end + 1;
    }
  }
  if (size > line_start && !add_segment(begin, line_start, size, delimiters.field)) {
    return refuse_line(begin, line_start, size, delimiters.field);
  }
  bytes_ = bytes;
  delimiters_ = delimiters;
  return ok();
}

bool Message::add_segment(const char* begin, std::size_t line_start, std::size_t line_end,
                          char field_separator) {
  const char* const p = begin + line_start;
  const char* const q = begin + line_end;
  if (!starts_with_segment_id(p, q, field_separator)) return is_blank(p, q);
  if (!segments_.empty() && p[0] == 'M' && p[1] == 'S' && p[2] == 'H') return false;
  segments_.push_back(
      Span{static_cast<std::uint32_t>(line_start), static_cast<std::uint32_t>(line_end)});
  return true;
}

Error Message::refuse_line(const char* begin, std::size_t line_start, std::size_t line_end,
                           char field_separator) {
  const char* const p = begin + line_start;
  const std::size_t number = segments_.size() + 1;
  segments_.clear();
  if (starts_with_segment_id(p, begin + line_end, field_separator)) {  // a second MSH
    return Error(ErrorCode::kInvalidArgument,
                 "segment " + std::to_string(number) +
                     " is a second MSH: a message has one header; split a stream into messages "
                     "first",
                 SourcePosition{"MSH", 2, 0});
  }
  return invalid_argument(
      "segment " + std::to_string(number) +
      " does not start with a segment id (3 upper-case letters or digits, then the field "
      "separator '" +
      std::string(1, field_separator) + "'): '" +
      core::printable_excerpt(std::string_view(p, line_end - line_start), 40) +
      "'; is a line break inside a value not escaped?");
}

std::optional<Segment> Message::find(std::string_view id, int occurrence) const {
  if (occurrence < 1) return std::nullopt;
  for (const Span& span : segments_) {
    const std::string_view text = bytes_.substr(span.begin, span.end - span.begin);
    if (same_id(text, id) && --occurrence == 0) return Segment(text, delimiters_);
  }
  return std::nullopt;
}

std::size_t Message::count(std::string_view id) const {
  std::size_t n = 0;
  for (const Span& span : segments_) {
    if (same_id(bytes_.substr(span.begin, span.end - span.begin), id)) ++n;
  }
  return n;
}

int Message::occurrence_of(std::size_t index) const {
  const std::string_view id = segment(index).id();
  int occurrence = 0;
  for (std::size_t i = 0; i <= index; ++i) {
    if (same_id(bytes_.substr(segments_[i].begin, segments_[i].end - segments_[i].begin), id)) {
      ++occurrence;
    }
  }
  return occurrence;
}

Value Message::get(const Path& path) const {
  const std::optional<Segment> segment = find(path.segment(), path.occurrence);
  if (!segment) return Value();
  Value value = segment->field(path.field).repetition(path.repetition);
  if (path.component > 0) {
    value = value.component(path.component);
    if (path.subcomponent > 0) value = value.subcomponent(path.subcomponent);
  }
  return value;
}

Result<Value> Message::get(std::string_view path) const {
  ALIQUOT_ASSIGN_OR_RETURN(const Path parsed, parse_path(path));
  return get(parsed);
}

}  // namespace aliquot::hl7
