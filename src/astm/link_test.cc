#include "astm/link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "astm/frame.h"

namespace aliquot::astm {
namespace {

using std::chrono::milliseconds;

const std::string kEnqByte(1, kEnq);
const std::string kAckByte(1, kAck);
const std::string kNakByte(1, kNak);
const std::string kEotByte(1, kEot);

const std::vector<std::string> kResultMessage = {
    "H|\\^&|||Analyzer^1|||||||P|1",
    "R|1|^^^GLU|5.4|mmol/L||N||F",
    "L|1|N",
};

// One end of the wire: a link, its running timers (deadlines on the wire's clock) and what it
// reported.
struct End {
  End(Role role, const LinkOptions& options) : link(role, options) {}

  Link link;
  std::map<TimerId, milliseconds> deadlines;
  std::vector<MessageReceived> received;
  std::vector<std::uint64_t> delivered;
  std::vector<MessageFailed> failed;
  std::vector<Diagnostic> diagnostics;
  std::string written;  // every byte written, before the filter
  // When false, received messages are completed as soon as they are reported.
  bool hold_completion = false;

  bool diagnosed(const std::string& part) const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.text.find(part) != std::string::npos; });
  }
};

// A host and an instrument wired back to back through their actions, on a manual clock. Bytes
// written by one end reach the other when pump() runs (through `filter`, which may change or
// drop them); timers fire only when advance() moves the clock past them.
class Wire {
 public:
  explicit Wire(const LinkOptions& options = {})
      : host_(Role::kHost, options), instrument_(Role::kInstrument, options) {}

  End& host() { return host_; }
  End& instrument() { return instrument_; }
  milliseconds now() const { return now_; }

  // Sees the bytes `from` writes, one write at a time; returns what the peer receives.
  std::function<std::string(const End& from, const std::string& bytes)> filter;
  // Feed received bytes one at a time (the link must not care how reads cut the stream).
  bool byte_at_a_time = false;

  std::uint64_t send(End& end, std::vector<std::string> records) {
    std::vector<Action> actions;
    Result<std::uint64_t> id = end.link.send(std::move(records), actions);
    EXPECT_TRUE(id.has_value());
    apply(end, actions);
    return id.value_or(0);
  }

  void complete(End& end, std::uint64_t id) {
    std::vector<Action> actions;
    end.link.complete(id, actions);
    apply(end, actions);
  }

  // Delivers bytes in flight (and their consequences) until the wire is quiet.
  void pump() {
    while (!in_flight_.empty() || !completions_.empty()) {
      std::vector<Action> actions;
      if (!in_flight_.empty()) {
        auto [end, bytes] = std::move(in_flight_.front());
        in_flight_.pop_front();
        if (byte_at_a_time) {
          for (const char byte : bytes) end->link.on_bytes(std::string_view(&byte, 1), actions);
        } else {
          end->link.on_bytes(bytes, actions);
        }
        apply(*end, actions);
      } else {
        auto [end, id] = completions_.front();
        completions_.pop_front();
        end->link.complete(id, actions);
        apply(*end, actions);
      }
    }
  }

  // Moves the clock forward by `duration`, firing the timers that expire on the way, in order.
  void advance(milliseconds duration) {
    const milliseconds target = now_ + duration;
    pump();
    for (;;) {
      End* end = nullptr;
      TimerId timer = TimerId::kReply;
      milliseconds earliest = target;
      for (End* candidate : {&host_, &instrument_}) {
        for (const auto& [id, deadline] : candidate->deadlines) {
          if (deadline <= earliest && (end == nullptr || deadline < earliest)) {
            end = candidate;
            timer = id;
            earliest = deadline;
          }
        }
      }
      if (end == nullptr) break;
      now_ = earliest;
      end->deadlines.erase(timer);
      std::vector<Action> actions;
      end->link.on_timer_expired(timer, actions);
      apply(*end, actions);
      pump();
    }
    now_ = target;
  }

