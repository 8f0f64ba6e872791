#include "astm/frame.h"

#include <cstdio>

namespace aliquot::astm {
namespace {

bool is_framing_byte(char byte) {
  switch (byte) {
    case kStx:
    case kEtx:
    case kEot:
    case kEnq:
    case kAck:
    case kNak:
    case kEtb:
    case kCr:
    case kLf: return true;
    default: return false;
  }
}

}  // namespace

std::uint8_t frame_checksum(std::string_view covered) {
  unsigned sum = 0;
  for (const char byte : covered) sum += static_cast<unsigned char>(byte);
  return static_cast<std::uint8_t>(sum & 0xFFu);
}

std::string checksum_hex(std::uint8_t checksum) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{kDigits[checksum >> 4], kDigits[checksum & 0x0F]};
}

int next_frame_number(int number) { return (number + 1) % 8; }

std::string write_frame(int number, std::string_view text, FrameEnd end) {
  std::string frame;
  frame.reserve(text.size() + 7);
  frame.push_back(kStx);
  frame.push_back(static_cast<char>('0' + (number % 8)));
  frame.append(text);
  frame.push_back(end == FrameEnd::kFinal ? kEtx : kEtb);
  frame.append(checksum_hex(frame_checksum(std::string_view(frame).substr(1))));
  frame.push_back(kCr);
  frame.push_back(kLf);
  return frame;
}

Result<std::vector<std::string>> write_record_frames(const std::vector<std::string>& records,
                                                     int first_number) {
  if (first_number < 0 || first_number > 7) {
    return invalid_argument("first frame number " + std::to_string(first_number) + " is not 0..7");
  }
  std::vector<std::string> frames;
  int number = first_number;
  for (std::size_t index = 0; index < records.size(); ++index) {
    const std::string& record = records[index];
    for (std::size_t offset = 0; offset < record.size(); ++offset) {
      if (is_framing_byte(record[offset])) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02X",
                      static_cast<unsigned>(static_cast<unsigned char>(record[offset])));
        return invalid_argument("record " + std::to_string(index + 1) + " holds control byte " +
                                code + " at offset " + std::to_string(offset) +
                                ", which cannot travel in an ASTM frame");
      }
    }
    // LIS01-A2: the record's CR is part of the text; each record begins a new frame.
    const std::string text = record + kCr;
    for (std::size_t start = 0; start < text.size(); start += kMaxFrameText) {
      const bool last = start + kMaxFrameText >= text.size();
      frames.push_back(write_frame(number, std::string_view(text).substr(start, kMaxFrameText),
                                   last ? FrameEnd::kFinal : FrameEnd::kIntermediate));
      number = next_frame_number(number);
    }
  }
  return frames;
}

}  // namespace aliquot::astm
