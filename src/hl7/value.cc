#include "hl7/value.h"

#include "hl7/escape.h"
#include "hl7/scan.h"

namespace aliquot::hl7 {
namespace {

// Part `number` (1-based) of `text` split at `separator`, or nullptr data when there is none.
bool nth_part(std::string_view text, char separator, int number, std::string_view& part) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (number > 1) {
    p = scan::find_nth_byte(p, end, separator, number - 1);
    if (p == end) return false;
    ++p;
  }
  const char* part_end = scan::find_byte(p, end, separator);
  part = std::string_view(p, static_cast<std::size_t>(part_end - p));
  return true;
}

}  // namespace

Value Value::repetition(int number) const {
  if (!exists_ || number < 1) return Value();
  if (level_ != Level::kField || structure_ == Structure::kVerbatim) {
    return number == 1 ? *this : Value();
  }
  std::string_view part;
  if (!nth_part(raw_, delimiters_.repetition, number, part)) return Value();
  return Value(part, delimiters_, Level::kRepetition);
}

Value Value::component(int number) const {
  if (!exists_ || number < 1) return Value();
  if (structure_ == Structure::kVerbatim) return number == 1 ? *this : Value();
  if (level_ == Level::kField) return repetition(1).component(number);
  if (level_ != Level::kRepetition) {
    return number == 1 ? *this : Value();
  }
  std::string_view part;
  if (!nth_part(raw_, delimiters_.component, number, part)) return Value();
  return Value(part, delimiters_, Level::kComponent);
}

Value Value::subcomponent(int number) const {
  if (!exists_ || number < 1) return Value();
  if (structure_ == Structure::kVerbatim) return number == 1 ? *this : Value();
  if (level_ == Level::kField || level_ == Level::kRepetition) {
    return component(1).subcomponent(number);
  }
  if (level_ != Level::kComponent) {
    return number == 1 ? *this : Value();
  }
  std::string_view part;
  if (!nth_part(raw_, delimiters_.subcomponent, number, part)) return Value();
  return Value(part, delimiters_, Level::kSubcomponent);
}

Parts Value::repetitions() const {
  const bool split = level_ == Level::kField && structure_ == Structure::kDelimited;
  return Parts(raw_, exists_, split ? delimiters_.repetition : '\0', delimiters_,
               split ? Level::kRepetition : level_, structure_);
}

Parts Value::components() const {
  if (!exists_) return Parts({}, false, '\0', delimiters_, Level::kComponent, structure_);
  if (level_ == Level::kField && structure_ == Structure::kDelimited) {
    return repetition(1).components();
  }
  const bool split = level_ == Level::kRepetition && structure_ == Structure::kDelimited;
  return Parts(raw_, exists_, split ? delimiters_.component : '\0', delimiters_,
               split ? Level::kComponent : level_, structure_);
}

Parts Value::subcomponents() const {
  if (!exists_) return Parts({}, false, '\0', delimiters_, Level::kSubcomponent, structure_);
  if ((level_ == Level::kField || level_ == Level::kRepetition) &&
      structure_ == Structure::kDelimited) {
    return component(1).subcomponents();
  }
  const bool split = level_ == Level::kComponent && structure_ == Structure::kDelimited;
  return Parts(raw_, exists_, split ? delimiters_.subcomponent : '\0', delimiters_,
               split ? Level::kSubcomponent : level_, structure_);
}

void Value::unescape_to(std::string& out) const {
  if (structure_ == Structure::kVerbatim) {
    out.append(raw_);
    return;
  }
  unescape(raw_, delimiters_, out);
}

std::string Value::text() const {
  std::string out;
  unescape_to(out);
  return out;
}

Parts::Iterator Parts::begin() const {
  Iterator it;
  if (!exists_) return it;
  it.done_ = false;
  it.end_ = text_.data() + text_.size();
  it.delimiters_ = delimiters_;
  it.separator_ = separator_;
  it.level_ = level_;
  it.structure_ = structure_;
  it.part_begin_ = text_.data();
  it.part_end_ =
      separator_ == '\0' ? it.end_ : scan::find_byte(it.part_begin_, it.end_, separator_);
  return it;
}

std::size_t Parts::size() const {
  if (!exists_) return 0;
  if (separator_ == '\0') return 1;
  return 1 + scan::count_byte(text_.data(), text_.data() + text_.size(), separator_);
}

Parts::Iterator& Parts::Iterator::operator++() {
  if (part_end_ == end_) {
    done_ = true;
    return *this;
  }
  part_begin_ = part_end_ + 1;
  part_end_ = scan::find_byte(part_begin_, end_, separator_);
  return *this;
}

}  // namespace aliquot::hl7