  // Runs until no timer is left (at most `limit` of clock time).
  void settle(milliseconds limit = milliseconds{600'000}) {
    pump();
    const milliseconds end_time = now_ + limit;
    while (now_ < end_time && (!host_.deadlines.empty() || !instrument_.deadlines.empty())) {
      milliseconds next = end_time;
      for (End* end : {&host_, &instrument_}) {
        for (const auto& entry : end->deadlines) next = std::min(next, entry.second);
      }
      advance(next - now_);
    }
  }

 private:
  End& peer(End& end) { return &end == &host_ ? instrument_ : host_; }

  void apply(End& end, std::vector<Action>& actions) {
    for (Action& action : actions) {
      if (auto* write = std::get_if<WriteBytes>(&action)) {
        end.written += write->bytes;
        std::string bytes = filter ? filter(end, write->bytes) : write->bytes;
        if (!bytes.empty()) in_flight_.emplace_back(&peer(end), std::move(bytes));
      } else if (auto* start = std::get_if<StartTimer>(&action)) {
        end.deadlines[start->timer] = now_ + start->duration;
      } else if (auto* cancel = std::get_if<CancelTimer>(&action)) {
        end.deadlines.erase(cancel->timer);
      } else if (auto* received = std::get_if<MessageReceived>(&action)) {
        if (!end.hold_completion && received->acknowledgement == Acknowledgement::kWithheld) {
          completions_.emplace_back(&end, received->message_id);
        }
        end.received.push_back(std::move(*received));
      } else if (auto* delivered = std::get_if<MessageDelivered>(&action)) {
        end.delivered.push_back(delivered->message_id);
      } else if (auto* failed = std::get_if<MessageFailed>(&action)) {
        end.failed.push_back(std::move(*failed));
      } else if (auto* diagnostic = std::get_if<Diagnostic>(&action)) {
        end.diagnostics.push_back(std::move(*diagnostic));
      }
    }
    actions.clear();
  }

  End host_;
  End instrument_;
  milliseconds now_{0};
  std::deque<std::pair<End*, std::string>> in_flight_;
  std::deque<std::pair<End*, std::uint64_t>> completions_;
};

// The frame numbers of the frames in a byte stream, in order ("123").
std::string frame_numbers(const std::string& stream) {
  std::string numbers;
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) {
    if (stream[i] == kStx) numbers.push_back(stream[i + 1]);
  }
  return numbers;
}

std::size_t count(const std::string& stream, char byte) {
  return static_cast<std::size_t>(std::count(stream.begin(), stream.end(), byte));
}

std::string frames_of(const std::vector<std::string>& records) {
  Result<std::vector<std::string>> frames = write_record_frames(records);
  EXPECT_TRUE(frames.has_value());
  std::string out;
  for (const std::string& frame : frames.value()) out += frame;
  return out;
}

// Flips one text byte of a frame so that its checksum no longer matches.
std::string corrupt(std::string frame) {
  frame[2] = static_cast<char>(frame[2] ^ 0x01);
  return frame;
}

// --- Exchanges ---

TEST(Link, ExchangesAMessageFrameByFrame) {
  Wire wire;
  const std::uint64_t id = wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  const MessageReceived& message = wire.host().received[0];
  EXPECT_EQ(message.records, kResultMessage);
  EXPECT_EQ(message.end, MessageEnd::kTerminator);
  EXPECT_EQ(message.acknowledgement, Acknowledgement::kWithheld);
  EXPECT_EQ(message.offset, 1u);  // the STX after the ENQ
  EXPECT_EQ(wire.instrument().written, kEnqByte + frames_of(kResultMessage) + kEotByte);
  EXPECT_EQ(wire.host().written, kAckByte + kAckByte + kAckByte + kAckByte);
  EXPECT_EQ(wire.instrument().delivered, std::vector<std::uint64_t>{id});
  EXPECT_TRUE(wire.instrument().failed.empty());
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  EXPECT_EQ(wire.instrument().link.state(), LinkState::kIdle);
  EXPECT_TRUE(wire.host().deadlines.empty());
  EXPECT_TRUE(wire.instrument().deadlines.empty());
}

TEST(Link, DeliversAOneRecordMessageWithoutLOnEot) {
  Wire wire;
  const std::vector<std::string> single = {"H|\\^&|||Analyzer^1|||||||P|1"};
  wire.send(wire.instrument(), single);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, single);
  EXPECT_EQ(wire.host().received[0].end, MessageEnd::kEndOfTransmission);
  EXPECT_EQ(wire.host().received[0].acknowledgement, Acknowledgement::kNotNeeded);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, DeliversAMessageWithoutLAfterTheFactOnEot) {
  Wire wire;
  wire.host().hold_completion = true;  // nothing is withheld: EOT needs no reply
  const std::vector<std::string> no_terminator = {kResultMessage[0], kResultMessage[1]};
  wire.send(wire.instrument(), no_terminator);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, no_terminator);
  EXPECT_EQ(wire.host().received[0].end, MessageEnd::kEndOfTransmission);
  EXPECT_EQ(wire.host().received[0].acknowledgement, Acknowledgement::kNotNeeded);
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  // complete() of such a message is harmless and writes nothing.
  const std::string before = wire.host().written;
  wire.complete(wire.host(), wire.host().received[0].message_id);
  EXPECT_EQ(wire.host().written, before);
}

