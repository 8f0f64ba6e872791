#include "astm/link.h"

#include <utility>

#include "astm/frame.h"
#include "astm/record.h"
#include "core/text.h"

namespace aliquot::astm {
namespace {

std::string milliseconds(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

std::string at_byte(std::size_t offset) { return "at byte " + std::to_string(offset); }

std::string event_name(const Event& event) {
  switch (event.kind) {
    case EventKind::kEnquiry: return "ENQ " + at_byte(event.offset);
    case EventKind::kEndOfTransmission: return "EOT " + at_byte(event.offset);
    case EventKind::kAcknowledge: return "ACK " + at_byte(event.offset);
    case EventKind::kNegativeAcknowledge: return "NAK " + at_byte(event.offset);
    case EventKind::kFrame:
    case EventKind::kFrameError:
      return event.frame_number >= 0
                 ? "frame " + std::to_string(event.frame_number) + " " + at_byte(event.offset)
                 : "frame " + at_byte(event.offset);
    case EventKind::kNoise:
      return std::to_string(event.text.size()) + " bytes outside any frame " +
             at_byte(event.offset) + " (\"" + core::printable_excerpt(event.text, 20) + "\")";
  }
  return "event " + at_byte(event.offset);
}

std::string id_list(const std::set<std::uint64_t>& ids) {
  std::string out;
  for (const std::uint64_t id : ids) {
    if (!out.empty()) out += ", ";
    out += std::to_string(id);
  }
  return out;
}

}  // namespace

std::string_view timer_name(TimerId timer) {
  switch (timer) {
    case TimerId::kReply: return "reply";
    case TimerId::kReceive: return "receive";
    case TimerId::kRetry: return "retry";
  }
  return "?";
}

Link::Link(Role role, LinkOptions options)
    : role_(role), options_(options), deframer_(options.max_frame_text) {}

// --- Inputs ---

void Link::on_bytes(std::string_view bytes, std::vector<Action>& actions) {
  std::vector<Event> events;
  deframer_.feed(bytes, events);
  for (const Event& event : events) on_event(event, actions);
}

void Link::on_event(const Event& event, std::vector<Action>& actions) {
  switch (state_) {
    case LinkState::kIdle: on_idle_event(event, actions); return;
    case LinkState::kAwaitingEnquiryReply:
    case LinkState::kContention: on_enquiry_reply(event, actions); return;
    case LinkState::kAwaitingFrameReply: on_frame_reply(event, actions); return;
    case LinkState::kReceiving: on_receiving_event(event, actions); return;
    case LinkState::kAwaitingCompletion: on_awaiting_completion_event(event, actions); return;
  }
}

void Link::on_timer_expired(TimerId timer, std::vector<Action>& actions) {
  if (!armed(timer)) return;  // cancelled or never started: a stale expiry
  armed_[static_cast<int>(timer)] = false;
  switch (timer) {
    case TimerId::kReply:
      // LIS01-A2 6.5.2: no reply within the time-out; the sender enters the termination
      // phase (EOT) and gives the message up.
      if (state_ == LinkState::kAwaitingEnquiryReply) {
        write(kEot, actions);
        finish_outgoing(
            unavailable("no reply to ENQ within " + milliseconds(options_.reply_timeout)), actions);
        become_idle(actions);
      } else if (state_ == LinkState::kAwaitingFrameReply) {
        const int number = static_cast<int>((1 + frame_index_) % 8);
        write(kEot, actions);
        finish_outgoing(unavailable("no reply to frame " + std::to_string(number) + " within " +
                                    milliseconds(options_.reply_timeout)),
                        actions);
        become_idle(actions);
      }
      return;
    case TimerId::kReceive:
      if (state_ == LinkState::kReceiving || state_ == LinkState::kAwaitingCompletion) {
        // LIS01-A2 6.5.2: the receiver waits 30 s for the next frame, then treats the
        // transfer as ended: the incomplete message is discarded, not delivered.
        const std::string why =
            "no frame or EOT within " + milliseconds(options_.receive_timeout) +
            (last_accepted_number_ >= 0 ? " after frame " + std::to_string(last_accepted_number_)
                                        : " after ENQ");
        if (!pending_.empty()) abandon_pending(why, deframer_.offset(), actions);
        discard_incoming(why + "; the transfer is abandoned", deframer_.offset(), actions);
        if (await_peer_eot_) {
          await_peer_eot_ = false;
          start_timer(TimerId::kRetry, options_.host_contention_delay, actions);
        }
        become_idle(actions);
      } else if (state_ == LinkState::kIdle && await_peer_eot_) {
        // Host after contention: the instrument never sent its ENQ again.
        await_peer_eot_ = false;
        become_idle(actions);
      }
      return;
    case TimerId::kRetry:
      if (state_ == LinkState::kContention) {
        write(kEnq, actions);
        state_ = LinkState::kAwaitingEnquiryReply;
        start_timer(TimerId::kReply, options_.reply_timeout, actions);
      } else if (state_ == LinkState::kIdle) {
        maybe_start_sending(actions);
      }
      return;
  }
}

Result<std::uint64_t> Link::send(std::vector<std::string> records, std::vector<Action>& actions) {
  if (records.empty()) return invalid_argument("an ASTM message needs at least one record");
  // One message per transfer: numbering restarts at 1 after each ENQ (LIS01-A2 6.3).
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<std::string> frames, write_record_frames(records, 1));
  const std::uint64_t id = next_outgoing_id_++;
  outgoing_.push_back({id, std::move(frames)});
  maybe_start_sending(actions);
  return id;
}

void Link::complete(std::uint64_t message_id, std::vector<Action>& actions) {
  if (pending_.erase(message_id) == 0) return;
  if (!pending_.empty() || state_ != LinkState::kAwaitingCompletion) return;
  // Every message the frame (or ENQ) completed is committed: the withheld ACK may go.
  write(kAck, actions);
  state_ = LinkState::kReceiving;
  start_timer(TimerId::kReceive, options_.receive_timeout, actions);
}

// --- Idle (neutral) ---

void Link::on_idle_event(const Event& event, std::vector<Action>& actions) {
  switch (event.kind) {
    case EventKind::kEnquiry: accept_enquiry(event, actions); return;
    case EventKind::kEndOfTransmission:
      // Usually the end of a transfer we already gave up on (receive time-out).
      actions.emplace_back(
          Diagnostic{event_name(event) + " outside a transfer; ignored", -1, event.offset});
      return;
    case EventKind::kFrame:
    case EventKind::kFrameError:
      actions.emplace_back(Diagnostic{event_name(event) + " outside a transfer (no ENQ); ignored",
                                      event.frame_number, event.offset});
      return;
    default:
      actions.emplace_back(
          Diagnostic{event_name(event) + " while idle; ignored", -1, event.offset});
      return;
  }
}

// LIS01-A2 6.2: the receiver answers ENQ with ACK when ready, NAK when busy.
void Link::accept_enquiry(const Event& event, std::vector<Action>& actions) {
  assembler_ = RecordAssembler();
  incoming_ = Incoming();
  incoming_overflow_ = false;
  last_frame_refused_ = false;
  last_accepted_number_ = -1;
  if (readiness_ == Readiness::kBusy) {
    write(kNak, actions);
    actions.emplace_back(Diagnostic{event_name(event) + " answered NAK: busy", -1, event.offset});
    state_ = LinkState::kIdle;
    return;
  }
  write(kAck, actions);
  state_ = LinkState::kReceiving;
  start_timer(TimerId::kReceive, options_.receive_timeout, actions);
}

// --- Sending ---

void Link::maybe_start_sending(std::vector<Action>& actions) {
  if (state_ != LinkState::kIdle || outgoing_.empty() || armed(TimerId::kRetry) ||
      await_peer_eot_) {
    return;
  }
  write(kEnq, actions);
  state_ = LinkState::kAwaitingEnquiryReply;
  start_timer(TimerId::kReply, options_.reply_timeout, actions);
}

void Link::on_enquiry_reply(const Event& event, std::vector<Action>& actions) {
  switch (event.kind) {
    case EventKind::kAcknowledge:
      cancel_timer(TimerId::kReply, actions);
      cancel_timer(TimerId::kRetry, actions);
      busy_replies_ = 0;
      frame_index_ = 0;
      frame_refusals_ = 0;
      state_ = LinkState::kAwaitingFrameReply;
      send_current_frame(actions);
      return;
    case EventKind::kNegativeAcknowledge:
      // LIS01-A2 6.2: the receiver is busy; wait at least 10 s before the next ENQ.
      cancel_timer(TimerId::kReply, actions);
      cancel_timer(TimerId::kRetry, actions);
      ++busy_replies_;
      if (busy_replies_ >= options_.max_busy_replies) {
        finish_outgoing(unavailable("the peer answered ENQ with NAK (busy) " +
                                    std::to_string(busy_replies_) + " times"),
                        actions);
      }
      start_timer(TimerId::kRetry, options_.busy_retry_delay, actions);
      become_idle(actions);
      return;
    case EventKind::kEnquiry:
      if (state_ == LinkState::kContention) {
        actions.emplace_back(Diagnostic{
            event_name(event) + " while waiting to repeat our ENQ after contention; ignored", -1,
            event.offset});
        return;
      }
      // LIS01-A2 6.2 (contention): both sides sent ENQ; the instrument has priority.
      cancel_timer(TimerId::kReply, actions);
      if (role_ == Role::kHost) {
        // Stop sending and get ready to receive: the instrument sends ENQ again after at least
        // 1 s and we answer that one. Our ENQ waits for its EOT, then the contention delay.
        actions.emplace_back(
            Diagnostic{"contention: " + event_name(event) +
                           " while waiting for the reply to our ENQ; the instrument has priority",
                       -1, event.offset});
        state_ = LinkState::kIdle;
        await_peer_eot_ = true;
        // If the instrument never sends ENQ again, the receive time-out frees the line.
        start_timer(TimerId::kReceive, options_.receive_timeout, actions);
      } else {
        actions.emplace_back(Diagnostic{"contention: " + event_name(event) +
                                            " while waiting for the reply to our ENQ; sending ENQ "
                                            "again after " +
                                            milliseconds(options_.instrument_contention_delay),
                                        -1, event.offset});
        state_ = LinkState::kContention;
        start_timer(TimerId::kRetry, options_.instrument_contention_delay, actions);
      }
      return;
    default:
      actions.emplace_back(Diagnostic{event_name(event) + " in reply to our ENQ; ignored",
                                      event.frame_number, event.offset});
      return;
  }
}

void Link::send_current_frame(std::vector<Action>& actions) {
  actions.emplace_back(WriteBytes{outgoing_.front().frames[frame_index_]});
  start_timer(TimerId::kReply, options_.reply_timeout, actions);
}

void Link::on_frame_reply(const Event& event, std::vector<Action>& actions) {
  const int number = static_cast<int>((1 + frame_index_) % 8);
  if (event.kind == EventKind::kAcknowledge || event.kind == EventKind::kEndOfTransmission) {
    cancel_timer(TimerId::kReply, actions);
    if (event.kind == EventKind::kEndOfTransmission) {
      // LIS01-A2 6.3 (receiver interrupt): EOT accepts the frame and asks us to stop. We end
      // the transfer after this message anyway, so the request is honoured.
      actions.emplace_back(Diagnostic{event_name(event) + " in reply to frame " +
                                          std::to_string(number) +
                                          ": receiver interrupt; the frame counts as accepted",
                                      number, event.offset});
    }
    ++frame_index_;
    frame_refusals_ = 0;
    if (frame_index_ < outgoing_.front().frames.size()) {
      send_current_frame(actions);
      return;
    }
    // LIS01-A2 6.4: the message is sent; release the line.
    write(kEot, actions);
    finish_outgoing(ok(), actions);
    become_idle(actions);
    return;
  }
  // LIS01-A2 6.5.1: NAK, or any reply other than ACK or EOT, refuses the frame; it is sent
  // again with the same number, and after 6 refusals the message is given up.
  ++frame_refusals_;
  const std::string reply =
      event.kind == EventKind::kNegativeAcknowledge ? "NAK" : event_name(event) + " (taken as NAK)";
  if (frame_refusals_ >= options_.max_frame_attempts) {
    cancel_timer(TimerId::kReply, actions);
    write(kEot, actions);
    finish_outgoing(
        unavailable("frame " + std::to_string(number) + " refused " +
                    std::to_string(frame_refusals_) + " times (last reply: " + reply + ")"),
        actions);
    become_idle(actions);
    return;
  }
  actions.emplace_back(Diagnostic{"frame " + std::to_string(number) + " refused by " + reply +
                                      "; sending it again (attempt " +
                                      std::to_string(frame_refusals_ + 1) + " of " +
                                      std::to_string(options_.max_frame_attempts) + ")",
                                  number, event.offset});
  send_current_frame(actions);
}

void Link::finish_outgoing(Result<void> outcome, std::vector<Action>& actions) {
  const std::uint64_t id = outgoing_.front().id;
  outgoing_.pop_front();
  frame_index_ = 0;
  frame_refusals_ = 0;
  busy_replies_ = 0;
  if (outcome) {
    actions.emplace_back(MessageDelivered{id});
  } else {
    actions.emplace_back(MessageFailed{id, outcome.error()});
  }
}

void Link::become_idle(std::vector<Action>& actions) {
  state_ = LinkState::kIdle;
  maybe_start_sending(actions);
}

// --- Receiving ---

void Link::on_receiving_event(const Event& event, std::vector<Action>& actions) {
  switch (event.kind) {
    case EventKind::kFrame: accept_frame(event, actions); return;
    case EventKind::kFrameError:
      if (event.fault == FrameFault::kSequence && event.frame_number == last_accepted_number_) {
        // Our ACK of that frame was lost or damaged and the sender sent the frame again:
        // acknowledge it again, deliver nothing twice.
        write(kAck, actions);
        actions.emplace_back(Diagnostic{event_name(event) +
                                            " repeats the frame acknowledged last (our ACK was "
                                            "lost); acknowledged again and ignored",
                                        event.frame_number, event.offset});
        start_timer(TimerId::kReceive, options_.receive_timeout, actions);
        return;
      }
      refuse_frame(event, actions);
      return;
    case EventKind::kEndOfTransmission:
      // LIS01-A2 6.4: the transfer ends. A message without L is delivered now.
      cancel_timer(TimerId::kReceive, actions);
      end_transfer(MessageEnd::kEndOfTransmission, Acknowledgement::kNotNeeded, event.offset,
                   actions);
      if (await_peer_eot_) {
        await_peer_eot_ = false;
        start_timer(TimerId::kRetry, options_.host_contention_delay, actions);
      }
      become_idle(actions);
      return;
    case EventKind::kEnquiry: {
      // The sender began a new transfer without EOT: end this one, then answer the ENQ. A
      // message it ended is committed before the ACK of the ENQ.
      actions.emplace_back(
          Diagnostic{event_name(event) + " during a transfer, without EOT", -1, event.offset});
      cancel_timer(TimerId::kReceive, actions);
      const bool ready = readiness_ == Readiness::kReady;
      const bool delivered = end_transfer(
          MessageEnd::kEnquiry, ready ? Acknowledgement::kWithheld : Acknowledgement::kNotNeeded,
          event.offset, actions);
      if (delivered && ready) {
        state_ = LinkState::kAwaitingCompletion;
        start_timer(TimerId::kReceive, options_.receive_timeout, actions);
        return;
      }
      accept_enquiry(event, actions);
      if (state_ == LinkState::kIdle) maybe_start_sending(actions);
      return;
    }
    default:
      actions.emplace_back(
          Diagnostic{event_name(event) + " while receiving; ignored", -1, event.offset});
      return;
  }
}

void Link::accept_frame(const Event& event, std::vector<Action>& actions) {
  if (incoming_overflow_ || incoming_.bytes + event.text.size() > options_.max_message_bytes) {
    incoming_overflow_ = true;
    write(kNak, actions);
    last_frame_refused_ = true;
    actions.emplace_back(Diagnostic{event_name(event) + " makes the message longer than " +
                                        std::to_string(options_.max_message_bytes) +
                                        " bytes; answered NAK",
                                    event.frame_number, event.offset});
    start_timer(TimerId::kReceive, options_.receive_timeout, actions);
    return;
  }
  std::vector<DecodedRecord> records;
  // add() fails only for ENQ and EOT events.
  (void)assembler_.add(event, records);
  incoming_.bytes += event.text.size();
  last_accepted_number_ = event.frame_number;
  last_frame_refused_ = false;
  for (DecodedRecord& record : records) {
    const RecordType type = record_type(record.text);
    // LIS02-A2: a message runs from H to L. An H while a message is open means the sender
    // left out the L: the open message ends here.
    if (type == RecordType::kHeader && !incoming_.records.empty()) {
      emit_message(MessageEnd::kNextHeader, Acknowledgement::kWithheld, actions);
    }
    if (incoming_.records.empty()) incoming_.offset = record.offset;
    incoming_.records.push_back(std::move(record.text));
    if (type == RecordType::kTerminator) {
      emit_message(MessageEnd::kTerminator, Acknowledgement::kWithheld, actions);
    }
  }
  if (!pending_.empty()) {
    // Durable before acknowledged: the ACK of this frame waits for complete().
    state_ = LinkState::kAwaitingCompletion;
    start_timer(TimerId::kReceive, options_.receive_timeout, actions);
    return;
  }
  write(kAck, actions);
  start_timer(TimerId::kReceive, options_.receive_timeout, actions);
}

// LIS01-A2 6.5.1: a defective frame (checksum, number, framing) is answered NAK; the sender
// sends it again with the same number.
void Link::refuse_frame(const Event& event, std::vector<Action>& actions) {
  write(kNak, actions);
  last_frame_refused_ = true;
  actions.emplace_back(Diagnostic{event.text + "; answered NAK", event.frame_number, event.offset});
  start_timer(TimerId::kReceive, options_.receive_timeout, actions);
}

void Link::emit_message(MessageEnd end, Acknowledgement acknowledgement,
                        std::vector<Action>& actions) {
  // Built in place: moving a filled MessageReceived into the variant trips g++ 12's
  // -Wmaybe-uninitialized.
  auto& message =
      std::get<MessageReceived>(actions.emplace_back(std::in_place_type<MessageReceived>));
  message.message_id = next_incoming_id_++;
  message.records = std::move(incoming_.records);
  message.offset = incoming_.offset;
  message.end = end;
  message.acknowledgement = acknowledgement;
  if (acknowledgement == Acknowledgement::kWithheld) pending_.insert(message.message_id);
  incoming_ = Incoming();
}

bool Link::end_transfer(MessageEnd end, Acknowledgement acknowledgement, std::size_t offset,
                        std::vector<Action>& actions) {
  Event close;
  close.kind = end == MessageEnd::kEnquiry ? EventKind::kEnquiry : EventKind::kEndOfTransmission;
  close.offset = offset;
  std::vector<DecodedRecord> unused;
  const Result<void> closed = assembler_.add(close, unused);
  bool delivered = false;
  if (!closed) {
    discard_incoming(closed.error().message(), offset, actions);
  } else if (!incoming_.records.empty()) {
    if (incoming_overflow_) {
      discard_incoming(
          "the message exceeded " + std::to_string(options_.max_message_bytes) + " bytes", offset,
          actions);
    } else if (last_frame_refused_) {
      discard_incoming("the transfer ended " + at_byte(offset) +
                           " right after a frame that was not acknowledged (the sender gave up "
                           "mid-message)",
                       offset, actions);
    } else {
      emit_message(end, acknowledgement, actions);
      delivered = true;
    }
  }
  assembler_ = RecordAssembler();
  incoming_ = Incoming();
  incoming_overflow_ = false;
  last_frame_refused_ = false;
  last_accepted_number_ = -1;
  return delivered;
}

void Link::discard_incoming(std::string why, std::size_t offset, std::vector<Action>& actions) {
  actions.emplace_back(Diagnostic{why + "; " + std::to_string(incoming_.records.size()) +
                                      " record(s) of an incomplete message discarded",
                                  -1, offset});
  assembler_ = RecordAssembler();
  incoming_ = Incoming();
  incoming_overflow_ = false;
  last_frame_refused_ = false;
  last_accepted_number_ = -1;
}

void Link::on_awaiting_completion_event(const Event& event, std::vector<Action>& actions) {
  switch (event.kind) {
    case EventKind::kEndOfTransmission:
      // The sender stopped waiting for our ACK (its 15 s ran out). The messages already
      // reported stay with the application; the sender will send them again.
      abandon_pending(event_name(event) + " before the acknowledgement", event.offset, actions);
      cancel_timer(TimerId::kReceive, actions);
      last_frame_refused_ = true;  // the frame was never acknowledged
      end_transfer(MessageEnd::kEndOfTransmission, Acknowledgement::kNotNeeded, event.offset,
                   actions);
      if (await_peer_eot_) {
        await_peer_eot_ = false;
        start_timer(TimerId::kRetry, options_.host_contention_delay, actions);
      }
      become_idle(actions);
      return;
    case EventKind::kEnquiry:
      abandon_pending(event_name(event) + " before the acknowledgement", event.offset, actions);
      cancel_timer(TimerId::kReceive, actions);
      last_frame_refused_ = true;
      end_transfer(MessageEnd::kEnquiry, Acknowledgement::kNotNeeded, event.offset, actions);
      accept_enquiry(event, actions);
      if (state_ == LinkState::kIdle) maybe_start_sending(actions);
      return;
    case EventKind::kFrameError:
      if (event.fault == FrameFault::kSequence && event.frame_number == last_accepted_number_) {
        actions.emplace_back(Diagnostic{event_name(event) +
                                            " repeats the frame whose acknowledgement waits for "
                                            "the message to be committed; ignored",
                                        event.frame_number, event.offset});
        return;
      }
      actions.emplace_back(Diagnostic{event.text + "; ignored while a message is being committed",
                                      event.frame_number, event.offset});
      return;
    case EventKind::kFrame:
      actions.emplace_back(Diagnostic{event_name(event) + " sent before frame " +
                                          std::to_string(last_accepted_number_) +
                                          " was acknowledged; ignored",
                                      event.frame_number, event.offset});
      return;
    default:
      actions.emplace_back(Diagnostic{event_name(event) + " while a message is being committed; "
                                                          "ignored",
                                      -1, event.offset});
      return;
  }
}

void Link::abandon_pending(std::string why, std::size_t offset, std::vector<Action>& actions) {
  actions.emplace_back(Diagnostic{why + ": message(s) " + id_list(pending_) +
                                      " will not be acknowledged; the sender will likely send "
                                      "them again",
                                  -1, offset});
  pending_.clear();
}

// --- Helpers ---

void Link::write(char byte, std::vector<Action>& actions) {
  actions.emplace_back(WriteBytes{std::string(1, byte)});
}

void Link::start_timer(TimerId timer, std::chrono::milliseconds duration,
                       std::vector<Action>& actions) {
  armed_[static_cast<int>(timer)] = true;
  actions.emplace_back(StartTimer{timer, duration});
}

void Link::cancel_timer(TimerId timer, std::vector<Action>& actions) {
  if (!armed(timer)) return;
  armed_[static_cast<int>(timer)] = false;
  actions.emplace_back(CancelTimer{timer});
}

}  // namespace aliquot::astm
