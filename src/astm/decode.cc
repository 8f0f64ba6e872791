#include "astm/decode.h"

#include <utility>

#include "core/text.h"

namespace aliquot::astm {
namespace {}  // namespace

Result<void> RecordAssembler::add(const Event& event, std::vector<DecodedRecord>& records) {
  switch (event.kind) {
    case EventKind::kEnquiry:
    case EventKind::kEndOfTransmission:
      if (open_ && !pending_.empty()) {
        Error error = invalid_argument(
            std::string(event.kind == EventKind::kEnquiry ? "ENQ" : "EOT") + " at byte " +
            std::to_string(event.offset) + " inside a record continued by ETB (frame " +
            std::to_string(pending_frames_.back()) + ")");
        pending_.clear();
        pending_frames_.clear();
        open_ = false;
        return error;
      }
      open_ = false;
      return ok();
    case EventKind::kFrame: break;
    default: return ok();
  }
  bool frame_counted = false;
  for (const char byte : event.text) {
    if (byte == kCr) {
      if (!pending_.empty()) {
        records.push_back({std::move(pending_), std::move(pending_frames_), pending_offset_});
        pending_.clear();
        pending_frames_.clear();
      }
      frame_counted = false;
      continue;
    }
    if (pending_.empty()) pending_offset_ = event.offset;
    if (!frame_counted) {
      pending_frames_.push_back(event.frame_number);
      frame_counted = true;
    }
    pending_.push_back(byte);
  }
  open_ = event.end == FrameEnd::kIntermediate;
  if (!open_ && !pending_.empty()) {
    records.push_back({std::move(pending_), std::move(pending_frames_), pending_offset_});
    pending_.clear();
    pending_frames_.clear();
  }
  return ok();
}

Result<void> RecordAssembler::finish() {
  if (open_ && !pending_.empty()) {
    return invalid_argument("capture ended inside a record continued by ETB (frame " +
                            std::to_string(pending_frames_.back()) + ", record from byte " +
                            std::to_string(pending_offset_) + ")");
  }
  return ok();
}

Decoded decode_capture(std::string_view bytes) {
  Decoded decoded;
  Deframer deframer;
  RecordAssembler assembler;
  std::vector<Event> events;
  deframer.feed(bytes, events);
  deframer.finish(events);
  for (const Event& event : events) {
    if (event.kind == EventKind::kFrameError) {
      decoded.error = invalid_argument(event.text);
      return decoded;
    }
    if (event.kind == EventKind::kNoise) {
      decoded.error = invalid_argument(
          std::to_string(event.text.size()) + " bytes outside any frame at byte " +
          std::to_string(event.offset) + ": \"" + core::printable_excerpt(event.text, 20) + "\"");
      return decoded;
    }
    Result<void> added = assembler.add(event, decoded.records);
    if (!added) {
      decoded.error = added.error();
      return decoded;
    }
  }
  Result<void> finished = assembler.finish();
  if (!finished) decoded.error = finished.error();
  return decoded;
}

}  // namespace aliquot::astm
