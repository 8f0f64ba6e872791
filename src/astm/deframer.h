#pragma once

// The receiving half of ASTM E1381 / CLSI LIS01-A2: a byte-stream state machine that turns the
// bytes of a link (or of a stored capture) into events. Bytes are fed in pieces of any size — a
// TCP read may hold part of a frame or several frames — and the events are the same however the
// stream is cut.
//
// It checks each frame (digit frame number in the expected sequence, checksum) but keeps no
// timers and sends nothing: a link-layer state machine feeds it, answers ACK/NAK per event and
// runs the LIS01-A2 timers and retries. Reassembling records from frames is RecordAssembler
// (decode.h).
//
// Liberal on input, as real instruments require (Sysmex, cobas, GeneXpert send whole messages in
// one frame; cobas c111 ends every record with ETB; stored captures lose CR or LF): frames of
// any length up to max_text, lowercase checksum hex, a missing CR or LF after the checksum, and
// line ends between frames in stored captures.
//
// Not thread-safe; one per link.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "astm/frame.h"

namespace aliquot::astm {

enum class EventKind {
  kEnquiry,              // the sender asks to start a transfer (frame numbering restarts at 1)
  kEndOfTransmission,    // the transfer ends (frame numbering restarts at 1)
  kAcknowledge,          // the peer accepted our frame
  kNegativeAcknowledge,  // the peer refused our frame
  kFrame,                // a frame with a good checksum and the expected number
  kFrameError,           // a frame that must be refused (NAK); `text` says why
  kNoise,                // bytes outside any frame that are no control byte; `text` holds them
};

// Why a frame was refused (kFrameError). A link layer tells a retransmitted frame (good checksum,
// the number of the frame it last accepted: its acknowledgement was lost) from a damaged one.
enum class FrameFault {
  kNone,         // not a kFrameError
  kChecksum,     // the checksum is not two hex digits or does not match
  kNumber,       // the frame number is not a digit 0-7
  kSequence,     // good checksum, but not the expected frame number
  kInterrupted,  // STX, ENQ or EOT arrived before the frame was complete
  kTooLong,      // the text exceeds the deframer's limit
  kTruncated,    // the stream ended inside the frame
};

struct Event {
  EventKind kind = EventKind::kNoise;
  // Offset in the stream (counted over all feeds) of the event's first byte: the STX of a frame.
  std::size_t offset = 0;
  // kFrame, and kFrameError when the number could be read; -1 otherwise.
  int frame_number = -1;
  // kFrame: ETB (the record continues) or ETX.
  FrameEnd end = FrameEnd::kFinal;
  // kFrame: the frame text between the frame number and ETB/ETX. kFrameError: the reason,
  // naming the frame number and byte offset. kNoise: the bytes.
  std::string text;
  // kFrameError: why the frame was refused; kNone for other kinds.
  FrameFault fault = FrameFault::kNone;
};

class Deframer {
 public:
  // Frames whose text exceeds `max_text` bytes are refused (the memory a peer may make us hold).
  static constexpr std::size_t kDefaultMaxText = 1 << 20;
  explicit Deframer(std::size_t max_text = kDefaultMaxText) : max_text_(max_text) {}

  // Consumes `bytes`, appending the events they complete to `events`.
  void feed(std::string_view bytes, std::vector<Event>& events);

  // The stream has ended: a frame still open is reported as a kFrameError (truncated).
  void finish(std::vector<Event>& events);

  // The number the next frame must carry (1 at the start and after ENQ or EOT).
  int expected_frame_number() const { return expected_number_; }

  // Bytes consumed so far.
  std::size_t offset() const { return offset_; }

 private:
  enum class State {
    kIdle,
    kNumber,
    kText,
    kChecksumHigh,
    kChecksumLow,
    kAfterChecksum,  // an optional CR, then an optional LF
    kAfterCr,        // an optional LF
  };

  void idle_byte(char byte, std::vector<Event>& events);
  void start_frame();
  void complete_frame(std::vector<Event>& events);
  void frame_error(FrameFault fault, std::string reason, std::vector<Event>& events);
  std::string frame_name() const;

  std::size_t max_text_;
  State state_ = State::kIdle;
  std::size_t offset_ = 0;
  int expected_number_ = 1;

  // The frame being read.
  std::size_t frame_offset_ = 0;
  int frame_number_ = -1;
  bool number_valid_ = false;
  char number_byte_ = 0;
  std::string text_;
  FrameEnd end_ = FrameEnd::kFinal;
  unsigned sum_ = 0;
  int received_checksum_ = 0;
  bool checksum_hex_valid_ = true;
  char checksum_chars_[2] = {0, 0};
};

}  // namespace aliquot::astm
