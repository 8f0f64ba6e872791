#include "astm/io/link_connection.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "astm/io/tcp.h"
#include "astm/io/test_support.h"

namespace aliquot::astm::io {
namespace {

LinkHandlers ignore_messages() {
  LinkHandlers handlers;
  handlers.on_message = [](ReceivedMessage, CompletionToken done) { done(); };
  return handlers;
}

TEST(LinkConnection, ExchangesAMessageOverLoopbackTcp) {
  std::promise<ReceivedMessage> received;
  std::promise<Result<void>> sent;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    received.set_value(message);
    done();
  };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());
  ASSERT_NE(server.port(), 0);

  Result<std::shared_ptr<LinkConnection>> instrument =
      connect_tcp(loop.io, "127.0.0.1", server.port(), test_link_options(), ignore_messages());
  ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
  (*instrument)->send(kResultMessage, [&](Result<void> outcome) { sent.set_value(outcome); });

  auto received_future = received.get_future();
  auto sent_future = sent.get_future();
  ASSERT_TRUE(ready(received_future));
  const ReceivedMessage message = received_future.get();
  EXPECT_EQ(message.records, kResultMessage);
  EXPECT_EQ(message.end, MessageEnd::kTerminator);
  EXPECT_EQ(message.peer.rfind("127.0.0.1:", 0), 0u) << message.peer;
  EXPECT_EQ(message.offset, 1u);
  ASSERT_TRUE(ready(sent_future));
  const Result<void> outcome = sent_future.get();
  EXPECT_TRUE(outcome.has_value()) << outcome.error().message();
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(LinkConnection, AnswersAHostQueryAfterTheInstrumentReleasesTheLine) {
  const std::vector<std::string> query = {"H|\\^&|||Analyzer^1", "Q|1|^S123||ALL", "L|1|N"};
  const std::vector<std::string> orders = {"H|\\^&|||aliquot", "P|1",
                                           "O|1|S123||^^^GLU|R||||||A||||||||||||||Q", "L|1|N"};
  std::promise<Result<void>> reply_sent;
  std::promise<ReceivedMessage> reply_received;
  std::promise<Result<void>> query_sent;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    ASSERT_EQ(message.records, query);
    // The orders for the queried specimen go back once the query is committed.
    done(orders, [&](Result<void> outcome) { reply_sent.set_value(outcome); });
  };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());

  LinkHandlers instrument_handlers;
  instrument_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    reply_received.set_value(message);
    done();
  };
  Result<std::shared_ptr<LinkConnection>> instrument =
      connect_tcp(loop.io, "127.0.0.1", server.port(), test_link_options(), instrument_handlers);
  ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
  (*instrument)->send(query, [&](Result<void> outcome) { query_sent.set_value(outcome); });

  auto query_future = query_sent.get_future();
  auto reply_future = reply_received.get_future();
  auto reply_sent_future = reply_sent.get_future();
  ASSERT_TRUE(ready(query_future));
  EXPECT_TRUE(query_future.get().has_value());
  ASSERT_TRUE(ready(reply_future));
  EXPECT_EQ(reply_future.get().records, orders);
  ASSERT_TRUE(ready(reply_sent_future));
  EXPECT_TRUE(reply_sent_future.get().has_value());
}

TEST(LinkConnection, WithholdsTheFinalAckUntilDoneIsCalledFromAnotherThread) {
  std::promise<CompletionToken> token;
  std::promise<Result<void>> sent;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage, CompletionToken done) {
    token.set_value(done);  // committed later, elsewhere
  };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());
  Result<std::shared_ptr<LinkConnection>> instrument =
      connect_tcp(loop.io, "127.0.0.1", server.port(), test_link_options(), ignore_messages());
  ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
  (*instrument)->send(kResultMessage, [&](Result<void> outcome) { sent.set_value(outcome); });

  auto token_future = token.get_future();
  auto sent_future = sent.get_future();
  ASSERT_TRUE(ready(token_future));
  EXPECT_EQ(sent_future.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  CompletionToken done = token_future.get();
  done();  // from the test's thread
  done();  // only the first call counts
  ASSERT_TRUE(ready(sent_future));
  EXPECT_TRUE(sent_future.get().has_value());
}