TEST(Link, SplitsA2KbRecordOverEtbFramesAndDeliversItWhole) {
  Wire wire;
  const std::string long_result = "R|1|^^^IMG|" + std::string(2000, 'A') + "||||F";
  const std::vector<std::string> message = {kResultMessage[0], long_result, "L|1|N"};
  wire.send(wire.instrument(), message);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, message);
  // 2017 characters and the CR: 9 frames of at most 240, 8 of them ending ETB.
  EXPECT_EQ(count(wire.instrument().written, kEtb), 8u);
  EXPECT_EQ(frame_numbers(wire.instrument().written), "12345670123");
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, NumbersFramesModulo8PastSeven) {
  Wire wire;
  std::vector<std::string> message = {kResultMessage[0]};
  for (int i = 1; i <= 8; ++i) message.push_back("R|" + std::to_string(i) + "|^^^T|1");
  message.push_back("L|1|N");
  wire.send(wire.instrument(), message);
  wire.pump();
  EXPECT_EQ(frame_numbers(wire.instrument().written), "1234567012");
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, message);
}

TEST(Link, SendsTheNextMessageInANewTransferWithNumberingFrom1) {
  Wire wire;
  wire.send(wire.instrument(), kResultMessage);
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(wire.host().received.size(), 2u);
  EXPECT_EQ(frame_numbers(wire.instrument().written), "123123");
  EXPECT_EQ(count(wire.instrument().written, kEnq), 2u);
  EXPECT_EQ(count(wire.instrument().written, kEot), 2u);
  EXPECT_EQ(wire.instrument().delivered, (std::vector<std::uint64_t>{1, 2}));
}

TEST(Link, GivesTheSameResultWhenBytesArriveOneAtATime) {
  Wire wire;
  wire.byte_at_a_time = true;
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, kResultMessage);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, HostSendsToTheInstrumentToo) {
  Wire wire;
  const std::vector<std::string> order = {"H|\\^&|||aliquot", "P|1||MRN1",
                                          "O|1|S123||^^^GLU|R||||||A||||||||||||||Q", "L|1|N"};
  wire.send(wire.host(), order);
  wire.pump();
  ASSERT_EQ(wire.instrument().received.size(), 1u);
  EXPECT_EQ(wire.instrument().received[0].records, order);
  EXPECT_EQ(wire.host().delivered.size(), 1u);
}

// --- Durable before acknowledged ---

TEST(Link, WithholdsTheAckOfTheFinalFrameUntilComplete) {
  Wire wire;
  wire.host().hold_completion = true;
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].acknowledgement, Acknowledgement::kWithheld);
  // ENQ, frame 1 and frame 2 are acknowledged; frame 3 (the L record) is not.
  EXPECT_EQ(wire.host().written, kAckByte + kAckByte + kAckByte);
  EXPECT_EQ(wire.host().link.state(), LinkState::kAwaitingCompletion);
  EXPECT_TRUE(wire.instrument().delivered.empty());

  wire.complete(wire.host(), wire.host().received[0].message_id);
  wire.pump();
  EXPECT_EQ(wire.host().written, kAckByte + kAckByte + kAckByte + kAckByte);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
}

