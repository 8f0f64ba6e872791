#pragma once

// The ASTM E1381 / CLSI LIS01-A2 link layer (data link: establishment, transfer, termination,
// error recovery), as a sans-IO state machine usable by the host (the LIS) or by an
// instrument. It reads no socket and keeps no clock: bytes received, timer expirations and the
// application's requests go in; the actions to perform come out (bytes to write, timers to
// start or cancel, messages received, outgoing messages delivered or failed, diagnostics).
// The Boost.Asio glue that performs them is astm/io/link_connection.h; tests drive a Link with
// explicit timer events.
//
// Durable before acknowledged (docs: ARCHITECTURE.md, decision 1). A message is the records
// from H to L (LIS02-A2). When the frame that completes the L record arrives, the link reports
// MessageReceived and does NOT acknowledge that frame: it answers ACK only when the
// application calls complete(message_id) after committing the message. The sender waits at
// most 15 s for that ACK; an application that does not complete in time makes the sender time
// out and resend later, which is correct (ingest is idempotent).
//
// Messages without an L record. Real instruments omit L. Records received before the EOT that
// ends the transfer are then delivered on that EOT, with MessageEnd::kEndOfTransmission and
// Acknowledgement::kNotNeeded: EOT has no reply, so every frame of such a message was already
// acknowledged before the application saw it, and the delivery is after the fact. A message
// is NOT delivered when the transfer ended right after a frame we refused (the sender gave up
// mid-message) or inside a record continued by ETB; a diagnostic says so.
//
// One Link per physical link; not thread-safe (the IO layer serializes calls on a strand).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "astm/decode.h"
#include "astm/deframer.h"
#include "core/error.h"

