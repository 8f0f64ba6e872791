#pragma once

// Records out of LIS01-A2 frames: the record assembler a link layer uses, and the decoding of a
// stored byte capture for `aliquot astm decode`.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "astm/deframer.h"
#include "core/error.h"

namespace aliquot::astm {

// One LIS02-A2 record as the sender wrote it, without its closing CR.
struct DecodedRecord {
  std::string text;
  // The numbers of the frames that carried it, in order (numbers repeat modulo 8).
  std::vector<int> frame_numbers;
  // Stream offset of the STX of its first frame.
  std::size_t offset = 0;
};

// Joins the text of accepted frames into records. A record ends at its CR (LIS02-A2); ETB
// frames continue it. Real instruments put several records in one frame, or one record per ETB
// frame, and some omit the last CR before ETX: a frame ending ETX also ends the record.
// Not thread-safe.
class RecordAssembler {
 public:
  // Takes one deframer event. Completed records are appended to `records`. Fails
  // (InvalidArgument) when ENQ or EOT arrives inside a record continued by ETB, naming the
  // offset; the partial record is dropped with that error.
  Result<void> add(const Event& event, std::vector<DecodedRecord>& records);

  // The stream ended: fails when a record continued by ETB never ended.
  Result<void> finish();

 private:
  std::string pending_;
  std::vector<int> pending_frames_;
  std::size_t pending_offset_ = 0;
  bool open_ = false;  // the last frame ended ETB
};

// The records of a stored capture and, when it could not be read to the end, why.
struct Decoded {
  std::vector<DecodedRecord> records;  // those before the error
  std::optional<Error> error;
};

// Decodes the raw bytes of a capture (frames, with or without ENQ/ACK/EOT, line ends between
// frames allowed). Stops at the first frame refused (bad checksum, wrong frame number, truncated
// frame), at bytes outside any frame, or at a record left open; the error names the frame
// number and byte offset.
Decoded decode_capture(std::string_view bytes);

}  // namespace aliquot::astm