TEST(Link, SenderTimesOutWhenTheReceiverNeverCompletes) {
  Wire wire;
  wire.host().hold_completion = true;
  wire.send(wire.instrument(), kResultMessage);
  wire.advance(milliseconds{14'999});
  EXPECT_TRUE(wire.instrument().failed.empty());
  wire.advance(milliseconds{1});
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(), "no reply to frame 3 within 15000 ms");
  EXPECT_TRUE(wire.instrument().delivered.empty());
  EXPECT_EQ(wire.instrument().written.back(), kEot);
  EXPECT_TRUE(wire.host().diagnosed("EOT at byte"));
  EXPECT_TRUE(wire.host().diagnosed("message(s) 1 will not be acknowledged"));
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  // A late completion writes nothing: the sender has gone.
  const std::string before = wire.host().written;
  wire.complete(wire.host(), wire.host().received[0].message_id);
  wire.pump();
  EXPECT_EQ(wire.host().written, before);
}

TEST(Link, AFrameCompletingTwoMessagesIsAcknowledgedWhenBothAreComplete) {
  Link host(Role::kHost);
  std::vector<Action> actions;
  host.on_bytes(kEnqByte, actions);
  ASSERT_FALSE(actions.empty());
  actions.clear();
  // One frame: a message left without L, then a whole message (an H ends the first).
  host.on_bytes(write_frame(1, "H|\\^&\rR|1|^^^A|1\rH|\\^&\rR|1|^^^B|2\rL|1|N\r", FrameEnd::kFinal),
                actions);
  std::vector<MessageReceived> received;
  for (Action& action : actions) {
    if (auto* message = std::get_if<MessageReceived>(&action)) received.push_back(*message);
    EXPECT_FALSE(std::holds_alternative<WriteBytes>(action));
  }
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].records, (std::vector<std::string>{"H|\\^&", "R|1|^^^A|1"}));
  EXPECT_EQ(received[0].end, MessageEnd::kNextHeader);
  EXPECT_EQ(received[1].records, (std::vector<std::string>{"H|\\^&", "R|1|^^^B|2", "L|1|N"}));
  EXPECT_EQ(received[1].end, MessageEnd::kTerminator);

  actions.clear();
  host.complete(received[1].message_id, actions);
  for (const Action& action : actions) EXPECT_FALSE(std::holds_alternative<WriteBytes>(action));
  host.complete(received[0].message_id, actions);
  ASSERT_FALSE(actions.empty());
  const auto* ack = std::get_if<WriteBytes>(&actions[0]);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->bytes, kAckByte);
}

TEST(Link, SendsAReplyToAHostQueryAfterTheInstrumentsEot) {
  Wire wire;
  wire.host().hold_completion = true;
  const std::vector<std::string> query = {"H|\\^&|||Analyzer^1", "Q|1|^S123||ALL", "L|1|N"};
  wire.send(wire.instrument(), query);
  wire.pump();
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, query);

  // The application commits the query and answers with the orders, as LinkConnection does.
  const std::vector<std::string> reply = {"H|\\^&|||aliquot", "P|1",
                                          "O|1|S123||^^^GLU|R||||||A||||||||||||||Q", "L|1|N"};
  wire.complete(wire.host(), wire.host().received[0].message_id);
  wire.send(wire.host(), reply);
  wire.pump();
  ASSERT_EQ(wire.instrument().received.size(), 1u);
  EXPECT_EQ(wire.instrument().received[0].records, reply);
  EXPECT_EQ(wire.host().delivered.size(), 1u);
  // The host's ENQ comes only after its last ACK, and the instrument releases the line (EOT)
  // before it acknowledges that ENQ and the reply's four frames.
  EXPECT_EQ(wire.host().written,
            kAckByte + kAckByte + kAckByte + kAckByte + kEnqByte + frames_of(reply) + kEotByte);
  EXPECT_EQ(wire.instrument().written, kEnqByte + frames_of(query) + kEotByte + kAckByte +
                                           kAckByte + kAckByte + kAckByte + kAckByte);
}

// --- Error recovery ---

