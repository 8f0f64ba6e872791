#include "hl7/builder.h"

#include <cassert>
#include <utility>

#include "hl7/escape.h"

namespace aliquot::hl7 {

MessageBuilder::MessageBuilder(const Delimiters& delimiters) : delimiters_(delimiters) {
  assert(validate_delimiters(delimiters_).has_value());
}

MessageBuilder& MessageBuilder::segment(std::string_view id) {
  assert(id.size() == 3);
  if (in_segment_) bytes_ += '\r';
  bytes_.append(id);
  in_segment_ = true;
  field_open_ = false;
  field_number_ = 0;
  if (id == "MSH") {
    bytes_ += delimiters_.field;
    bytes_ += delimiters_.encoding_characters();
    field_number_ = 2;
  }
  return *this;
}

void MessageBuilder::start_field() {
  assert(in_segment_);
  bytes_ += delimiters_.field;
  ++field_number_;
  field_open_ = true;
}

MessageBuilder& MessageBuilder::field(std::string_view text) {
  start_field();
  escape(text, delimiters_, bytes_);
  return *this;
}

MessageBuilder& MessageBuilder::components_at(int number,
                                              std::initializer_list<std::string_view> components) {
  std::size_t count = components.size();
  while (count > 0 && components.begin()[count - 1].empty()) --count;
  for (std::size_t i = 0; i < count; ++i) {
    if (i == 0) {
      field_at(number, components.begin()[i]);
    } else {
      component(components.begin()[i]);
    }
  }
  return *this;
}

MessageBuilder& MessageBuilder::field_at(int number, std::string_view text) {
  assert(number > field_number_);
  while (field_number_ < number - 1) start_field();
  return field(text);
}

MessageBuilder& MessageBuilder::null_field() {
  start_field();
  bytes_ += "\"\"";
  return *this;
}

MessageBuilder& MessageBuilder::repetition(std::string_view text) {
  assert(field_open_);
  bytes_ += delimiters_.repetition;
  escape(text, delimiters_, bytes_);
  return *this;
}

MessageBuilder& MessageBuilder::component(std::string_view text) {
  assert(field_open_);
  bytes_ += delimiters_.component;
  escape(text, delimiters_, bytes_);
  return *this;
}

MessageBuilder& MessageBuilder::subcomponent(std::string_view text) {
  assert(field_open_);
  bytes_ += delimiters_.subcomponent;
  escape(text, delimiters_, bytes_);
  return *this;
}

std::string MessageBuilder::finish() {
  if (in_segment_) bytes_ += '\r';
  std::string out = std::move(bytes_);
  bytes_.clear();
  field_number_ = 0;
  in_segment_ = false;
  field_open_ = false;
  return out;
}

}  // namespace aliquot::hl7
