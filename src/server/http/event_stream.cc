#include "server/http/event_stream.h"

#include <utility>

namespace aliquot::server::http {
namespace {

// A field value cannot hold a line break: CR, LF and CRLF all end a line (WHATWG HTML section
// 9.2.6), so they are dropped from single-line fields.
void append_single_line(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
}

}  // namespace

// WHATWG HTML section 9.2.6, "Interpreting an event stream": a field is "name: value" on a line
// of its own; several "data:" lines are joined with line feeds by the receiver; an empty line
// dispatches the event.
std::string format_event(std::string_view event, std::string_view id, std::string_view data) {
  std::string out;
  out.reserve(event.size() + id.size() + data.size() + 32);
  if (!event.empty()) {
    out += "event: ";
    append_single_line(out, event);
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    append_single_line(out, id);
    out += '\n';
  }
  // One data line per line of `data`, so that a line break in it survives as the receiver
  // joins the lines again.
  std::size_t start = 0;
  while (true) {
    const std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
  out += '\n';
  return out;
}

std::string format_comment(std::string_view text) {
  std::string out = ":";
  if (!text.empty()) {
    out += ' ';
    append_single_line(out, text);
  }
  out += "\n\n";
  return out;
}

EventStream::EventStream(std::size_t max_queued_bytes) : max_queued_bytes_(max_queued_bytes) {}

bool EventStream::push(std::string text) {
  std::lock_guard lock(mutex_);
  if (end_ != End::kNone) return false;
  if (queued_.size() + text.size() > max_queued_bytes_) {
    // The client does not read: what it has not received is dropped with the connection, and
    // it catches up when it reconnects.
    end_ = End::kOverflowed;
    queued_.clear();
    queued_.shrink_to_fit();
    wake_if_needed();
    return false;
  }
  if (text.empty()) return true;
  queued_ += text;
  wake_if_needed();
  return true;
}

void EventStream::close() {
  std::lock_guard lock(mutex_);
  if (end_ != End::kNone) return;
  end_ = End::kClosed;
  wake_if_needed();
}

bool EventStream::open() const {
  std::lock_guard lock(mutex_);
  return end_ == End::kNone;
}

void EventStream::attach(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
  wake_pending_ = false;
  wake_if_needed();
}

EventStream::Taken EventStream::take() {
  std::lock_guard lock(mutex_);
  Taken taken;
  taken.text = std::move(queued_);
  queued_.clear();
  taken.end = end_;
  wake_pending_ = false;
  return taken;
}

void EventStream::disconnect() {
  std::lock_guard lock(mutex_);
  if (end_ == End::kNone) end_ = End::kDisconnected;
  queued_.clear();
  queued_.shrink_to_fit();
  wake_ = nullptr;
}

std::size_t EventStream::queued_bytes() const {
  std::lock_guard lock(mutex_);
  return queued_.size();
}

void EventStream::wake_if_needed() {
  if (wake_pending_ || !wake_) return;
  if (queued_.empty() && end_ == End::kNone) return;
  wake_pending_ = true;
  wake_();
}

}  // namespace aliquot::server::http
