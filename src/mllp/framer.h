#pragma once

// The receiving half of MLLP (HL7 v2.5.1 appendix C; interfaces.md "MLLP") as a byte-fed state
// machine with no I/O: bytes go in, in pieces of any size — a TCP read may hold part of a
// message or several messages —, and complete messages come out as events. The events are the
// same however the stream is cut (except where flush_noise() is called).
//
// What it reports, in stream order:
//   kMessage    the bytes between 0x0B and 0x1C.
//   kOversize   a message longer than the maximum size: it is not buffered beyond the limit;
//               only its first bytes are kept (to identify and quarantine it) and its total size
//               is counted until its 0x1C arrives. The receiver answers it with a reject.
//   kTruncated  a frame that never ended: a new 0x0B came before its 0x1C, or the stream ended.
//   kNoise      bytes outside any frame (offset and count, with the first few bytes): nothing is
//               dropped silently (STYLE.md). A run of noise is reported when the next frame
//               starts, at finish(), or at flush_noise().
//
// Liberal in what it accepts (real senders deviate): a message is complete at its 0x1C; the 0x0D
// that should follow is consumed when it comes, and its absence is tolerated — mid-stream (the
// next byte is read as outside any frame: 0x0B starts the next message) and at the end of the
// stream. Delivering at 0x1C also means a sender that omits the 0x0D and then waits for its ACK
// is still answered.
//
// Not thread-safe; one per connection.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aliquot::mllp {

enum class FramerEventKind { kMessage, kOversize, kTruncated, kNoise };

struct FramerEvent {
  FramerEventKind kind = FramerEventKind::kMessage;
  // Offset in the stream (counted over all feeds) of the event's first byte: the 0x0B of a
  // frame, the first byte of a run of noise.
  std::size_t offset = 0;
  // kMessage: bytes.size(). kOversize, kTruncated: how many message bytes were received (0x0B and
  // 0x1C not counted). kNoise: how many bytes the run had.
  std::size_t size = 0;
  // kMessage: the message. kOversize: its first bytes (at most the framer's kept prefix).
  // kTruncated: what was received, or its first bytes when it had grown beyond the maximum size.
  // kNoise: the first bytes of the run (at most kNoiseKept).
  std::string bytes;
};

class Framer {
 public:
  // 16 MiB: an ORU carrying an encapsulated PDF report (OBX-5 of type ED, base64) can be several
  // megabytes (interfaces.md); a listener should lower this to what its peers really send.
  static constexpr std::size_t kDefaultMaxMessageSize = std::size_t{16} << 20;
  // Enough to hold the MSH segment and the first segments after it, which name the sender, the
  // message type, the control id and usually the patient or specimen.
  static constexpr std::size_t kDefaultKeptPrefix = 4096;
  static constexpr std::size_t kNoiseKept = 64;

  explicit Framer(std::size_t max_message_size = kDefaultMaxMessageSize,
                  std::size_t kept_prefix = kDefaultKeptPrefix)
      : max_message_size_(max_message_size), kept_prefix_(kept_prefix) {}

  // Consumes `bytes`, appending the events they complete to `events`.
  void feed(std::string_view bytes, std::vector<FramerEvent>& events);

  // Reports the run of noise seen so far, if any, without waiting for it to end (a listener calls
  // this after each read so that a peer sending only garbage is noticed while it is connected).
  void flush_noise(std::vector<FramerEvent>& events);

  // The stream has ended: a frame still open is reported as kTruncated, pending noise as kNoise.
  // The framer is then ready for a new stream (offsets keep counting).
  void finish(std::vector<FramerEvent>& events);

  // Bytes consumed so far.
  std::size_t offset() const { return offset_; }
  // Whether a frame is open (its 0x0B was read, its 0x1C not yet).
  bool in_frame() const { return state_ == State::kInside || state_ == State::kOversize; }
  std::size_t max_message_size() const { return max_message_size_; }

 private:
  enum class State {
    kOutside,   // between frames
    kInside,    // in a message within the maximum size
    kOversize,  // in a message beyond the maximum size: only the prefix is kept
    kAfterEnd,  // 0x1C read; a 0x0D completes the trailer
  };

  void add_noise(std::string_view bytes);
  void begin_frame();
  void add_content(std::string_view bytes);
  void complete_frame(std::vector<FramerEvent>& events);
  void truncate_frame(std::vector<FramerEvent>& events);

  std::size_t max_message_size_;
  std::size_t kept_prefix_;
  State state_ = State::kOutside;
  std::size_t offset_ = 0;

  // The frame being read.
  std::size_t frame_offset_ = 0;
  std::size_t frame_size_ = 0;
  std::string buffer_;  // the message, or its prefix once oversize

  // The run of noise being read.
  std::size_t noise_offset_ = 0;
  std::size_t noise_count_ = 0;
  std::string noise_bytes_;
};

}  // namespace aliquot::mllp
