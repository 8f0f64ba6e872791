#include "mllp/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hl7/ack.h"
#include "hl7/message.h"
#include "mllp/client.h"
#include "mllp/frame.h"
#include "mllp/framer.h"
#include "support/eventually.h"

namespace aliquot::mllp {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// The listener's counters are waited for: a peer can read an ACK before the listener's write
// handler has counted it.
using test_support::eventually;
using test_support::kPatience;

std::string message(const std::string& control_id, std::size_t padding = 0) {
  return "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083000+0000||ORU^R01^ORU_R01|" + control_id +
         "|P|2.5.1\rPID|1||MRN1||Doe^Jane\rNTE|1||" + std::string(padding, 'p') + "\r";
}

std::string value(const std::string& bytes, const char* path) {
  const Result<hl7::Message> parsed = hl7::Message::parse(bytes);
  if (!parsed.has_value()) return "<not HL7: " + parsed.error().message() + ">";
  const Result<hl7::Value> found = parsed->get(path);
  return found.has_value() ? found->text() : "<bad path>";
}

// The AA an application would send after committing `bytes`.
std::string accept(const std::string& bytes) {
  hl7::AckContent content;
  content.code = hl7::AckCode::kAccept;
  content.control_id = "ACK-" + value(bytes, "MSH-10");
  content.time = core::from_unix_millis(1795249800000);
  const Result<hl7::Message> parsed = hl7::Message::parse(bytes);
  return parsed.has_value() ? hl7::build_ack(*parsed, content)
                            : hl7::build_ack_for_unparsed(content);
}

// A listener on 127.0.0.1, on a port the system picks, run by two threads so that connections
// really are served concurrently.
class RunningServer {
 public:
  RunningServer(ServerOptions options, MessageHandler handler) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.on_stopped = [this, user = std::move(options.on_stopped)] {
      if (user) user();
      stopped_.set_value();
    };
    server_.emplace(io_, std::move(options), std::move(handler));
    const Result<void> started = server_->start();
    EXPECT_TRUE(started.has_value()) << started.error().message();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~RunningServer() {
    server_->stop();
    EXPECT_EQ(stopped_future_.wait_for(kPatience * 2), std::future_status::ready);
    work_.reset();
    io_.stop();
    for (std::thread& thread : threads_) thread.join();
  }

  Server& server() { return *server_; }
  std::uint16_t port() { return server_->port(); }
  // Whether on_stopped was called within the patience.
  bool stopped() { return stopped_future_.wait_for(kPatience) == std::future_status::ready; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::promise<void> stopped_;
  std::shared_future<void> stopped_future_ = stopped_.get_future().share();
  std::optional<Server> server_;
  std::vector<std::thread> threads_;
};

// A peer that writes raw bytes and reads what comes back, frame by frame.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port) {
    boost::system::error_code error;
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error);
    EXPECT_FALSE(error) << error.message();
  }

  void send(std::string_view bytes) {
    boost::system::error_code error;
    asio::write(socket_, asio::buffer(bytes), error);
    EXPECT_FALSE(error) << error.message();
  }
  void finish_sending() {
    boost::system::error_code error;
    socket_.shutdown(tcp::socket::shutdown_send, error);
  }

  // The next `count` messages received; fewer when the connection closes or the patience ends.
  std::vector<std::string> receive(std::size_t count) {
    while (messages_.size() < count && read_once() == Outcome::kData) {
    }
    std::vector<std::string> out;
    while (!messages_.empty() && out.size() < count) {
      out.push_back(std::move(messages_.front()));
      messages_.pop_front();
    }
    return out;
  }

  // Whether the listener closed the connection (within the patience) with nothing more sent.
  bool closed_by_listener() {
    Outcome outcome = Outcome::kData;
    while (outcome == Outcome::kData) outcome = read_once();
    return outcome == Outcome::kClosed && messages_.empty();
  }

 private:
  enum class Outcome { kData, kClosed, kTimeout };

  Outcome read_once() {
    // Once the connection has ended, say so again rather than read: a read after the end is not
    // guaranteed to complete at once.
    if (ended_) return Outcome::kClosed;
    bool done = false;
    boost::system::error_code error;
    std::size_t size = 0;
    socket_.async_read_some(asio::buffer(buffer_),
                            [&](const boost::system::error_code& read_error, std::size_t n) {
                              error = read_error;
                              size = n;
                              done = true;
                            });
    io_.restart();
    io_.run_for(kPatience);
    if (!done) {
      socket_.cancel();
      io_.restart();
      io_.run();
      return Outcome::kTimeout;
    }
    if (error) {
      ended_ = true;
      return Outcome::kClosed;
    }
    std::vector<FramerEvent> events;
    framer_.feed(std::string_view(buffer_.data(), size), events);
    for (FramerEvent& event : events) {
      if (event.kind == FramerEventKind::kMessage) messages_.push_back(std::move(event.bytes));
    }
    return Outcome::kData;
  }

  asio::io_context io_;
  tcp::socket socket_{io_};
  std::array<char, 4096> buffer_{};
  Framer framer_;
  std::deque<std::string> messages_;
  bool ended_ = false;
};

