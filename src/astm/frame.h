#pragma once

// ASTM E1381 / CLSI LIS01-A2 low-level frames: the control bytes, the frame checksum and the
// frame writer used when aliquot sends (host side). Reading frames is deframer.h.
//
// A frame is STX FN text ETB|ETX C1 C2 CR LF (LIS01-A2 section 6.3): FN is one digit, the first
// frame of a transfer is 1, then the number counts modulo 8; C1 C2 is the checksum in hex.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::astm {

inline constexpr char kStx = '\x02';
inline constexpr char kEtx = '\x03';
inline constexpr char kEot = '\x04';
inline constexpr char kEnq = '\x05';
inline constexpr char kAck = '\x06';
inline constexpr char kLf = '\x0a';
inline constexpr char kCr = '\x0d';
inline constexpr char kNak = '\x15';
inline constexpr char kEtb = '\x17';

// LIS01-A2 limits the text of one frame to 240 characters; a longer record continues in the
// next frame. We send at most this many; on input longer frames are accepted (instruments send
// whole messages of several KB in one frame).
inline constexpr std::size_t kMaxFrameText = 240;

// How a frame ends: ETB when the record continues in the next frame, ETX otherwise.
enum class FrameEnd { kIntermediate, kFinal };

// The LIS01-A2 checksum: the sum of the bytes after STX up to and including ETB or ETX, modulo
// 256. `covered` is exactly those bytes (frame number, text, end byte).
std::uint8_t frame_checksum(std::string_view covered);

// The checksum as sent: two uppercase hex characters ("BF").
std::string checksum_hex(std::uint8_t checksum);

// The frame number that follows `number` (0..7): 7 is followed by 0.
int next_frame_number(int number);

// One complete frame: STX FN text ETB|ETX C1 C2 CR LF. `number` must be 0..7 and `text` must
// hold no control byte of the framing (checked by write_record_frames).
std::string write_frame(int number, std::string_view text, FrameEnd end);

// The frames that carry `records` (each without its closing CR, which is added here) in one
// transfer: every record starts a new frame, a record longer than kMaxFrameText characters
// (its CR included) is split over frames ending ETB, its last frame ends ETX. Numbering starts
// at `first_number` and counts modulo 8. Fails (InvalidArgument) when a record holds a byte
// that cannot travel in frame text (STX, ETX, EOT, ENQ, ACK, NAK, ETB, CR, LF), naming the
// record (1-based) and the byte offset in it.
Result<std::vector<std::string>> write_record_frames(const std::vector<std::string>& records,
                                                     int first_number = 1);

}  // namespace aliquot::astm
