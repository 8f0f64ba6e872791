#include "hl7/segment.h"

#include "hl7/scan.h"

namespace aliquot::hl7 {

Value Segment::field(int number) const {
  if (number < 1 || text_.size() < 4) return Value();
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  const char separator = delimiters_.field;
  int separators_to_skip = number;
  if (is_header()) {
    if (number == 1)
      return Value(text_.substr(3, 1), delimiters_, Level::kField, Structure::kVerbatim);
    separators_to_skip = number - 1;
  }
  // text_[3] is the first field separator; field `number` starts after the
  // `separators_to_skip`-th one.
  const char* p = scan::find_nth_byte(begin + 3, end, separator, separators_to_skip);
  if (p == end) return Value();
  ++p;
  const char* const field_end = scan::find_byte(p, end, separator);
  const std::string_view raw(p, static_cast<std::size_t>(field_end - p));
  const Structure structure =
      (is_header() && number == 2) ? Structure::kVerbatim : Structure::kDelimited;
  return Value(raw, delimiters_, Level::kField, structure);
}

int Segment::field_count() const {
  if (text_.size() < 4) return 0;
  const int separators = static_cast<int>(
      scan::count_byte(text_.data() + 3, text_.data() + text_.size(), delimiters_.field));
  return is_header() ? separators + 1 : separators;
}

FieldRange::Iterator FieldRange::begin() const {
  Iterator it;
  const std::string_view text = segment_.text();
  if (text.size() < 4) return it;
  it.done_ = false;
  it.delimiters_ = segment_.delimiters();
  it.header_ = segment_.is_header();
  it.end_ = text.data() + text.size();
  it.number_ = 1;
  if (it.header_) {  // MSH-1: the separator itself
    it.part_begin_ = text.data() + 3;
    it.part_end_ = it.part_begin_ + 1;
  } else {
    it.part_begin_ = text.data() + 4;
    it.part_end_ = scan::find_byte(it.part_begin_, it.end_, it.delimiters_.field);
  }
  return it;
}

Value FieldRange::Iterator::operator*() const {
  const std::string_view raw(part_begin_, static_cast<std::size_t>(part_end_ - part_begin_));
  const Structure structure =
      (header_ && number_ <= 2) ? Structure::kVerbatim : Structure::kDelimited;
  return Value(raw, delimiters_, Level::kField, structure);
}

FieldRange::Iterator& FieldRange::Iterator::operator++() {
  if (header_ && number_ == 1) {
    // MSH-2 starts right after MSH-1; both are followed by a field separator or the end.
    number_ = 2;
    part_begin_ = part_end_;
    part_end_ = scan::find_byte(part_begin_, end_, delimiters_.field);
    return *this;
  }
  if (part_end_ == end_) {
    done_ = true;
    return *this;
  }
  ++number_;
  part_begin_ = part_end_ + 1;
  part_end_ = scan::find_byte(part_begin_, end_, delimiters_.field);
  return *this;
}

}  // namespace aliquot::hl7
