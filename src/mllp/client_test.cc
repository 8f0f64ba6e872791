#include "mllp/client.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "mllp/server.h"
#include "support/eventually.h"

namespace aliquot::mllp {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

using test_support::kPatience;

const std::string kMessage =
    "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083000+0000||ORU^R01^ORU_R01|MSG1|P|2.5.1\r";

// A listener on 127.0.0.1 that answers every message with `reply_for(message)`; when that is
// empty, it lets the Reply go unanswered (the listener then closes the connection).
class EchoListener {
 public:
  explicit EchoListener(std::function<std::string(const std::string&)> reply_for,
                        ServerOptions options = {})
      : server_(io_, std::move(options), [reply_for](InboundMessage inbound, Reply reply) {
          std::string answer = reply_for(inbound.bytes);
          if (!answer.empty()) reply(std::move(answer));
        }) {
    const Result<void> started = server_.start();
    EXPECT_TRUE(started.has_value()) << started.error().message();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoListener() {
    server_.stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  Server& server() { return server_; }
  std::uint16_t port() { return server_.port(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  Server server_;
  std::thread thread_;
};

// A port on which nothing listens: bound by the system, then released.
std::uint16_t unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

TEST(MllpClient, SendsAMessageAndReturnsTheReplyUnframed) {
  EchoListener listener([](const std::string& message) { return "ACK for " + message; });
  Client client("127.0.0.1", listener.port());
  EXPECT_FALSE(client.connected());
  const Result<std::string> reply = client.send(kMessage, kPatience);
  ASSERT_TRUE(reply.has_value()) << reply.error().message();
  EXPECT_EQ(*reply, "ACK for " + kMessage);
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(client.peer(), "127.0.0.1:" + std::to_string(listener.port()));
}

TEST(MllpClient, ReusesItsConnectionForLaterMessages) {
  EchoListener listener([](const std::string&) { return std::string("ACK"); });
  Client client("127.0.0.1", listener.port());
  for (int i = 0; i < 5; ++i) {
    const Result<std::string> reply = client.send(kMessage, kPatience);
    ASSERT_TRUE(reply.has_value()) << reply.error().message();
  }
  EXPECT_EQ(listener.server().counters().connections_accepted, 1u);
}

TEST(MllpClient, NamesThePeerWhenTheConnectionIsRefused) {
  const std::uint16_t port = unused_port();
  Client client("127.0.0.1", port);
  const Result<std::string> reply = client.send(kMessage, kPatience);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(reply.error().message(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(MllpClient, TimesOutWhenNoReplyComes) {
  // A socket that listens but never accepts: the system completes the connection and takes the
  // message, and nothing ever answers.
  asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = silent.local_endpoint().port();
  Client client("127.0.0.1", port);
  const Result<std::string> reply = client.send(kMessage, milliseconds(100));
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().message(),
            "timeout after 100 ms waiting for the reply from 127.0.0.1:" + std::to_string(port));
  EXPECT_FALSE(client.connected());
}

TEST(MllpClient, SaysWhenThePeerClosedBeforeReplying) {
  EchoListener listener([](const std::string&) { return std::string(); });
  Client client("127.0.0.1", listener.port());
  const Result<std::string> reply = client.send(kMessage, kPatience);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().message(), "127.0.0.1:" + std::to_string(listener.port()) +
                                         " closed the connection before replying");
  EXPECT_FALSE(client.connected());
}

TEST(MllpClient, ReconnectsWhenTheListenerClosedTheIdleConnection) {
  ServerOptions options;
  options.idle_timeout = milliseconds(20);
  EchoListener listener([](const std::string&) { return std::string("ACK"); }, options);
  Client client("127.0.0.1", listener.port());
  ASSERT_TRUE(client.send(kMessage, kPatience).has_value());
  // Wait (bounded) until the listener has closed the idle connection.
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (listener.server().counters().idle_timeouts == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(listener.server().counters().idle_timeouts, 1u);
  const Result<std::string> reply = client.send(kMessage, kPatience);
  ASSERT_TRUE(reply.has_value()) << reply.error().message();
  EXPECT_EQ(*reply, "ACK");
  EXPECT_EQ(listener.server().counters().connections_accepted, 2u);
}

TEST(MllpClient, RefusesAReplyBeyondItsMaximumSize) {
  EchoListener listener([](const std::string&) { return std::string(100, 'a'); });
  ClientOptions options;
  options.max_reply_size = 10;
  Client client("127.0.0.1", listener.port(), options);
  const Result<std::string> reply = client.send(kMessage, kPatience);
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().message(), "the reply from 127.0.0.1:" + std::to_string(listener.port()) +
                                         " exceeds the maximum size of 10 bytes (received 100)");
}

}  // namespace
}  // namespace aliquot::mllp