TEST(Link, RefusesACorruptedFrameWithNakAndAcceptsTheResend) {
  Wire wire;
  int frames_written = 0;
  wire.filter = [&](const End& from, const std::string& bytes) {
    if (&from == &wire.instrument() && bytes[0] == kStx && ++frames_written == 2) {
      return corrupt(bytes);
    }
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(wire.host().written, kAckByte + kAckByte + kNakByte + kAckByte + kAckByte);
  EXPECT_EQ(frame_numbers(wire.instrument().written), "1223");
  EXPECT_TRUE(wire.host().diagnosed("frame 2 at byte"));
  EXPECT_TRUE(wire.host().diagnosed("checksum is"));
  EXPECT_TRUE(wire.instrument().diagnosed("frame 2 refused by NAK; sending it again (attempt 2"));
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, kResultMessage);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, GivesUpWithEotAfterSixRefusalsOfOneFrame) {
  Wire wire;
  wire.filter = [&](const End& from, const std::string& bytes) {
    if (&from == &wire.instrument() && bytes[0] == kStx && bytes[1] == '2') return corrupt(bytes);
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(frame_numbers(wire.instrument().written), "1222222");
  EXPECT_EQ(wire.instrument().written.back(), kEot);
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(),
            "frame 2 refused 6 times (last reply: NAK)");
  EXPECT_EQ(wire.instrument().failed[0].error.code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(wire.instrument().delivered.empty());
  // The host delivers nothing of the abandoned message.
  EXPECT_TRUE(wire.host().received.empty());
  EXPECT_TRUE(wire.host().diagnosed("the sender gave up mid-message"));
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  EXPECT_EQ(wire.instrument().link.state(), LinkState::kIdle);
}

TEST(Link, GivesUpWhenTheEnquiryGetsNoReplyWithin15Seconds) {
  Wire wire;
  wire.filter = [&](const End& from, const std::string& bytes) {
    return &from == &wire.host() ? std::string() : bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.advance(milliseconds{14'999});
  EXPECT_TRUE(wire.instrument().failed.empty());
  EXPECT_EQ(wire.instrument().link.state(), LinkState::kAwaitingEnquiryReply);
  wire.advance(milliseconds{1});
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(), "no reply to ENQ within 15000 ms");
  EXPECT_EQ(wire.instrument().written, kEnqByte + kEotByte);
  EXPECT_EQ(wire.instrument().link.state(), LinkState::kIdle);
}

TEST(Link, GivesUpWhenAFrameGetsNoReplyWithin15Seconds) {
  Wire wire;
  int host_writes = 0;
  wire.filter = [&](const End& from, const std::string& bytes) {
    if (&from == &wire.host() && ++host_writes > 1) return std::string();  // ACK of ENQ only
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.advance(milliseconds{15'000});
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(), "no reply to frame 1 within 15000 ms");
  EXPECT_EQ(wire.instrument().written.back(), kEot);
}

TEST(Link, ReceiverAbandonsATransferAfter30SecondsWithoutAFrame) {
  Wire wire;
  int instrument_writes = 0;
  wire.filter = [&](const End& from, const std::string& bytes) {
    // ENQ and frame 1 get through; then the line goes dead.
    if (&from == &wire.instrument() && ++instrument_writes > 2) return std::string();
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.advance(milliseconds{29'999});
  EXPECT_EQ(wire.host().link.state(), LinkState::kReceiving);
  wire.advance(milliseconds{1});
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  EXPECT_TRUE(wire.host().received.empty());
  EXPECT_TRUE(wire.host().diagnosed(
      "no frame or EOT within 30000 ms after frame 1; the transfer is abandoned; 1 record(s) of "
      "an incomplete message discarded"));
}

TEST(Link, AcknowledgesARepeatedFrameAgainWithoutDeliveringItTwice) {
  Wire wire;
  int host_writes = 0;
  wire.filter = [&](const End& from, const std::string& bytes) {
    // The host's ACK of frame 2 (its third write) is damaged on the line.
    if (&from == &wire.host() && ++host_writes == 3) return std::string("X");
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(frame_numbers(wire.instrument().written), "1223");
  EXPECT_TRUE(wire.instrument().diagnosed("(taken as NAK)"));
  EXPECT_TRUE(wire.host().diagnosed("repeats the frame acknowledged last"));
  EXPECT_EQ(count(wire.host().written, kNak), 0u);
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, kResultMessage);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, AcknowledgesARepeatedFinalFrameWithoutASecondMessage) {
  Wire wire;
  int host_writes = 0;
  wire.filter = [&](const End& from, const std::string& bytes) {
    // The ACK of frame 3, the one that completed the message, is damaged.
    if (&from == &wire.host() && ++host_writes == 4) return std::string("?");
    return bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(frame_numbers(wire.instrument().written), "1233");
  EXPECT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, RefusesADamagedFrameCarryingTheLastAcknowledgedNumber) {
  // Only a good frame repeating the last number is a retransmission; a damaged one is refused,
  // or a damaged new frame whose number byte was hit could be acknowledged and lost.
  Link host(Role::kHost);
  std::vector<Action> actions;
  host.on_bytes(kEnqByte + write_frame(1, "H|\\^&\r", FrameEnd::kFinal), actions);
  actions.clear();
  host.on_bytes(corrupt(write_frame(1, "P|1\r", FrameEnd::kFinal)), actions);
  ASSERT_FALSE(actions.empty());
  const auto* reply = std::get_if<WriteBytes>(&actions[0]);
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->bytes, kNakByte);
}

// --- Establishment ---

TEST(Link, ContentionGivesTheLineToTheInstrument) {
  Wire wire;
  const std::vector<std::string> order = {"H|\\^&|||aliquot", "O|1|S9||^^^K", "L|1|N"};
  // Both ENQs are on the line before either end reads.
  wire.send(wire.host(), order);
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(wire.instrument().link.state(), LinkState::kContention);
  EXPECT_EQ(wire.host().link.state(), LinkState::kIdle);
  EXPECT_TRUE(wire.host().diagnosed("contention"));
  EXPECT_EQ(wire.host().written, kEnqByte);  // the host did not answer the colliding ENQ

  // The instrument sends ENQ again after 1 s and transfers its message.
  wire.advance(milliseconds{999});
  EXPECT_EQ(count(wire.instrument().written, kEnq), 1u);
  wire.advance(milliseconds{1});
  ASSERT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.host().received[0].records, kResultMessage);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
  EXPECT_TRUE(wire.instrument().received.empty());

  // The host sends ENQ again no sooner than 20 s after the instrument's EOT.
  wire.advance(milliseconds{19'999});
  EXPECT_EQ(count(wire.host().written, kEnq), 1u);
  wire.advance(milliseconds{1});
  EXPECT_EQ(count(wire.host().written, kEnq), 2u);
  ASSERT_EQ(wire.instrument().received.size(), 1u);
  EXPECT_EQ(wire.instrument().received[0].records, order);
  EXPECT_EQ(wire.host().delivered.size(), 1u);
  EXPECT_EQ(wire.now(), milliseconds{21'000});
}

TEST(Link, RetriesTheEnquiryNoSoonerThan10SecondsAfterABusyNak) {
  Wire wire;
  wire.host().link.set_readiness(Readiness::kBusy);
  wire.send(wire.instrument(), kResultMessage);
  wire.pump();
  EXPECT_EQ(wire.host().written, kNakByte);
  EXPECT_TRUE(wire.host().diagnosed("answered NAK: busy"));
  wire.advance(milliseconds{5'000});
  wire.host().link.set_readiness(Readiness::kReady);
  wire.advance(milliseconds{4'999});
  EXPECT_EQ(count(wire.instrument().written, kEnq), 1u);
  wire.advance(milliseconds{1});
  EXPECT_EQ(count(wire.instrument().written, kEnq), 2u);
  EXPECT_EQ(wire.host().received.size(), 1u);
  EXPECT_EQ(wire.instrument().delivered.size(), 1u);
}

TEST(Link, FailsAMessageWhenThePeerStaysBusy) {
  Wire wire;
  wire.host().link.set_readiness(Readiness::kBusy);
  wire.send(wire.instrument(), kResultMessage);
  wire.settle();
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(),
            "the peer answered ENQ with NAK (busy) 6 times");
  EXPECT_EQ(count(wire.instrument().written, kEnq), 6u);
  EXPECT_EQ(wire.now(), milliseconds{60'000});  // 6 retry delays of 10 s, the last before idle
  EXPECT_EQ(wire.instrument().link.queued(), 0u);
}

// --- Liberal input (what real instruments send) ---

TEST(Link, AcceptsAWholeMessageInOneFrameWithoutLineEnds) {
  Link host(Role::kHost);
  std::vector<Action> actions;
  std::string frame = write_frame(
      1, "H|\\^&|||XN-550\rP|1\rO|1||S1\rR|1|^^^^WBC|6.1|10*3/uL\rL|1|N", FrameEnd::kFinal);
  frame.resize(frame.size() - 2);  // no CR LF after the checksum, as in stored captures
  host.on_bytes(kEnqByte + frame, actions);
  std::vector<MessageReceived> received;
  for (Action& action : actions) {
    if (auto* message = std::get_if<MessageReceived>(&action)) received.push_back(*message);
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].records, (std::vector<std::string>{"H|\\^&|||XN-550", "P|1", "O|1||S1",
                                                           "R|1|^^^^WBC|6.1|10*3/uL", "L|1|N"}));
  EXPECT_EQ(received[0].end, MessageEnd::kTerminator);
}

TEST(Link, AcceptsEtbAfterEveryRecord) {
  // cobas c111: every record in a frame of its own ending ETB, only the L frame ends ETX.
  Link host(Role::kHost);
  std::vector<Action> actions;
  const std::string bytes = kEnqByte + write_frame(1, "H|\\^&\r", FrameEnd::kIntermediate) +
                            write_frame(2, "R|1|^^^413|40.13|g/L\r", FrameEnd::kIntermediate) +
                            write_frame(3, "L|1|N\r", FrameEnd::kFinal);
  host.on_bytes(bytes, actions);
  std::vector<MessageReceived> received;
  int acks = 0;
  for (Action& action : actions) {
    if (auto* message = std::get_if<MessageReceived>(&action)) received.push_back(*message);
    if (auto* write = std::get_if<WriteBytes>(&action)) acks += write->bytes == kAckByte;
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].records,
            (std::vector<std::string>{"H|\\^&", "R|1|^^^413|40.13|g/L", "L|1|N"}));
  EXPECT_EQ(acks, 3);  // ENQ, frames 1 and 2; frame 3 waits for complete()
}

TEST(Link, DiscardsARecordLeftOpenByEtbAtEot) {
  Link host(Role::kHost);
  std::vector<Action> actions;
  host.on_bytes(kEnqByte + write_frame(1, "H|\\^&\r", FrameEnd::kFinal) +
                    write_frame(2, "R|1|^^^A|", FrameEnd::kIntermediate) + kEotByte,
                actions);
  bool received = false;
  std::string diagnostics;
  for (Action& action : actions) {
    received |= std::holds_alternative<MessageReceived>(action);
    if (auto* diagnostic = std::get_if<Diagnostic>(&action)) diagnostics += diagnostic->text;
  }
  EXPECT_FALSE(received);
  EXPECT_NE(diagnostics.find("inside a record continued by ETB (frame 2)"), std::string::npos)
      << diagnostics;
  EXPECT_EQ(host.state(), LinkState::kIdle);
}

TEST(Link, ReportsFramesOutsideATransferAndDoesNotAnswerThem) {
  Link host(Role::kHost);
  std::vector<Action> actions;
  host.on_bytes(write_frame(1, "H|\\^&\r", FrameEnd::kFinal), actions);
  ASSERT_EQ(actions.size(), 1u);
  const auto* diagnostic = std::get_if<Diagnostic>(&actions[0]);
  ASSERT_NE(diagnostic, nullptr);
  EXPECT_EQ(diagnostic->text, "frame 1 at byte 0 outside a transfer (no ENQ); ignored");
  EXPECT_EQ(diagnostic->frame_number, 1);
}

// --- Interface ---

TEST(Link, RefusesToSendARecordHoldingAFramingByte) {
  Link link(Role::kInstrument);
  std::vector<Action> actions;
  Result<std::uint64_t> sent = link.send({"H|\\^&", "R|1|a\rb"}, actions);
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().message(),
            "record 2 holds control byte 0x0D at offset 5, which cannot travel in an ASTM frame");
  EXPECT_TRUE(actions.empty());
  EXPECT_EQ(link.queued(), 0u);
  EXPECT_FALSE(link.send({}, actions).has_value());
}

TEST(Link, IgnoresTheExpiryOfATimerItDidNotStart) {
  Link link(Role::kHost);
  std::vector<Action> actions;
  link.on_timer_expired(TimerId::kReply, actions);
  link.on_timer_expired(TimerId::kReceive, actions);
  link.on_timer_expired(TimerId::kRetry, actions);
  EXPECT_TRUE(actions.empty());
  EXPECT_EQ(link.state(), LinkState::kIdle);
}

TEST(Link, ShortensItsTimersWhenConfigured) {
  LinkOptions options;
  options.reply_timeout = milliseconds{50};
  Wire wire(options);
  wire.filter = [&](const End& from, const std::string& bytes) {
    return &from == &wire.host() ? std::string() : bytes;
  };
  wire.send(wire.instrument(), kResultMessage);
  wire.advance(milliseconds{50});
  ASSERT_EQ(wire.instrument().failed.size(), 1u);
  EXPECT_EQ(wire.instrument().failed[0].error.message(), "no reply to ENQ within 50 ms");
}

}  // namespace
}  // namespace aliquot::astm
