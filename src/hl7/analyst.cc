#include "hl7/analyst.h"

#include "hl7/check.h"
#include "hl7/json_dump.h"
#include "hl7/message.h"
#include "hl7/splitter.h"

namespace aliquot::hl7 {
namespace {

std::string excerpt(std::string_view text) {
  constexpr std::size_t kLimit = 60;
  std::string out;
  for (char c : text.substr(0, kLimit)) {
    if (c == '\r' || c == '\n') break;
    out += (c >= ' ' && c < 0x7f) ? c : '.';
  }
  if (out.size() < text.size()) out += "...";
  return out;
}

std::string where(std::size_t message_number, std::size_t offset) {
  return "message " + std::to_string(message_number) + " (byte " + std::to_string(offset) + ")";
}

std::string unrecognized_text(const Chunk& chunk) {
  return "byte " + std::to_string(chunk.offset) +
         ": data outside any message, skipped (no MSH before it): '" + excerpt(chunk.bytes) + "'";
}

void note_first(RunSummary& summary, std::string text) {
  if (!summary.first_problem) summary.first_problem = std::move(text);
}

void append_one_line(std::string_view text, std::string& out) {
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    if (c == '\n') {
      replacement = "\\n";
    } else if (c == '\r') {
      replacement = "\\r";
    } else if (c == '\\') {
      replacement = "\\\\";
    } else {
      continue;
    }
    out.append(text.substr(run_start, i - run_start));
    out += replacement;
    run_start = i + 1;
  }
  out.append(text.substr(run_start));
}

}  // namespace

RunSummary for_each_message(
    std::string_view input,
    const std::function<void(std::size_t number, const Message* message)>& visit) {
  RunSummary summary;
  MessageSplitter splitter(input);
  Message message;
  while (std::optional<Chunk> chunk = splitter.next()) {
    if (chunk->kind == ChunkKind::kComment) continue;
    if (chunk->kind == ChunkKind::kUnrecognized) {
      ++summary.unrecognized;
      note_first(summary, unrecognized_text(*chunk));
      continue;
    }
    ++summary.messages;
    const Result<void> parsed = message.assign(chunk->bytes);
    if (!parsed) {
      ++summary.unparsable;
      note_first(summary,
                 where(summary.messages, chunk->offset) + ": " + parsed.error().to_string());
    }
    visit(summary.messages, parsed ? &message : nullptr);
  }
  return summary;
}

RunSummary write_values(std::string_view input, const std::vector<Path>& paths, ValueStyle style,
                        BufferedOutput& out) {
  RunSummary summary;
  MessageSplitter splitter(input);
  Message message;
  std::string scratch;
  while (std::optional<Chunk> chunk = splitter.next()) {
    if (chunk->kind == ChunkKind::kComment) continue;
    if (chunk->kind == ChunkKind::kUnrecognized) {
      ++summary.unrecognized;
      note_first(summary, unrecognized_text(*chunk));
      continue;
    }
    ++summary.messages;
    const Result<void> parsed = message.assign(chunk->bytes);
    if (!parsed) {
      ++summary.unparsable;
      note_first(summary,
                 where(summary.messages, chunk->offset) + ": " + parsed.error().to_string());
    }
    std::string& buffer = out.buffer();
    for (const Path& path : paths) {
      if (parsed) {
        const Value value = message.get(path);
        if (style == ValueStyle::kRaw) {
          buffer.append(value.raw());
        } else if (value.raw().find(message.delimiters().escape) == std::string_view::npos) {
          append_one_line(value.raw(), buffer);
        } else {
          scratch.clear();
          value.unescape_to(scratch);
          append_one_line(scratch, buffer);
        }
      }
      buffer += '\n';
    }
    out.flush_if_full();
  }
  return summary;
}

RunSummary write_json(std::string_view input, BufferedOutput& out) {
  RunSummary summary;
  MessageSplitter splitter(input);
  Message message;
  out.put('[');
  while (std::optional<Chunk> chunk = splitter.next()) {
    if (chunk->kind == ChunkKind::kComment) continue;
    if (chunk->kind == ChunkKind::kUnrecognized) {
      ++summary.unrecognized;
      note_first(summary, unrecognized_text(*chunk));
      continue;
    }
    ++summary.messages;
    out.append(summary.messages == 1 ? "\n  " : ",\n  ");
    const Result<void> parsed = message.assign(chunk->bytes);
    if (parsed) {
      append_json(message, out.buffer());
    } else {
      ++summary.unparsable;
      note_first(summary,
                 where(summary.messages, chunk->offset) + ": " + parsed.error().to_string());
      out.append("null");
    }
    out.flush_if_full();
  }
  out.append(summary.messages == 0 ? "]\n" : "\n]\n");
  return summary;
}

RunSummary write_check(std::string_view input, BufferedOutput& out) {
  RunSummary summary;
  MessageSplitter splitter(input);
  Message message;
  std::vector<Finding> findings;
  while (std::optional<Chunk> chunk = splitter.next()) {
    if (chunk->kind == ChunkKind::kComment) {
      out.append("note: byte " + std::to_string(chunk->offset) +
                 ": skipped comment or batch line: '" + excerpt(chunk->bytes) + "'\n");
      continue;
    }
    if (chunk->kind == ChunkKind::kUnrecognized) {
      ++summary.unrecognized;
      ++summary.findings;
      const std::string text = unrecognized_text(*chunk);
      note_first(summary, text);
      out.append(text + "\n");
      continue;
    }
    ++summary.messages;
    const std::string location = where(summary.messages, chunk->offset);
    if (chunk->framing == Framing::kMllp && !chunk->frame_closed) {
      ++summary.findings;
      out.append(location +
                 ": the MLLP frame is not closed (no 0x1C before the next frame or "
                 "the end of the input)\n");
    }
    const Result<void> parsed = message.assign(chunk->bytes);
    if (!parsed) {
      ++summary.unparsable;
      ++summary.findings;
      const std::string text = location + ": not parsed: " + parsed.error().to_string();
      note_first(summary, text);
      out.append(text + "\n");
      continue;
    }
    findings.clear();
    check_message(message, findings);
    for (const Finding& finding : findings) {
      ++summary.findings;
      out.append(location + ": " + finding.to_string() + "\n");
    }
    out.flush_if_full();
  }
  return summary;
}

}  // namespace aliquot::hl7