// Messages and their Replies, handed from the listener's threads to the test.
class Inbox {
 public:
  void put(InboundMessage message, Reply reply) {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back({std::move(message), std::move(reply)});
    ++count_;
    changed_.notify_all();
  }
  // The next message, waiting for it within the patience.
  std::optional<std::pair<InboundMessage, Reply>> take() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kPatience, [&] { return !items_.empty(); })) return std::nullopt;
    auto item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<InboundMessage, Reply>> items_;
  std::size_t count_ = 0;
};

ServerOptions test_options() {
  ServerOptions options;
  options.stop_grace = kPatience;
  return options;
}

TEST(MllpServer, ServesManyConcurrentClientsEachGettingItsOwnAcksInOrder) {
  constexpr int kClients = 20;
  constexpr int kMessages = 50;
  std::mutex mutex;
  std::map<std::uint64_t, std::uint64_t> last_sequence;  // per connection
  bool out_of_order = false;
  RunningServer running(test_options(), [&](InboundMessage inbound, Reply reply) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      std::uint64_t& last = last_sequence[inbound.connection_id];
      if (inbound.sequence != last + 1) out_of_order = true;
      last = inbound.sequence;
    }
    reply(accept(inbound.bytes));
  });

  std::vector<std::thread> clients;
  std::atomic<int> acknowledged{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Client client("127.0.0.1", running.port());
      for (int m = 0; m < kMessages; ++m) {
        const std::string control_id = "C" + std::to_string(c) + "-M" + std::to_string(m);
        const Result<std::string> ack = client.send(message(control_id), kPatience);
        if (!ack.has_value()) {
          ADD_FAILURE() << control_id << ": " << ack.error().message();
          return;
        }
        EXPECT_EQ(value(*ack, "MSA-1"), "AA");
        if (value(*ack, "MSA-2") == control_id) ++acknowledged;
      }
    });
  }
  for (std::thread& client : clients) client.join();

  EXPECT_EQ(acknowledged.load(), kClients * kMessages);
  EXPECT_FALSE(out_of_order);
  EXPECT_TRUE(eventually([&] {
    return running.server().counters().acks_out == static_cast<std::uint64_t>(kClients * kMessages);
  }));
  const ServerCounters counters = running.server().counters();
  EXPECT_EQ(counters.connections_accepted, static_cast<std::uint64_t>(kClients));
  EXPECT_EQ(counters.messages_in, static_cast<std::uint64_t>(kClients * kMessages));
  EXPECT_EQ(counters.acks_out, static_cast<std::uint64_t>(kClients * kMessages));
  EXPECT_GT(counters.bytes_in, counters.messages_in * message("C0-M0").size());
  EXPECT_EQ(counters.messages_rejected, 0u);
}

TEST(MllpServer, HandsOverTheNextMessageOnlyAfterTheReplyToThePreviousOneWasWritten) {
  // One thread drives the listener, so that "nothing more happens" is exact: after poll() no
  // handler is ready to run.
  asio::io_context io;
  std::vector<std::pair<InboundMessage, Reply>> handed;
  Server server(io, test_options(), [&](InboundMessage inbound, Reply reply) {
    handed.emplace_back(std::move(inbound), std::move(reply));
  });
  ASSERT_TRUE(server.start().has_value());
  const auto run_until = [&](const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(milliseconds(50));
    }
    io.poll();
    return condition();
  };

  RawPeer peer(server.port());
  peer.send(frame(message("A")) + frame(message("B")) + frame(message("C")));
  ASSERT_TRUE(run_until([&] { return server.counters().messages_in == 3; }));
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(value(handed[0].first.bytes, "MSH-10"), "A");
  EXPECT_EQ(handed[0].first.sequence, 1u);

  handed[0].second(accept(handed[0].first.bytes));
  ASSERT_TRUE(run_until([&] { return handed.size() == 2; }));
  EXPECT_EQ(value(handed[1].first.bytes, "MSH-10"), "B");
  EXPECT_EQ(server.counters().acks_out, 1u);

  handed[1].second(accept(handed[1].first.bytes));
  ASSERT_TRUE(run_until([&] { return handed.size() == 3; }));
  handed[2].second(accept(handed[2].first.bytes));
  ASSERT_TRUE(run_until([&] { return server.counters().acks_out == 3; }));

  const std::vector<std::string> acks = peer.receive(3);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(value(acks[0], "MSA-2"), "A");
  EXPECT_EQ(value(acks[1], "MSA-2"), "B");
  EXPECT_EQ(value(acks[2], "MSA-2"), "C");
  EXPECT_EQ(handed[2].first.sequence, 3u);
  EXPECT_EQ(handed[2].first.connection_id, handed[0].first.connection_id);
}

