#include "mllp/frame.h"

namespace aliquot::mllp {

std::string frame(std::string_view message) {
  std::string out;
  append_frame(out, message);
  return out;
}

void append_frame(std::string& out, std::string_view message) {
  out.reserve(out.size() + message.size() + 3);
  out.push_back(kStartBlock);
  out.append(message);
  out.push_back(kEndBlock);
  out.push_back(kCarriageReturn);
}

}  // namespace aliquot::mllp
