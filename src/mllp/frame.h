#pragma once

// MLLP framing bytes and the frame writer (HL7 v2.5.1 appendix C, "Minimal Lower Layer
// Protocol"; interfaces.md "MLLP"): a message travels as 0x0B, the message, 0x1C, 0x0D. There is
// no length and no checksum; the message itself must not contain 0x0B or 0x1C (neither is a
// character HL7 text may hold). Reading frames is the Framer's business (mllp/framer.h).

#include <string>
#include <string_view>

namespace aliquot::mllp {

inline constexpr char kStartBlock = 0x0B;      // VT: the frame starts
inline constexpr char kEndBlock = 0x1C;        // FS: the message ends
inline constexpr char kCarriageReturn = 0x0D;  // CR: closes the frame after FS

// `message` framed: 0x0B message 0x1C 0x0D.
std::string frame(std::string_view message);

// Appends `message`, framed, to `out` (for writing several frames in one buffer).
void append_frame(std::string& out, std::string_view message);

}  // namespace aliquot::mllp