TEST(MllpServer, WritesAReplyGivenLaterFromAnotherThread) {
  Inbox inbox;
  RunningServer running(test_options(), [&](InboundMessage inbound, Reply reply) {
    inbox.put(std::move(inbound), std::move(reply));
  });
  // The application: commits (here: waits to be told to) and replies from its own thread.
  std::promise<void> committed;
  std::thread application([&] {
    std::optional<std::pair<InboundMessage, Reply>> item = inbox.take();
    ASSERT_TRUE(item.has_value());
    committed.get_future().wait();
    item->second(accept(item->first.bytes));
  });

  std::future<Result<std::string>> ack = std::async(std::launch::async, [&] {
    Client client("127.0.0.1", running.port());
    return client.send(message("LATE1"), kPatience);
  });
  // No ACK can come before the commit.
  EXPECT_EQ(ack.wait_for(milliseconds(0)), std::future_status::timeout);
  committed.set_value();
  const Result<std::string> reply = ack.get();
  application.join();
  ASSERT_TRUE(reply.has_value()) << reply.error().message();
  EXPECT_EQ(value(*reply, "MSA-2"), "LATE1");
  EXPECT_TRUE(eventually([&] { return running.server().counters().acks_out == 1; }));
}

TEST(MllpServer, GivesThePeerAndTheTimeTheMessageArrived) {
  Inbox inbox;
  RunningServer running(test_options(), [&](InboundMessage inbound, Reply reply) {
    inbox.put(std::move(inbound), std::move(reply));
  });
  RawPeer peer(running.port());
  const auto before = std::chrono::steady_clock::now();
  peer.send(frame(message("T1")));
  std::optional<std::pair<InboundMessage, Reply>> item = inbox.take();
  ASSERT_TRUE(item.has_value());
  const auto after = std::chrono::steady_clock::now();
  EXPECT_EQ(item->first.bytes, message("T1"));
  EXPECT_EQ(item->first.peer.rfind("127.0.0.1:", 0), 0u) << item->first.peer;
  EXPECT_EQ(item->first.connection_id, 1u);
  EXPECT_GE(item->first.received_at, before);
  EXPECT_LE(item->first.received_at, after);
  item->second(accept(item->first.bytes));
  EXPECT_EQ(peer.receive(1).size(), 1u);
}

TEST(MllpServer, RejectsAnOversizeMessageWithArAndKeepsTheConnectionUsable) {
  std::mutex mutex;
  std::vector<RejectedMessage> rejected;
  std::vector<std::string> handled;
  ServerOptions options = test_options();
  options.max_message_size = 1000;
  options.on_rejected = [&](const RejectedMessage& refused) {
    std::lock_guard<std::mutex> lock(mutex);
    rejected.push_back(refused);
  };
  RunningServer running(std::move(options), [&](InboundMessage inbound, Reply reply) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      handled.push_back(value(inbound.bytes, "MSH-10"));
    }
    reply(accept(inbound.bytes));
  });

  Client client("127.0.0.1", running.port());
  const std::string big = message("BIG1", 5000);
  const Result<std::string> refusal = client.send(big, kPatience);
  ASSERT_TRUE(refusal.has_value()) << refusal.error().message();
  EXPECT_EQ(value(*refusal, "MSA-1"), "AR");
  EXPECT_EQ(value(*refusal, "MSA-2"), "BIG1");
  const std::string text = "message exceeds the maximum size of 1000 bytes (received " +
                           std::to_string(big.size()) + ")";
  EXPECT_EQ(value(*refusal, "MSA-3"), text);
  EXPECT_EQ(value(*refusal, "MSH-10"), "MLLP-1");

  const Result<std::string> next = client.send(message("SMALL2"), kPatience);
  ASSERT_TRUE(next.has_value()) << next.error().message();
  EXPECT_EQ(value(*next, "MSA-1"), "AA");
  EXPECT_EQ(value(*next, "MSA-2"), "SMALL2");

  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(handled, std::vector<std::string>{"SMALL2"});
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].reason, RejectReason::kOversize);
  EXPECT_EQ(rejected[0].size, big.size());
  EXPECT_EQ(rejected[0].text, text);
  EXPECT_EQ(rejected[0].first_bytes, big.substr(0, Framer::kDefaultKeptPrefix));
  EXPECT_EQ(running.server().counters().messages_rejected, 1u);
  EXPECT_TRUE(eventually([&] { return running.server().counters().acks_out == 2; }));
}

