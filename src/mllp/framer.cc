#include "mllp/framer.h"

#include <utility>

#include "mllp/frame.h"

namespace aliquot::mllp {
namespace {

// The bytes that end the content of a frame: its end, or the start of another frame.
constexpr char kFrameDelimiters[] = {kStartBlock, kEndBlock};
constexpr std::string_view kFrameDelimiterSet(kFrameDelimiters, 2);

}  // namespace

void Framer::feed(std::string_view bytes, std::vector<FramerEvent>& events) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case State::kAfterEnd:
        state_ = State::kOutside;
        if (bytes[i] == kCarriageReturn) {
          ++i;
          ++offset_;
        }
        // Otherwise the 0x0D is missing: read this byte as outside any frame.
        break;
      case State::kOutside: {
        const std::size_t start = bytes.find(kStartBlock, i);
        const std::size_t stop = start == std::string_view::npos ? bytes.size() : start;
        if (stop > i) add_noise(bytes.substr(i, stop - i));
        offset_ += stop - i;
        i = stop;
        if (start != std::string_view::npos) {
          flush_noise(events);
          begin_frame();
          ++i;
          ++offset_;
        }
        break;
      }
      case State::kInside:
      case State::kOversize: {
        const std::size_t special = bytes.find_first_of(kFrameDelimiterSet, i);
        const std::size_t stop = special == std::string_view::npos ? bytes.size() : special;
        if (stop > i) add_content(bytes.substr(i, stop - i));
        offset_ += stop - i;
        i = stop;
        if (special == std::string_view::npos) break;
        if (bytes[i] == kEndBlock) {
          complete_frame(events);
          state_ = State::kAfterEnd;
        } else {
          // A new frame starts before this one ended: the sender gave up on it.
          truncate_frame(events);
          begin_frame();
        }
        ++i;
        ++offset_;
        break;
      }
    }
  }
}

void Framer::flush_noise(std::vector<FramerEvent>& events) {
  if (noise_count_ == 0) return;
  FramerEvent event;
  event.kind = FramerEventKind::kNoise;
  event.offset = noise_offset_;
  event.size = noise_count_;
  event.bytes = std::move(noise_bytes_);
  events.push_back(std::move(event));
  noise_count_ = 0;
  noise_bytes_.clear();
}

void Framer::finish(std::vector<FramerEvent>& events) {
  if (in_frame()) truncate_frame(events);
  flush_noise(events);
  state_ = State::kOutside;
}

void Framer::add_noise(std::string_view bytes) {
  if (noise_count_ == 0) noise_offset_ = offset_;
  noise_count_ += bytes.size();
  if (noise_bytes_.size() < kNoiseKept) {
    noise_bytes_.append(bytes.substr(0, kNoiseKept - noise_bytes_.size()));
  }
}

void Framer::begin_frame() {
  state_ = State::kInside;
  frame_offset_ = offset_;
  frame_size_ = 0;
  buffer_.clear();
}

void Framer::add_content(std::string_view bytes) {
  frame_size_ += bytes.size();
  if (state_ == State::kInside) {
    if (frame_size_ <= max_message_size_) {
      buffer_.append(bytes);
      return;
    }
    // Beyond the limit: keep the prefix only, and give back the memory the message held.
    std::string prefix = std::move(buffer_);
    if (prefix.size() > kept_prefix_) prefix.resize(kept_prefix_);
    prefix.shrink_to_fit();
    buffer_ = std::move(prefix);
    state_ = State::kOversize;
  }
  if (buffer_.size() < kept_prefix_) {
    buffer_.append(bytes.substr(0, kept_prefix_ - buffer_.size()));
  }
}

void Framer::complete_frame(std::vector<FramerEvent>& events) {
  FramerEvent event;
  event.kind = state_ == State::kOversize ? FramerEventKind::kOversize : FramerEventKind::kMessage;
  event.offset = frame_offset_;
  event.size = frame_size_;
  event.bytes = std::move(buffer_);
  events.push_back(std::move(event));
  buffer_ = std::string();
}

void Framer::truncate_frame(std::vector<FramerEvent>& events) {
  FramerEvent event;
  event.kind = FramerEventKind::kTruncated;
  event.offset = frame_offset_;
  event.size = frame_size_;
  event.bytes = std::move(buffer_);
  events.push_back(std::move(event));
  buffer_ = std::string();
  state_ = State::kOutside;
}

}  // namespace aliquot::mllp
