#pragma once

// A response body that is sent while it is produced: the text of a server-sent event stream
// (WHATWG HTML, section 9.2 "Server-sent events"). A handler answers with Response::stream set
// to one of these; producers push text from any thread, and the listener writes what was pushed
// to the client in order, as it arrives, until the producer closes the stream, the client goes
// away or the listener stops.
//
// Producers are never blocked by a slow client: what waits to be written is bounded, and a
// push beyond the bound ends the stream (the listener then drops the connection), because a
// client that cannot keep up would otherwise hold an ever-growing queue. A browser's
// EventSource reconnects by itself and catches up with Last-Event-ID.
//
// Ownership: shared by the response (then the connection) and whoever produces; producers
// that should not keep a stream alive after its connection is gone hold a weak_ptr.
// Thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace aliquot::server::http {

// The content type of an event stream (WHATWG HTML section 9.2.5); always UTF-8.
inline constexpr std::string_view kEventStreamContentType = "text/event-stream";

// One event in the stream's text format (WHATWG HTML section 9.2.6): "event:" when `event` is
// not empty, "id:" when `id` is not empty, one "data:" line per line of `data`, and the blank
// line that dispatches it. Line breaks in `event` and `id` are removed, as a field cannot span
// lines.
std::string format_event(std::string_view event, std::string_view id, std::string_view data);

// A comment line (": text" and the blank line): ignored by EventSource, it keeps proxies and
// load balancers from closing a quiet connection.
std::string format_comment(std::string_view text);

class EventStream {
 public:
  // A browser's worklist receives a few hundred bytes per event; 1 MiB of backlog is minutes of
  // a busy lab, and means the client is not reading.
  static constexpr std::size_t kDefaultMaxQueuedBytes = std::size_t{1} << 20;

  explicit EventStream(std::size_t max_queued_bytes = kDefaultMaxQueuedBytes);
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // --- producer side (any thread) ---

  // Queues `text` to be written after everything pushed before. False, and nothing queued,
  // when the stream is closed, its client gone, or `text` would take the backlog beyond the
  // bound; in the last case the stream ends and the client is disconnected.
  bool push(std::string text);

  // Ends the stream once what is queued has been written. Later pushes fail.
  void close();

  // Whether pushes are still accepted.
  bool open() const;

  // --- consumer side (the listener; tests) ---

  enum class End {
    kNone,          // still open
    kClosed,        // the producer closed it: finish the response after `text`
    kOverflowed,    // the backlog passed the bound: drop the connection
    kDisconnected,  // disconnect() was called
  };

  struct Taken {
    std::string text;  // everything queued, in order ("" when nothing is)
    End end = End::kNone;
  };

  // `wake` is called whenever the stream turns from having nothing to take to having something
  // (text, or its end), including at once when that is already so. It is called with the
  // stream's lock held, on the producer's thread: it must only schedule work (post to a strand),
  // never call back into the stream. Replaces any earlier wake.
  void attach(std::function<void()> wake);

  // Takes everything queued, and how the stream ended if it has.
  Taken take();

  // The client is gone or the server stops: drops the backlog and the wake; later pushes fail.
  void disconnect();

  // How many bytes are queued and not yet taken.
  std::size_t queued_bytes() const;

 private:
  void wake_if_needed();  // with mutex_ held

  const std::size_t max_queued_bytes_;
  mutable std::mutex mutex_;
  std::string queued_;
  End end_ = End::kNone;
  bool wake_pending_ = false;  // a wake was sent and the consumer has not taken since
  std::function<void()> wake_;
};

}  // namespace aliquot::server::http