namespace aliquot::astm {

// Which end of the link we are. It matters only for contention (both sides send ENQ at once):
// LIS01-A2 gives the line to the instrument.
enum class Role { kHost, kInstrument };

// The link's timers. The IO layer keeps one timer per id; starting one replaces it if running.
enum class TimerId {
  kReply,    // we sent ENQ or a frame and wait for the reply (15 s)
  kReceive,  // we acknowledged ENQ or a frame and wait for the next frame or EOT (30 s)
  kRetry,    // we wait before sending ENQ again (busy NAK, contention)
};
std::string_view timer_name(TimerId timer);

// Is the application able to take a message? Answers ENQ with ACK or with NAK (busy).
enum class Readiness { kReady, kBusy };

// The durations and limits of the protocol. The defaults are those of LIS01-A2; tests and
// simulators shorten the durations.
struct LinkOptions {
  // LIS01-A2 6.5.2 (time-outs): the sender waits 15 s for a reply to ENQ or a frame.
  std::chrono::milliseconds reply_timeout{15'000};
  // LIS01-A2 6.5.2: the receiver waits 30 s for the next frame or EOT.
  std::chrono::milliseconds receive_timeout{30'000};
  // LIS01-A2 6.2 (establishment): after a NAK (busy) to ENQ the sender waits at least 10 s.
  std::chrono::milliseconds busy_retry_delay{10'000};
  // LIS01-A2 6.2 (contention): the instrument waits at least 1 s before sending ENQ again.
  std::chrono::milliseconds instrument_contention_delay{1'000};
  // LIS01-A2 6.2 (contention): the host yields, receives, and sends ENQ again no sooner than
  // 20 s after the instrument's EOT.
  std::chrono::milliseconds host_contention_delay{20'000};
  // LIS01-A2 6.5.1 (defective frames): a frame refused 6 times aborts the message.
  int max_frame_attempts = 6;
  // NAKs (busy) to our ENQ before the message is reported failed; the standard sets no limit.
  int max_busy_replies = 6;
  // The longest frame text accepted (see Deframer).
  std::size_t max_frame_text = Deframer::kDefaultMaxText;
  // The most record bytes one received message may hold; frames beyond are refused (NAK).
  std::size_t max_message_bytes = std::size_t{64} << 20;
};

// --- Actions: what the caller must do, in order. ---

// Write these bytes to the peer.
struct WriteBytes {
  std::string bytes;
};

// Start `timer` to expire after `duration`, replacing it if it runs. Call on_timer_expired
// when it expires.
struct StartTimer {
  TimerId timer = TimerId::kReply;
  std::chrono::milliseconds duration{0};
};

// Cancel `timer`. A link ignores the expiry of a timer it did not start or has cancelled, but
// the IO layer must not deliver the expiry of an older start after a newer one.
struct CancelTimer {
  TimerId timer = TimerId::kReply;
};

// How a received message ended.
enum class MessageEnd {
  kTerminator,         // its L record
  kNextHeader,         // an H record began the next message before any L
  kEndOfTransmission,  // EOT ended the transfer before any L
  kEnquiry,            // ENQ began a new transfer before any L (and without EOT)
};

// Whether the frame (or ENQ) that completed a received message is still unanswered.
enum class Acknowledgement {
  kWithheld,   // its ACK waits for complete(message_id)
  kNotNeeded,  // already answered, or EOT (no reply): delivered after the fact
};

// A message arrived. Commit it, then call complete(message_id) (always; it does nothing for
// kNotNeeded).
struct MessageReceived {
  std::uint64_t message_id = 0;
  // The records exactly as the sender wrote them, without their CR.
  std::vector<std::string> records;
  // Stream offset (bytes received on this link) of the STX of the frame with the first record.
  std::size_t offset = 0;
  MessageEnd end = MessageEnd::kTerminator;
  Acknowledgement acknowledgement = Acknowledgement::kWithheld;
};

// The peer acknowledged the last frame of an outgoing message.
struct MessageDelivered {
  std::uint64_t message_id = 0;
};

// An outgoing message was given up; `error` says why (Unavailable). The link moves on to the
// next queued message; resending is the application's decision.
struct MessageFailed {
  std::uint64_t message_id = 0;
  Error error;
};

// A protocol error or an event worth logging. Nothing the link does is silent.
struct Diagnostic {
  std::string text;        // names the frame number and byte offset when there is one
  int frame_number = -1;   // -1 when no frame is concerned
  std::size_t offset = 0;  // stream offset of the bytes concerned (timers: bytes received)
};

using Action = std::variant<WriteBytes, StartTimer, CancelTimer, MessageReceived, MessageDelivered,
                            MessageFailed, Diagnostic>;

// Where the link is in LIS01-A2's phases.
enum class LinkState {
  kIdle,                  // neutral: no transfer in progress
  kAwaitingEnquiryReply,  // we sent ENQ
  kContention,            // instrument: both sent ENQ; we send ENQ again after a delay
  kAwaitingFrameReply,    // we sent a frame
  kReceiving,             // we acknowledged ENQ or a frame and wait for the next
  kAwaitingCompletion,    // a received message awaits complete() before our ACK
};

// The state machine. Sending: ENQ; on ACK the frames of one message, each awaiting its reply;
// then EOT (one message per transfer, so the peer gets the line between messages). A reply
// other than ACK or EOT counts as NAK (LIS01-A2 6.5.1); EOT in reply to a frame accepts it
// (receiver interrupt). Receiving: ENQ is answered ACK (NAK when set busy); each good frame
// ACK, each defective one NAK; a good frame repeating the number acknowledged last is ACKed
// again and dropped (our ACK was lost); frames outside a transfer are reported, not answered.
class Link {
 public:
  explicit Link(Role role, LinkOptions options = {});

  Role role() const { return role_; }
  LinkState state() const { return state_; }
  // Outgoing messages not yet delivered or failed (the one being sent included).
  std::size_t queued() const { return outgoing_.size(); }
  const LinkOptions& options() const { return options_; }

  // Bytes arrived from the peer, in pieces of any size.
  void on_bytes(std::string_view bytes, std::vector<Action>& actions);

  // A timer started by a StartTimer action expired.
  void on_timer_expired(TimerId timer, std::vector<Action>& actions);

  // Queues an outgoing message (records without their CR); it is sent when the line is idle
  // (never during a transfer from the peer), one message per transfer. Returns its id, used
  // by MessageDelivered / MessageFailed. Fails (InvalidArgument) when there are no records or
  // a record holds a byte that cannot travel in a frame (see write_record_frames).
  Result<std::uint64_t> send(std::vector<std::string> records, std::vector<Action>& actions);

  // The application committed received message `message_id`. When no other message completed
  // by the same frame is still uncommitted, the withheld ACK is written. An unknown id, or one
  // whose transfer the peer has abandoned (EOT, time-out), does nothing.
  void complete(std::uint64_t message_id, std::vector<Action>& actions);

  // Answers later ENQs with ACK (kReady) or NAK (kBusy). Starts kReady.
  void set_readiness(Readiness readiness) { readiness_ = readiness; }

 private:
  struct Outgoing {
    std::uint64_t id = 0;
    std::vector<std::string> frames;
  };

  // The message being received.
  struct Incoming {
    std::vector<std::string> records;
    std::size_t offset = 0;
    std::size_t bytes = 0;
  };

  void on_event(const Event& event, std::vector<Action>& actions);
  void on_idle_event(const Event& event, std::vector<Action>& actions);
  void on_enquiry_reply(const Event& event, std::vector<Action>& actions);
  void on_frame_reply(const Event& event, std::vector<Action>& actions);
  void on_receiving_event(const Event& event, std::vector<Action>& actions);
  void on_awaiting_completion_event(const Event& event, std::vector<Action>& actions);

  void accept_enquiry(const Event& event, std::vector<Action>& actions);
  void accept_frame(const Event& event, std::vector<Action>& actions);
  void refuse_frame(const Event& event, std::vector<Action>& actions);
  // Ends the transfer being received. A message still open is delivered (ending `end`) when
  // it ended cleanly, else discarded with a diagnostic. Returns whether one was delivered.
  bool end_transfer(MessageEnd end, Acknowledgement acknowledgement, std::size_t offset,
                    std::vector<Action>& actions);
  void discard_incoming(std::string why, std::size_t offset, std::vector<Action>& actions);
  void emit_message(MessageEnd end, Acknowledgement acknowledgement, std::vector<Action>& actions);
  void abandon_pending(std::string why, std::size_t offset, std::vector<Action>& actions);
  void become_idle(std::vector<Action>& actions);

  void maybe_start_sending(std::vector<Action>& actions);
  void send_current_frame(std::vector<Action>& actions);
  void finish_outgoing(Result<void> outcome, std::vector<Action>& actions);

  void write(char byte, std::vector<Action>& actions);
  void start_timer(TimerId timer, std::chrono::milliseconds duration, std::vector<Action>& actions);
  void cancel_timer(TimerId timer, std::vector<Action>& actions);
  bool armed(TimerId timer) const { return armed_[static_cast<int>(timer)]; }

  Role role_;
  LinkOptions options_;
  LinkState state_ = LinkState::kIdle;
  Readiness readiness_ = Readiness::kReady;
  bool armed_[3] = {false, false, false};

  Deframer deframer_;

  // Receiving.
  RecordAssembler assembler_;
  Incoming incoming_;
  bool incoming_overflow_ = false;  // a frame was refused for size: the message is lost
  bool last_frame_refused_ = false;
  int last_accepted_number_ = -1;  // the frame acknowledged last in this transfer
  std::uint64_t next_incoming_id_ = 1;
  std::set<std::uint64_t> pending_;  // messages whose ACK waits for complete()
  // Host after contention: do not send ENQ before the instrument's EOT (then wait).
  bool await_peer_eot_ = false;

  // Sending.
  std::deque<Outgoing> outgoing_;
  std::uint64_t next_outgoing_id_ = 1;
  std::size_t frame_index_ = 0;
  int frame_refusals_ = 0;
  int busy_replies_ = 0;
};

}  // namespace aliquot::astm