TEST(LinkConnection, SenderTimesOutWhenDoneIsNeverCalled) {
  std::mutex mutex;
  std::vector<CompletionToken> tokens;
  std::promise<Result<void>> sent;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage, CompletionToken done) {
    std::lock_guard<std::mutex> lock(mutex);
    tokens.push_back(done);  // never committed
  };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());
  LinkOptions impatient = test_link_options();
  impatient.reply_timeout = std::chrono::milliseconds{200};
  Result<std::shared_ptr<LinkConnection>> instrument =
      connect_tcp(loop.io, "127.0.0.1", server.port(), impatient, ignore_messages());
  ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
  (*instrument)->send(kResultMessage, [&](Result<void> outcome) { sent.set_value(outcome); });

  auto sent_future = sent.get_future();
  ASSERT_TRUE(ready(sent_future));
  const Result<void> outcome = sent_future.get();
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().message(), "no reply to frame 3 within 200 ms");
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(tokens.size(), 1u);
}

TEST(LinkConnection, ServesSeveralInstrumentsAtOnce) {
  constexpr int kInstruments = 3;
  std::mutex mutex;
  std::set<std::string> peers;
  std::set<std::string> specimens;
  std::promise<void> all_received;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    done();
    std::lock_guard<std::mutex> lock(mutex);
    peers.insert(message.peer);
    specimens.insert(message.records.at(1));
    if (specimens.size() == kInstruments) all_received.set_value();
  };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());
  std::vector<std::shared_ptr<LinkConnection>> instruments;
  for (int i = 0; i < kInstruments; ++i) {
    Result<std::shared_ptr<LinkConnection>> instrument =
        connect_tcp(loop.io, "127.0.0.1", server.port(), test_link_options(), ignore_messages());
    ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
    instruments.push_back(*instrument);
  }
  for (int i = 0; i < kInstruments; ++i) {
    instruments[i]->send({"H|\\^&", "O|1|S" + std::to_string(i), "L|1|N"});
  }
  auto future = all_received.get_future();
  ASSERT_TRUE(ready(future));
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(peers.size(), 3u);
  EXPECT_EQ(specimens, (std::set<std::string>{"O|1|S0", "O|1|S1", "O|1|S2"}));
  EXPECT_EQ(server.connection_count(), 3u);
}

TEST(LinkConnection, FailsUndeliveredMessagesWhenThePeerCloses) {
  std::promise<void> received;
  std::promise<Result<void>> sent;
  std::promise<Error> closed;
  IoThread loop;
  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage, CompletionToken) { received.set_value(); };
  TcpServer server(loop.io, {"127.0.0.1", 0, test_link_options()}, host_handlers);
  ASSERT_TRUE(server.start().has_value());
  LinkHandlers instrument_handlers = ignore_messages();
  instrument_handlers.on_closed = [&](const std::string&, const Error& reason) {
    closed.set_value(reason);
  };
  Result<std::shared_ptr<LinkConnection>> instrument =
      connect_tcp(loop.io, "127.0.0.1", server.port(), test_link_options(), instrument_handlers);
  ASSERT_TRUE(instrument.has_value()) << instrument.error().message();
  (*instrument)->send(kResultMessage, [&](Result<void> outcome) { sent.set_value(outcome); });

  auto received_future = received.get_future();
  ASSERT_TRUE(ready(received_future));
  server.stop();  // before the message was committed: it is not acknowledged
  auto sent_future = sent.get_future();
  auto closed_future = closed.get_future();
  ASSERT_TRUE(ready(sent_future));
  const Result<void> outcome = sent_future.get();
  ASSERT_FALSE(outcome.has_value());
  const std::string peer = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(outcome.error().message(), peer + " closed the connection; message not delivered");
  ASSERT_TRUE(ready(closed_future));
  EXPECT_EQ(closed_future.get().message(), peer + " closed the connection");
}

TEST(TcpServer, RefusesAnAddressItCannotBind) {
  IoThread loop;
  TcpServer first(loop.io, {"127.0.0.1", 0, test_link_options()}, ignore_messages());
  ASSERT_TRUE(first.start().has_value());
  TcpServer second(loop.io, {"127.0.0.1", first.port(), test_link_options()}, ignore_messages());
  const Result<void> started = second.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().message(),
            "cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                " (bind): Address already in use");
  EXPECT_FALSE(first.start().has_value());
}

TEST(ConnectTcp, NamesThePeerItCannotReach) {
  IoThread loop;
  // A port bound but not listening, held for the whole test: a connection is refused, and no
  // other test running at the same time can take the port (a port merely freed could be).
  boost::asio::ip::tcp::socket bound(loop.io);
  bound.open(boost::asio::ip::tcp::v4());
  bound.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = bound.local_endpoint().port();
  Result<std::shared_ptr<LinkConnection>> connection =
      connect_tcp(loop.io, "127.0.0.1", port, test_link_options(), ignore_messages());
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(connection.error().message(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

}  // namespace
}  // namespace aliquot::astm::io