TEST(MllpServer, AnswersAnOversizeMessageInItsPlaceAmongPipelinedMessages) {
  ServerOptions options = test_options();
  options.max_message_size = 1000;
  RunningServer running(std::move(options),
                        [&](InboundMessage inbound, Reply reply) { reply(accept(inbound.bytes)); });
  RawPeer peer(running.port());
  peer.send(frame(message("P1")) + frame(message("P2", 3000)) + frame(message("P3")));
  const std::vector<std::string> acks = peer.receive(3);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(value(acks[0], "MSA-2") + value(acks[0], "MSA-1"), "P1AA");
  EXPECT_EQ(value(acks[1], "MSA-2") + value(acks[1], "MSA-1"), "P2AR");
  EXPECT_EQ(value(acks[2], "MSA-2") + value(acks[2], "MSA-1"), "P3AA");
}

TEST(MllpServer, ReportsNoiseAndStillAnswersTheMessageAfterIt) {
  std::promise<NoiseReport> noise;
  ServerOptions options = test_options();
  options.on_noise = [&](const NoiseReport& report) { noise.set_value(report); };
  RunningServer running(std::move(options),
                        [&](InboundMessage inbound, Reply reply) { reply(accept(inbound.bytes)); });
  RawPeer peer(running.port());
  peer.send("hello" + frame(message("N1")));
  const std::vector<std::string> acks = peer.receive(1);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(value(acks[0], "MSA-2"), "N1");
  std::future<NoiseReport> reported = noise.get_future();
  ASSERT_EQ(reported.wait_for(kPatience), std::future_status::ready);
  const NoiseReport report = reported.get();
  EXPECT_EQ(report.offset, 0u);
  EXPECT_EQ(report.count, 5u);
  EXPECT_EQ(report.first_bytes, "hello");
  EXPECT_EQ(running.server().counters().noise_bytes, 5u);
}

TEST(MllpServer, ReportsAFrameCutShortWhenThePeerCloses) {
  std::promise<RejectedMessage> rejected;
  ServerOptions options = test_options();
  options.on_rejected = [&](const RejectedMessage& refused) { rejected.set_value(refused); };
  RunningServer running(std::move(options),
                        [&](InboundMessage inbound, Reply reply) { reply(accept(inbound.bytes)); });
  {
    RawPeer peer(running.port());
    peer.send("\x0bMSH|^~\\&|HALF");
    peer.finish_sending();
    EXPECT_TRUE(peer.closed_by_listener());
  }
  std::future<RejectedMessage> reported = rejected.get_future();
  ASSERT_EQ(reported.wait_for(kPatience), std::future_status::ready);
  const RejectedMessage refused = reported.get();
  EXPECT_EQ(refused.reason, RejectReason::kTruncated);
  EXPECT_EQ(refused.first_bytes, "MSH|^~\\&|HALF");
  EXPECT_EQ(refused.text,
            "frame at byte 0 cut short after 13 bytes: the peer closed the connection");
}

TEST(MllpServer, AnswersEveryMessageOfAPeerThatStoppedSendingThenCloses) {
  RunningServer running(test_options(),
                        [&](InboundMessage inbound, Reply reply) { reply(accept(inbound.bytes)); });
  RawPeer peer(running.port());
  peer.send(frame(message("H1")) + frame(message("H2")) + frame(message("H3")));
  peer.finish_sending();
  const std::vector<std::string> acks = peer.receive(3);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(value(acks[2], "MSA-2"), "H3");
  EXPECT_TRUE(peer.closed_by_listener());
}

