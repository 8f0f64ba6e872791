#include "hl7/buffered_output.h"

namespace aliquot::hl7 {

BufferedOutput::BufferedOutput(std::ostream& out, std::size_t capacity)
    : out_(out), capacity_(capacity) {
  buffer_.reserve(capacity_ + capacity_ / 4);
}

BufferedOutput::~BufferedOutput() { flush(); }

void BufferedOutput::flush() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace aliquot::hl7
