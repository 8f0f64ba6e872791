#include "hl7/splitter.h"

#include "hl7/scan.h"

namespace aliquot::hl7 {
namespace {

constexpr char kFrameStart = 0x0B;
constexpr char kFrameEnd = 0x1C;

enum class LineKind { kBlank, kFrame, kMessage, kComment, kUnrecognized };

bool is_alphanumeric(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Whether [p, end) starts with `id` followed by something that can be a field separator.
bool starts_with_id(const char* p, const char* end, const char (&id)[4]) {
  if (end - p < 3 || p[0] != id[0] || p[1] != id[1] || p[2] != id[2]) return false;
  return end - p == 3 || (!is_alphanumeric(p[3]));
}

LineKind classify(const char* p, const char* end) {
  if (p == end) return LineKind::kBlank;
  switch (*p) {
    case kFrameStart: return LineKind::kFrame;
    case '#': return LineKind::kComment;
    case '\r':
    case '\n': return LineKind::kBlank;
    case 'M':
      if (starts_with_id(p, end, "MSH")) return LineKind::kMessage;
      break;
    case 'F':
      if (starts_with_id(p, end, "FHS") || starts_with_id(p, end, "FTS")) return LineKind::kComment;
      break;
    case 'B':
      if (starts_with_id(p, end, "BHS") || starts_with_id(p, end, "BTS")) return LineKind::kComment;
      break;
    default: break;
  }
  if (*p != ' ' && *p != '\t' && *p != kFrameEnd) return LineKind::kUnrecognized;
  const char* const line_end = scan::find_line_end(p, end);
  for (const char* q = p; q < line_end; ++q) {
    if (*q != ' ' && *q != '\t' && *q != kFrameEnd) return LineKind::kUnrecognized;
  }
  return LineKind::kBlank;
}

bool is_space(char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == kFrameEnd; }

}  // namespace

std::optional<Chunk> MessageSplitter::next() {
  const char* const begin = input_.data();
  const char* const end = begin + input_.size();
  const char* p = begin + position_;
  while (p < end && is_space(*p)) ++p;
  if (p == end) {
    position_ = input_.size();
    return std::nullopt;
  }

  Chunk chunk;
  if (*p == kFrameStart) {
    const char* const content = p + 1;
    const char* q = content;
    while (q < end && *q != kFrameEnd && *q != kFrameStart) ++q;
    chunk.kind = ChunkKind::kMessage;
    chunk.framing = Framing::kMllp;
    chunk.offset = static_cast<std::size_t>(content - begin);
    chunk.bytes = std::string_view(content, static_cast<std::size_t>(q - content));
    chunk.frame_closed = q < end && *q == kFrameEnd;
    if (chunk.frame_closed) {
      ++q;
      if (q < end && *q == '\r') ++q;
    }
    position_ = static_cast<std::size_t>(q - begin);
    return chunk;
  }

  const LineKind kind = classify(p, end);
  chunk.kind = kind == LineKind::kMessage   ? ChunkKind::kMessage
               : kind == LineKind::kComment ? ChunkKind::kComment
                                            : ChunkKind::kUnrecognized;
  chunk.offset = static_cast<std::size_t>(p - begin);
  const char* line = p;
  const char* chunk_end = p;
  while (true) {
    const char* const line_end = scan::find_line_end(line, end);
    if (classify(line, line_end) != LineKind::kBlank) chunk_end = line_end;
    if (line_end == end) {
      line = end;
      break;
    }
    line = line_end + 1;
    const LineKind next_kind = classify(line, end);
    if (next_kind == LineKind::kBlank) continue;
    if (chunk.kind == ChunkKind::kMessage) {
      // Inside a message every line belongs to it until something else clearly begins.
      if (next_kind == LineKind::kFrame || next_kind == LineKind::kMessage ||
          next_kind == LineKind::kComment) {
        break;
      }
    } else if (next_kind != kind) {
      break;
    }
  }
  chunk.bytes = std::string_view(p, static_cast<std::size_t>(chunk_end - p));
  position_ = static_cast<std::size_t>(line - begin);
  return chunk;
}

}  // namespace aliquot::hl7
