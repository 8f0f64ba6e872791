#pragma once

// The MLLP listener (HL7 v2.5.1 appendix C; interfaces.md "MLLP") on Boost.Asio: accepts any
// number of connections, cuts each one's bytes into messages with its own Framer, and hands every
// message to the application with a Reply through which the application sends the ACK — later
// and from any thread, typically after the message is committed (ARCHITECTURE decision 1,
// durable before acknowledged).
//
// Per connection, messages reach the handler one at a time, in the order received: the next one
// is handed over only after the reply to the previous one was written, so ACKs go back in order.
// The listener reads ahead while the application works, up to max_queued_messages per
// connection, then stops reading until the queue drains (the sender's TCP window fills).
//
// The listener answers some things itself, so that nothing is dropped silently (STYLE.md):
//   - a message beyond max_message_size gets an AR (mllp/oversize_ack.h), in its place in the
//     order, and is reported to on_rejected with its first bytes so that it can be quarantined;
//   - a frame cut short (peer closed, or started a new frame) is reported to on_rejected;
//   - bytes outside frames are counted and reported to on_noise.
//
// A connection is closed when it was idle (nothing received, no reply pending) for idle_timeout,
// when the peer closed its side and every queued message was answered, and when the application
// lets go of a Reply without calling it (the sender, left without an ACK, will send again).
//
// Threading: the caller owns the io_context and runs it on one thread or several; each
// connection runs on a strand of its own. The handler and the callbacks are called on those
// strands, possibly concurrently for different connections: they must be thread-safe when the
// io_context has several threads, must not throw, and must not block (hand the work to another
// thread and reply from there). start(), stop(), port() and counters() may be called from any
// thread. The handler and callbacks may be called until stop() has finished (on_stopped); keep
// what they use alive until then, or until the io_context has stopped running.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/time.h"
#include "mllp/framer.h"

namespace aliquot::mllp {

// The listener's state shared with its connections and Replies (server.cc).
class ServerCore;

// One message received, as handed to the application.
struct InboundMessage {
  std::string bytes;                // the message, without the MLLP bytes
  std::string peer;                 // the sender: "address:port"
  std::uint64_t connection_id = 0;  // 1, 2, ... in the order connections were accepted
  std::uint64_t sequence = 0;       // 1-based number of the message on its connection
  // When the read that completed the message returned; measure latency to the ACK from here.
  std::chrono::steady_clock::time_point received_at;
};

// Sends the ACK for one message. Cheap to copy; all copies answer the same message. Calling it is
// thread-safe and may happen any time later; only the first call counts. The bytes are the ACK
// message (hl7/ack.h), unframed: the listener frames them. When the connection has closed
// meanwhile the bytes are discarded (counted as replies_dropped). When the last copy is destroyed
// without having been called, the connection is closed.
class Reply {
 public:
  class State;
  explicit Reply(std::shared_ptr<State> state) : state_(std::move(state)) {}

  void operator()(std::string ack_bytes) const;

 private:
  std::shared_ptr<State> state_;
};

enum class RejectReason {
  kOversize,   // beyond max_message_size; the listener answered AR
  kTruncated,  // the frame never ended; nothing could be answered
};

// A frame the listener refused or could not complete, for the application to record.
struct RejectedMessage {
  RejectReason reason = RejectReason::kOversize;
  std::string peer;
  std::uint64_t connection_id = 0;
  std::size_t size = 0;     // message bytes received
  std::string first_bytes;  // at most Framer::kDefaultKeptPrefix
  std::string text;         // why, as told to the sender (kOversize) or for a log
};

// Bytes a peer sent outside any frame.
struct NoiseReport {
  std::string peer;
  std::uint64_t connection_id = 0;
  std::size_t offset = 0;  // in the connection's stream
  std::size_t count = 0;
  std::string first_bytes;  // at most Framer::kNoiseKept
};

// A snapshot of the listener's counters, for metrics. Totals since start(), except
// connections_open.
struct ServerCounters {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t messages_in = 0;  // complete messages within the size limit
  std::uint64_t acks_out = 0;     // replies written, the listener's own ARs included
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t messages_rejected = 0;  // oversize and truncated frames
  std::uint64_t noise_bytes = 0;
  std::uint64_t idle_timeouts = 0;      // connections closed for being idle
  std::uint64_t replies_dropped = 0;    // replies that came after their connection closed
  std::uint64_t replies_abandoned = 0;  // Replies let go without being called
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // the address to listen on ("0.0.0.0", "::")
  std::uint16_t port = 0;          // 0: the system picks one; see Server::port()
  std::size_t max_message_size = Framer::kDefaultMaxMessageSize;
  // Messages read ahead per connection while the application works on one.
  std::size_t max_queued_messages = 8;
  // A connection with nothing received and no reply pending for this long is closed; zero never.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
  // How long stop() waits for the replies in flight before closing their connections.
  std::chrono::milliseconds stop_grace = std::chrono::seconds(10);
  // MSH-7 of the ACKs the listener writes itself; the system clock when null. Must outlive the
  // server and be thread-safe when the io_context has several threads.
  const core::Clock* clock = nullptr;
  // MSH-10 of the ACKs the listener writes itself: the prefix, '-', then 1, 2, ...
  std::string ack_control_id_prefix = "MLLP";
  std::function<void(const RejectedMessage&)> on_rejected;
  std::function<void(const NoiseReport&)> on_noise;
  // Called once, when stop() has closed the acceptor and every connection.
  std::function<void()> on_stopped;
};

using MessageHandler = std::function<void(InboundMessage message, Reply reply)>;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, MessageHandler handler);
  // Calls stop(); connections still open finish on the io_context.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port, listens and starts accepting on the io_context. Fails (Unavailable) naming
  // the address and the system's reason (address in use, permission denied, unknown host), or
  // (FailedPrecondition) when called twice.
  Result<void> start();

  // The port listened on (the one the system picked when options.port was 0); 0 before start().
  std::uint16_t port() const;

  // Stops gracefully: no more connections are accepted and no more messages handed over; replies
  // in flight are still written (within stop_grace), then every connection is closed and
  // on_stopped is called. Returns at once; idempotent.
  void stop();

  ServerCounters counters() const;

 private:
  std::shared_ptr<ServerCore> core_;
};

}  // namespace aliquot::mllp
