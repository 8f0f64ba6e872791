#pragma once

// Output for tools that print a lot (a line per message of a gigabyte file): text is gathered in
// one large buffer and handed to the stream in big writes, instead of a stream call per line.
// Not thread-safe.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace aliquot::hl7 {

class BufferedOutput {
 public:
  static constexpr std::size_t kDefaultCapacity = std::size_t{1} << 20;

  explicit BufferedOutput(std::ostream& out, std::size_t capacity = kDefaultCapacity);
  // Flushes what is left.
  ~BufferedOutput();
  BufferedOutput(const BufferedOutput&) = delete;
  BufferedOutput& operator=(const BufferedOutput&) = delete;

  // The buffer, for appending in place; call flush_if_full() after each unit of output.
  std::string& buffer() { return buffer_; }
  void append(std::string_view text) { buffer_.append(text); }
  void put(char c) { buffer_ += c; }

  void flush_if_full() {
    if (buffer_.size() >= capacity_) flush();
  }
  void flush();

 private:
  std::ostream& out_;
  std::size_t capacity_;
  std::string buffer_;
};

}  // namespace aliquot::hl7
