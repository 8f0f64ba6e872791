#pragma once

// One ASTM E1381 / LIS01-A2 link on Boost.Asio: a byte stream (a TCP socket or a serial port),
// the sans-IO astm::Link that runs the protocol on it, and the steady timers the Link asks for.
// The application sees whole messages and sends whole messages; frames, ACK/NAK, retries,
// contention and time-outs stay inside.
//
// Durable before acknowledged (ARCHITECTURE decision 1): every received message is handed to
// the MessageHandler with a CompletionToken. The frame that completed the message is
// acknowledged only when the token is called — after the application committed the message.
// A token never called leaves the frame unanswered: the sender times out after 15 s and sends
// the message again later. Messages that arrived without an L record are handed over on the
// EOT that ended them, after the fact (Acknowledgement::kNotNeeded, see astm/link.h).
//
// Host queries: calling the token with reply records (the H-P-O-L answer to a Q record)
// completes the message and queues the reply; it is sent when the line is idle, i.e. after the
// instrument's EOT.
//
// Threading: the caller owns the io_context and may run it on several threads; each connection
// runs on a strand of its own. The handler and the callbacks are called on that strand: they
// must not block (hand work to another thread and call the token from there) and must not
// throw. send(), close(), set_readiness() and the tokens may be called from any thread. A
// connection stays alive while it has work on the io_context; holding the shared_ptr is not
// required.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/serial_port.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "astm/link.h"
#include "core/error.h"

namespace aliquot::astm::io {

// A message received on a connection, as handed to the application.
struct ReceivedMessage {
  // The records exactly as the sender wrote them, without their CR.
  std::vector<std::string> records;
  // Who sent it: "address:port" for TCP, the device path for a serial port.
  std::string peer;
  // 1, 2, ... in the order connections were made (per process).
  std::uint64_t connection_id = 0;
  // The link's id of the message (1, 2, ... per connection).
  std::uint64_t message_id = 0;
  // Stream offset of the STX of the frame with the first record (for error reports).
  std::size_t offset = 0;
  // When the bytes that completed the message were read; latency to the ACK counts from here.
  std::chrono::steady_clock::time_point received_at;
  MessageEnd end = MessageEnd::kTerminator;
  // kWithheld: the sender waits for the token. kNotNeeded: delivered after the fact.
  Acknowledgement acknowledgement = Acknowledgement::kWithheld;
};

// The outcome of an outgoing message: ok when the peer acknowledged its last frame, else the
// error (Unavailable: refused 6 times, no reply, peer busy, connection closed; InvalidArgument:
// a record holds a byte that cannot travel in a frame).
using SendCallback = std::function<void(Result<void> outcome)>;

class LinkConnection;

// Completes one received message. Cheap to copy; all copies complete the same message; only
// the first call has an effect. Thread-safe; may be called any time later. When the connection
// has closed meanwhile, nothing is acknowledged and a reply fails (on_reply gets Unavailable).
class CompletionToken {
 public:
  // The message is committed: acknowledge it. Non-empty `reply_records` (records without CR)
  // are queued as a message to the peer, sent when the line is idle; `on_reply` learns its
  // outcome.
  void operator()(std::vector<std::string> reply_records = {}, SendCallback on_reply = {}) const;

 private:
  friend class LinkConnection;
  CompletionToken(std::weak_ptr<LinkConnection> connection, std::uint64_t message_id)
      : connection_(std::move(connection)),
        message_id_(message_id),
        called_(std::make_shared<std::atomic<bool>>(false)) {}

  std::weak_ptr<LinkConnection> connection_;
  std::uint64_t message_id_ = 0;
  std::shared_ptr<std::atomic<bool>> called_;
};

using MessageHandler = std::function<void(ReceivedMessage message, CompletionToken done)>;

struct LinkHandlers {
  // Required: each received message.
  MessageHandler on_message;
  // Optional: protocol errors and events worth logging (frames refused, contention, time-outs).
  std::function<void(const std::string& peer, const Diagnostic& diagnostic)> on_diagnostic;
  // Optional: called once when the connection has closed, with why (Unavailable).
  std::function<void(const std::string& peer, const Error& reason)> on_closed;
};

class LinkConnection : public std::enable_shared_from_this<LinkConnection> {
 public:
  // A connection over a connected TCP socket. Call start() to begin.
  static std::shared_ptr<LinkConnection> create(boost::asio::ip::tcp::socket socket, Role role,
                                                LinkOptions options, LinkHandlers handlers);
  // A connection over an open, configured serial port; `device` names it in messages.
  static std::shared_ptr<LinkConnection> create(boost::asio::serial_port port, std::string device,
                                                Role role, LinkOptions options,
                                                LinkHandlers handlers);
  ~LinkConnection();
  LinkConnection(const LinkConnection&) = delete;
  LinkConnection& operator=(const LinkConnection&) = delete;

  // Begins reading. Call once.
  void start();

  // Queues an outgoing message (records without CR); sent when the line is idle, one message
  // per transfer. `on_done` (optional) is called once with the outcome, on the strand.
  void send(std::vector<std::string> records, SendCallback on_done = {});

  // Answers the peer's ENQ with ACK (kReady) or NAK (kBusy), e.g. while the write pipeline is
  // saturated.
  void set_readiness(Readiness readiness);

  // Closes the stream and the timers. Outgoing messages not yet delivered fail (Unavailable);
  // received messages not yet completed stay unacknowledged. Idempotent.
  void close();

  const std::string& peer() const { return peer_; }
  std::uint64_t connection_id() const { return connection_id_; }

  class Stream;  // the byte stream, TCP or serial (link_connection.cc)

 private:
  friend class CompletionToken;
  LinkConnection(std::unique_ptr<Stream> stream, std::string peer, Role role, LinkOptions options,
                 LinkHandlers handlers);

  void complete(std::uint64_t message_id, std::vector<std::string> reply, SendCallback on_reply);

  class Impl;
  std::unique_ptr<Impl> impl_;
  std::string peer_;
  std::uint64_t connection_id_ = 0;
};

}  // namespace aliquot::astm::io
