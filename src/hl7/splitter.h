#pragma once

// Cuts a stream or file holding many HL7 v2 messages into messages, without copying. Accepted
// layouts, also mixed in one input:
//   - MLLP frames: 0x0B message 0x1C 0x0D (interfaces.md "MLLP"); bytes outside frames are read
//     as below.
//   - plain messages one after another: a message runs from a line starting with "MSH" to just
//     before the next line that starts a message (or a frame, a comment, a batch line), whatever
//     the line ends (CR, LF, CRLF) and however many blank lines lie between messages.
// Lines that are not part of a message are returned as chunks of their own so that the caller
// can say what was skipped; nothing is dropped silently:
//   - comments: lines starting with '#' (e.g. the "# source:" line heading the conformance files)
//     and the batch envelope lines FHS, BHS, BTS, FTS (v2.5.1 section 2.10.3), which carry no
//     results;
//   - unrecognized: anything else found outside a message (e.g. segments with no MSH before
//     them) — data that was not read, which the caller should report.
// Blank lines and stray frame-end bytes between messages are skipped.
//
// Holds a view of the input, which must outlive it and the chunks. Not thread-safe.

#include <cstddef>
#include <optional>
#include <string_view>

namespace aliquot::hl7 {

enum class ChunkKind { kMessage, kComment, kUnrecognized };
enum class Framing { kPlain, kMllp };

struct Chunk {
  ChunkKind kind = ChunkKind::kMessage;
  // The message (without MLLP bytes, possibly with its last segment end) or the skipped lines
  // (without the last line end).
  std::string_view bytes;
  std::size_t offset = 0;  // of bytes in the input
  Framing framing = Framing::kPlain;
  // For an MLLP frame: false when it had no 0x1C before the input ended or the next frame began
  // (a truncated capture); the message is returned anyway for the parser to judge.
  bool frame_closed = true;
};

class MessageSplitter {
 public:
  explicit MessageSplitter(std::string_view input) : input_(input) {}

  // The next chunk, or nullopt at the end of the input.
  std::optional<Chunk> next();

 private:
  std::string_view input_;
  std::size_t position_ = 0;
};

}  // namespace aliquot::hl7