TEST(MllpServer, ClosesAConnectionIdleForTheTimeout) {
  ServerOptions options = test_options();
  options.idle_timeout = milliseconds(100);
  RunningServer running(std::move(options),
                        [&](InboundMessage inbound, Reply reply) { reply(accept(inbound.bytes)); });
  RawPeer peer(running.port());
  peer.send(frame(message("I1")));
  EXPECT_EQ(peer.receive(1).size(), 1u);
  EXPECT_TRUE(peer.closed_by_listener());
  EXPECT_EQ(running.server().counters().idle_timeouts, 1u);
}

TEST(MllpServer, DoesNotCountWaitingForTheApplicationAsIdle) {
  Inbox inbox;
  ServerOptions options = test_options();
  options.idle_timeout = milliseconds(30);
  RunningServer running(std::move(options), [&](InboundMessage inbound, Reply reply) {
    inbox.put(std::move(inbound), std::move(reply));
  });
  RawPeer peer(running.port());
  peer.send(frame(message("W1")));
  std::optional<std::pair<InboundMessage, Reply>> item = inbox.take();
  ASSERT_TRUE(item.has_value());
  // A timeout can only be tested by letting time pass: several idle periods while the
  // application works.
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_EQ(running.server().counters().idle_timeouts, 0u);
  item->second(accept(item->first.bytes));
  const std::vector<std::string> acks = peer.receive(1);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(value(acks[0], "MSA-2"), "W1");
}

TEST(MllpServer, StopWritesTheReplyInFlightThenClosesAndRefusesNewConnections) {
  Inbox inbox;
  RunningServer running(test_options(), [&](InboundMessage inbound, Reply reply) {
    inbox.put(std::move(inbound), std::move(reply));
  });
  const std::uint16_t port = running.port();
  RawPeer peer(port);
  peer.send(frame(message("S1")) + frame(message("S2")));
  std::optional<std::pair<InboundMessage, Reply>> item = inbox.take();
  ASSERT_TRUE(item.has_value());

  running.server().stop();
  item->second(accept(item->first.bytes));
  const std::vector<std::string> acks = peer.receive(2);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(value(acks[0], "MSA-2"), "S1");
  EXPECT_TRUE(peer.closed_by_listener());
  EXPECT_TRUE(running.stopped());
  // S2 was never handed over: its sender got no ACK and will send it again.
  EXPECT_EQ(inbox.count(), 1u);
  EXPECT_EQ(running.server().counters().connections_open, 0u);

  Client late("127.0.0.1", port);
  const Result<std::string> refused = late.send(message("S3"), kPatience);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(MllpServer, ClosesTheConnectionWhenTheApplicationDropsAReplyUnanswered) {
  RunningServer running(test_options(), [&](InboundMessage, Reply) {});
  Client client("127.0.0.1", running.port());
  const Result<std::string> ack = client.send(message("D1"), kPatience);
  ASSERT_FALSE(ack.has_value());
  EXPECT_EQ(ack.error().message(), "127.0.0.1:" + std::to_string(running.port()) +
                                       " closed the connection before replying");
  EXPECT_EQ(running.server().counters().replies_abandoned, 1u);
}

TEST(MllpServer, StopClosesAConnectionWhoseReplyMissesTheGraceAndCountsTheLateReply) {
  Inbox inbox;
  ServerOptions options = test_options();
  options.stop_grace = milliseconds(50);
  RunningServer running(std::move(options), [&](InboundMessage inbound, Reply reply) {
    inbox.put(std::move(inbound), std::move(reply));
  });
  RawPeer peer(running.port());
  peer.send(frame(message("G1")));
  std::optional<std::pair<InboundMessage, Reply>> item = inbox.take();
  ASSERT_TRUE(item.has_value());

  running.server().stop();
  EXPECT_TRUE(peer.closed_by_listener());
  EXPECT_TRUE(running.stopped());
  EXPECT_EQ(running.server().counters().connections_open, 0u);
  // The commit finished too late: the bytes go nowhere, and are counted.
  item->second(accept(item->first.bytes));
  EXPECT_TRUE(eventually([&] { return running.server().counters().replies_dropped == 1; }));
  EXPECT_EQ(running.server().counters().acks_out, 0u);
}

TEST(MllpServer, RefusesToListenOnAnAddressInUse) {
  RunningServer first(test_options(), [](InboundMessage, Reply) {});
  asio::io_context io;
  ServerOptions options;
  options.port = first.port();
  Server second(io, options, [](InboundMessage, Reply) {});
  const Result<void> started = second.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(started.error().message(),
            "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                ": bind: Address already in use");
}

}  // namespace
}  // namespace aliquot::mllp
