#include "astm/deframer.h"

#include <cstdio>
#include <utility>

namespace aliquot::astm {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // accepted on input, never sent
  return -1;
}

std::string byte_name(char byte) {
  const auto value = static_cast<unsigned char>(byte);
  if (value >= 0x20 && value < 0x7F) return std::string("'") + byte + "'";
  char code[8];
  std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(value));
  return code;
}

}  // namespace

std::string Deframer::frame_name() const {
  std::string name = "frame";
  if (number_valid_) name += " " + std::to_string(frame_number_);
  return name + " at byte " + std::to_string(frame_offset_);
}

void Deframer::start_frame() {
  frame_offset_ = offset_;
  frame_number_ = -1;
  number_valid_ = false;
  number_byte_ = 0;
  text_.clear();
  end_ = FrameEnd::kFinal;
  sum_ = 0;
  received_checksum_ = 0;
  checksum_hex_valid_ = true;
  state_ = State::kNumber;
}

void Deframer::frame_error(FrameFault fault, std::string reason, std::vector<Event>& events) {
  Event event;
  event.kind = EventKind::kFrameError;
  event.offset = frame_offset_;
  event.frame_number = number_valid_ ? frame_number_ : -1;
  event.text = frame_name() + ": " + reason;
  event.fault = fault;
  events.push_back(std::move(event));
  text_.clear();
}

// LIS01-A2 section 6.3: the receiver checks the checksum, then that the frame number is the
// expected one. A refused frame leaves the expected number unchanged, so that the sender's
// retransmission (same number) is accepted.
void Deframer::complete_frame(std::vector<Event>& events) {
  const std::string received(checksum_chars_, 2);
  if (!checksum_hex_valid_) {
    frame_error(FrameFault::kChecksum, "checksum \"" + received + "\" is not two hex digits",
                events);
    return;
  }
  const auto computed = static_cast<std::uint8_t>(sum_ & 0xFFu);
  if (received_checksum_ != computed) {
    frame_error(FrameFault::kChecksum,
                "checksum is " + received + ", computed " + checksum_hex(computed), events);
    return;
  }
  if (!number_valid_) {
    frame_error(FrameFault::kNumber,
                "frame number " + byte_name(number_byte_) + " is not a digit 0-7", events);
    return;
  }
  if (frame_number_ != expected_number_) {
    frame_error(FrameFault::kSequence,
                "frame number " + std::to_string(frame_number_) + " where " +
                    std::to_string(expected_number_) + " was expected",
                events);
    return;
  }
  expected_number_ = next_frame_number(frame_number_);
  Event event;
  event.kind = EventKind::kFrame;
  event.offset = frame_offset_;
  event.frame_number = frame_number_;
  event.end = end_;
  event.text = std::move(text_);
  text_.clear();
  events.push_back(std::move(event));
}

void Deframer::idle_byte(char byte, std::vector<Event>& events) {
  state_ = State::kIdle;
  EventKind kind;
  switch (byte) {
    case kStx: start_frame(); return;
    case kCr:
    case kLf: return;  // line ends between frames, as stored captures have them
    case kEnq:
      kind = EventKind::kEnquiry;
      expected_number_ = 1;
      break;
    case kEot:
      kind = EventKind::kEndOfTransmission;
      expected_number_ = 1;
      break;
    case kAck: kind = EventKind::kAcknowledge; break;
    case kNak: kind = EventKind::kNegativeAcknowledge; break;
    default:
      if (!events.empty() && events.back().kind == EventKind::kNoise &&
          events.back().offset + events.back().text.size() == offset_) {
        events.back().text.push_back(byte);
      } else {
        Event noise;
        noise.kind = EventKind::kNoise;
        noise.offset = offset_;
        noise.text.assign(1, byte);
        events.push_back(std::move(noise));
      }
      return;
  }
  Event event;
  event.kind = kind;
  event.offset = offset_;
  events.push_back(std::move(event));
}

void Deframer::feed(std::string_view bytes, std::vector<Event>& events) {
  for (const char byte : bytes) {
    switch (state_) {
      case State::kIdle: idle_byte(byte, events); break;
      case State::kNumber:
        if (byte == kStx || byte == kEot || byte == kEnq) {
          frame_error(FrameFault::kInterrupted,
                      "interrupted by " + byte_name(byte) + " before ETX or ETB", events);
          idle_byte(byte, events);
          break;
        }
        number_byte_ = byte;
        number_valid_ = byte >= '0' && byte <= '7';
        frame_number_ = number_valid_ ? byte - '0' : -1;
        sum_ += static_cast<unsigned char>(byte);
        state_ = State::kText;
        break;
      case State::kText:
        if (byte == kEtx || byte == kEtb) {
          end_ = byte == kEtx ? FrameEnd::kFinal : FrameEnd::kIntermediate;
          sum_ += static_cast<unsigned char>(byte);
          state_ = State::kChecksumHigh;
        } else if (byte == kStx || byte == kEot || byte == kEnq) {
          frame_error(FrameFault::kInterrupted,
                      "interrupted by " + byte_name(byte) + " at byte " + std::to_string(offset_) +
                          " before ETX or ETB",
                      events);
          idle_byte(byte, events);
        } else if (text_.size() >= max_text_) {
          frame_error(FrameFault::kTooLong,
                      "text longer than " + std::to_string(max_text_) + " bytes", events);
          state_ = State::kIdle;  // the rest of the frame is noise until the next STX
        } else {
          text_.push_back(byte);
          sum_ += static_cast<unsigned char>(byte);
        }
        break;
      case State::kChecksumHigh:
      case State::kChecksumLow: {
        if (byte == kStx || byte == kEot || byte == kEnq) {
          frame_error(FrameFault::kInterrupted,
                      "interrupted by " + byte_name(byte) + " inside the checksum", events);
          idle_byte(byte, events);
          break;
        }
        const bool high = state_ == State::kChecksumHigh;
        checksum_chars_[high ? 0 : 1] = byte;
        const int value = hex_value(byte);
        if (value < 0) checksum_hex_valid_ = false;
        received_checksum_ = received_checksum_ * 16 + (value < 0 ? 0 : value);
        if (high) {
          state_ = State::kChecksumLow;
        } else {
          complete_frame(events);
          state_ = State::kAfterChecksum;
        }
        break;
      }
      case State::kAfterChecksum:
        if (byte == kCr) {
          state_ = State::kAfterCr;
        } else if (byte == kLf) {
          state_ = State::kIdle;
        } else {
          idle_byte(byte, events);
        }
        break;
      case State::kAfterCr:
        if (byte == kLf) {
          state_ = State::kIdle;
        } else {
          idle_byte(byte, events);
        }
        break;
    }
    ++offset_;
  }
}

void Deframer::finish(std::vector<Event>& events) {
  if (state_ == State::kNumber || state_ == State::kText || state_ == State::kChecksumHigh ||
      state_ == State::kChecksumLow) {
    frame_error(FrameFault::kTruncated,
                "stream ended before the frame was complete (no ETX/ETB and checksum)", events);
  }
  state_ = State::kIdle;
}

}  // namespace aliquot::astm
