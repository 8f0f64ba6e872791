#include "server/http/listener.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "server/http/event_stream.h"
#include "server/http/health.h"
#include "server/http/metrics.h"
#include "store/sqlite/sqlite_store.h"
#include "support/eventually.h"

namespace aliquot::server::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using BeastResponse = bhttp::response<bhttp::string_body>;

std::string text(beast::string_view view) { return std::string(view.data(), view.size()); }

// A blocking HTTP/1.1 client on one connection of its own.
class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(io_) {
    stream_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), error_);
  }
  const beast::error_code& connect_error() const { return error_; }

  void send(bhttp::verb verb, const std::string& target, const std::string& body = "") {
    bhttp::request<bhttp::string_body> request(verb, target, 11);
    request.set(bhttp::field::host, "127.0.0.1");
    request.body() = body;
    request.prepare_payload();
    bhttp::write(stream_, request, error_);
    ASSERT_FALSE(error_) << error_.message();
  }
  BeastResponse receive() {
    BeastResponse response;
    bhttp::read(stream_, buffer_, response, error_);
    return response;
  }
  BeastResponse get(const std::string& target) {
    send(bhttp::verb::get, target);
    return receive();
  }
  const beast::error_code& error() const { return error_; }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

class HttpListenerTest : public testing::Test {
 protected:
  HttpListenerTest() : store_(store::open_sqlite_store(":memory:").value()) {
    EXPECT_TRUE(add_health_route(router_, *store_).has_value());
    EXPECT_TRUE(add_metrics_route(router_, metrics_, nullptr).has_value());
    EXPECT_TRUE(router_
                    .add(
                        Method::kPost, "/echo",
                        [](const Request& request) {
                          Response response;
                          response.content_type = "text/plain";
                          response.body = request.body;
                          return response;
                        },
                        Access::kPublic)
                    .has_value());
    EXPECT_TRUE(router_
                    .add(Method::kGet, "/api/patients/{mrn}",
                         [](const Request&) { return json_response(200, "{}"); })
                    .has_value());
  }
  ~HttpListenerTest() override {
    if (listener_) listener_->stop();
    work_.reset();
    for (std::thread& thread : threads_) thread.join();
  }

  std::uint16_t start(std::size_t body_limit = 16) {
    ListenerOptions options;
    options.body_limit = body_limit;
    options.request_timeout = request_timeout_;
    options.stream_keepalive = stream_keepalive_;
    options.metrics = &metrics_;
    options.access_log = [this](const AccessLogEntry& entry) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(format_access_log(entry));
    };
    listener_.emplace(io_, router_, options);
    EXPECT_TRUE(listener_->start().has_value());
    // Two threads: one may be held by a handler while the other serves the rest.
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    return listener_->port();
  }

  // Stops the listener and waits until the io_context has no connection left.
  void stop_and_drain() {
    listener_->stop();
    work_.reset();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  std::vector<std::string> log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  std::chrono::milliseconds request_timeout_ = std::chrono::seconds(30);
  std::chrono::milliseconds stream_keepalive_ = std::chrono::seconds(15);
  std::unique_ptr<store::Store> store_;
  Router router_;
  HttpMetrics metrics_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::optional<Listener> listener_;
  std::vector<std::thread> threads_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(HttpListenerTest, AnswersHealthzWithTheSecurityHeaders) {
  Client client(start());
  const BeastResponse response = client.get("/healthz");
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), R"({"status":"ok"})");
  EXPECT_EQ(text(response[bhttp::field::content_type]), "application/json; charset=utf-8");
  EXPECT_EQ(text(response["X-Content-Type-Options"]), "nosniff");
  EXPECT_EQ(text(response["Referrer-Policy"]), "no-referrer");
  EXPECT_EQ(response.count(bhttp::field::cache_control), 0u);
}

TEST_F(HttpListenerTest, CountsAndLogsEachRequest) {
  Client client(start());
  ASSERT_EQ(client.get("/healthz?probe=1").result_int(), 200u);
  const BeastResponse metrics = client.get("/metrics");
  EXPECT_EQ(text(metrics[bhttp::field::content_type]), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body().find(
                "\nhttp_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1\n"),
            std::string::npos)
      << metrics.body();
  const std::vector<std::string> lines = log();
  ASSERT_GE(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("http method=GET path=/healthz status=200 micros=")) << lines[0];
}

TEST_F(HttpListenerTest, AnswersUnknownPathsAndWrongMethodsWithJsonErrors) {
  Client client(start());
  const BeastResponse missing = client.get("/nowhere");
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(nlohmann::json::parse(missing.body())["code"], "not_found");
  client.send(bhttp::verb::delete_, "/healthz");
  const BeastResponse wrong = client.receive();
  EXPECT_EQ(wrong.result_int(), 405u);
  EXPECT_EQ(text(wrong[bhttp::field::allow]), "GET");
  EXPECT_EQ(nlohmann::json::parse(wrong.body())["code"], "method_not_allowed");
}

TEST_F(HttpListenerTest, RefusesApiRoutesWithoutAUserAndForbidsCachingThem) {
  Client client(start());
  const BeastResponse response = client.get("/api/patients/MRN-1");
  EXPECT_EQ(response.result_int(), 401u);
  EXPECT_EQ(nlohmann::json::parse(response.body()),
            (nlohmann::json{{"error", "authentication required"}, {"code", "unauthenticated"}}));
  EXPECT_EQ(text(response[bhttp::field::cache_control]), "no-store");
}

TEST_F(HttpListenerTest, RefusesABodyOverTheLimitWith413) {
  const std::uint16_t port = start(16);
  Client fits(port);
  fits.send(bhttp::verb::post, "/echo", std::string(16, 'a'));
  const BeastResponse echoed = fits.receive();
  EXPECT_EQ(echoed.result_int(), 200u);
  EXPECT_EQ(echoed.body(), std::string(16, 'a'));

  Client too_large(port);
  too_large.send(bhttp::verb::post, "/echo", std::string(17, 'a'));
  const BeastResponse refused = too_large.receive();
  EXPECT_EQ(refused.result_int(), 413u);
  EXPECT_EQ(nlohmann::json::parse(refused.body()),
            (nlohmann::json{{"error", "request body larger than 16 bytes"},
                            {"code", "payload_too_large"}}));
  EXPECT_FALSE(refused.keep_alive());
}

TEST_F(HttpListenerTest, KeepsTheConnectionForTheNextRequest) {
  Client client(start());
  const BeastResponse first = client.get("/healthz");
  EXPECT_EQ(first.result_int(), 200u);
  EXPECT_TRUE(first.keep_alive());
  const BeastResponse second = client.get("/nowhere");
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_EQ(second.result_int(), 404u);
}

TEST_F(HttpListenerTest, StopFinishesARequestInFlightAndClosesIdleConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(router_
                  .add(
                      Method::kGet, "/slow",
                      [&entered, released](const Request&) {
                        entered.set_value();
                        released.wait();
                        return json_response(200, R"({"done":true})");
                      },
                      Access::kPublic)
                  .has_value());
  const std::uint16_t port = start();
  Client idle(port);
  ASSERT_EQ(idle.get("/healthz").result_int(), 200u);
  Client busy(port);
  busy.send(bhttp::verb::get, "/slow");
  entered.get_future().wait();

  listener_->stop();
  Client late(port);
  EXPECT_TRUE(late.connect_error()) << "a connection was accepted after stop()";
  idle.receive();
  EXPECT_EQ(idle.error(), bhttp::error::end_of_stream) << idle.error().message();

  release.set_value();
  const BeastResponse answered = busy.receive();
  ASSERT_FALSE(busy.error()) << busy.error().message();
  EXPECT_EQ(answered.result_int(), 200u);
  EXPECT_EQ(answered.body(), R"({"done":true})");
  EXPECT_FALSE(answered.keep_alive());
  // Returns only once every connection is closed: nothing is left on the io_context.
  stop_and_drain();
}

// --- streamed responses (server-sent events) ---

// A client on a raw socket, to see the bytes of a streamed response as they arrive.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, std::optional<int> receive_buffer = std::nullopt)
      : socket_(io_) {
    socket_.open(tcp::v4());
    // Set before connecting, so that the window the server sees is small from the start.
    if (receive_buffer) socket_.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
    socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  }

  void send(std::string_view text) { asio::write(socket_, asio::buffer(text)); }

  // Reads until `done(received)` holds or the connection ends, for at most `timeout`; whether
  // `done` holds.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(received_) && !ended_) {
      bool completed = false;
      socket_.async_read_some(asio::buffer(buffer_),
                              [&](beast::error_code error, std::size_t size) {
                                completed = true;
                                if (error == asio::error::operation_aborted) return;
                                if (error) {
                                  ended_ = true;
                                  return;
                                }
                                received_.append(buffer_.data(), size);
                              });
      io_.restart();
      io_.run_until(deadline);
      if (!completed) {
        socket_.cancel();
        io_.restart();
        io_.run();
        break;
      }
    }
    return done(received_);
  }
  bool read_until(std::string_view needle,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return read_until(
        [needle = std::string(needle)](const std::string& received) {
          return received.find(needle) != std::string::npos;
        },
        timeout);
  }
  // Reads until the server closes the connection.
  bool read_to_end(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    read_until([](const std::string&) { return false; }, timeout);
    return ended_;
  }

  void close() { socket_.close(); }

  const std::string& received() const { return received_; }
  bool ended() const { return ended_; }
  std::string head() const { return received_.substr(0, received_.find("\r\n\r\n") + 2); }
  // The body decoded from its chunks (RFC 9112 section 7.1), up to the last complete chunk;
  // `complete` tells whether the last chunk (size 0) was seen.
  std::string body(bool* complete = nullptr) const {
    std::size_t at = received_.find("\r\n\r\n");
    if (complete) *complete = false;
    if (at == std::string::npos) return "";
    at += 4;
    std::string out;
    while (true) {
      const std::size_t line_end = received_.find("\r\n", at);
      if (line_end == std::string::npos) break;
      const std::size_t size = std::stoul(received_.substr(at, line_end - at), nullptr, 16);
      if (size == 0) {
        if (complete) *complete = received_.compare(line_end, 4, "\r\n\r\n") == 0;
        break;
      }
      if (received_.size() < line_end + 2 + size + 2) break;
      out += received_.substr(line_end + 2, size);
      EXPECT_EQ(received_.substr(line_end + 2 + size, 2), "\r\n");
      at = line_end + 2 + size + 2;
    }
    return out;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  std::array<char, 16384> buffer_{};
  std::string received_;
  bool ended_ = false;
};

constexpr std::string_view kStreamRequest =
    "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";

using test_support::eventually;

class HttpStreamTest : public HttpListenerTest {
 protected:
  HttpStreamTest() {
    EXPECT_TRUE(router_
                    .add(
                        Method::kGet, "/events",
                        [this](const Request&) {
                          Response response;
                          response.content_type = std::string(kEventStreamContentType);
                          std::lock_guard lock(streams_mutex_);
                          response.stream = std::make_shared<EventStream>(stream_bound_);
                          streams_.push_back(response.stream);
                          return response;
                        },
                        Access::kPublic)
                    .has_value());
  }

  // The stream of the `index`-th request to /events, once its handler has run.
  std::shared_ptr<EventStream> stream(std::size_t index = 0) {
    std::shared_ptr<EventStream> found;
    eventually([&] {
      std::lock_guard lock(streams_mutex_);
      if (streams_.size() > index) found = streams_[index];
      return found != nullptr;
    });
    return found;
  }

  // Connects and reads the header of a streamed response.
  std::unique_ptr<RawClient> subscribe(std::uint16_t port,
                                       std::optional<int> receive_buffer = std::nullopt) {
    auto client = std::make_unique<RawClient>(port, receive_buffer);
    client->send(kStreamRequest);
    EXPECT_TRUE(client->read_until("\r\n\r\n")) << client->received();
    return client;
  }

  std::size_t stream_bound_ = EventStream::kDefaultMaxQueuedBytes;
  std::mutex streams_mutex_;
  std::vector<std::shared_ptr<EventStream>> streams_;
};

TEST_F(HttpStreamTest, SendsPushedEventsInOrderAfterAStreamHeader) {
  const std::uint16_t port = start();
  std::unique_ptr<RawClient> client = subscribe(port);
  const std::string head = client->head();
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream; charset=utf-8\r\n"), std::string::npos)
      << head;
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;

  std::shared_ptr<EventStream> events = stream();
  // Pushed from another thread than the listener's, as a producer would.
  std::thread producer([events] {
    for (int i = 1; i <= 50; ++i) {
      EXPECT_TRUE(events->push(format_event("result", std::to_string(i), "{}")));
    }
  });
  producer.join();
  std::string expected;
  for (int i = 1; i <= 50; ++i) expected += format_event("result", std::to_string(i), "{}");
  EXPECT_TRUE(client->read_until([&](const std::string&) { return client->body() == expected; }))
      << client->body();
  EXPECT_FALSE(client->ended());

  // Counted and logged once, when the stream started, while it is still open.
  const std::vector<std::string> lines = log();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("http method=GET path=/events status=200 micros=")) << lines[0];
}

TEST_F(HttpStreamTest, SendsKeepAliveCommentsWhileQuietAndOutlivesTheRequestTimeout) {
  request_timeout_ = std::chrono::milliseconds(60);
  stream_keepalive_ = std::chrono::milliseconds(30);
  std::unique_ptr<RawClient> client = subscribe(start());
  // Three comments take at least 90 ms, longer than the request timeout.
  EXPECT_TRUE(client->read_until([&](const std::string&) {
    return client->body() == ": keepalive\n\n: keepalive\n\n: keepalive\n\n";
  })) << client->body();
  ASSERT_FALSE(client->ended());
  ASSERT_TRUE(stream()->push(format_event("result", "7", "{}")));
  EXPECT_TRUE(client->read_until("id: 7\n")) << client->body();
}

TEST_F(HttpStreamTest, FinishesTheResponseWhenTheProducerCloses) {
  std::unique_ptr<RawClient> client = subscribe(start());
  std::shared_ptr<EventStream> events = stream();
  ASSERT_TRUE(events->push(format_event("specimen", "3", "{}")));
  events->close();
  EXPECT_TRUE(client->read_to_end());
  bool complete = false;
  EXPECT_EQ(client->body(&complete), format_event("specimen", "3", "{}"));
  EXPECT_TRUE(complete) << client->received();
}

TEST_F(HttpStreamTest, DisconnectsAClientThatStopsReadingWithoutBlockingTheProducer) {
  stream_bound_ = 64 * 1024;
  const std::uint16_t port = start();
  std::unique_ptr<RawClient> stuck = subscribe(port, 4096);
  std::shared_ptr<EventStream> events = stream();
  const std::string event = format_event("result", "1", std::string(8000, 'x'));
  // Each event is given a moment to be taken, as a client that reads would let it be: the
  // socket's buffers fill first, then the backlog. Each push returns at once.
  std::size_t pushed = 0;
  while (events->push(event)) {
    eventually([&] { return events->queued_bytes() == 0; }, std::chrono::milliseconds(20));
    ASSERT_LT(++pushed, 100'000u) << "the backlog never reached its bound";
  }
  EXPECT_GT(pushed, stream_bound_ / event.size()) << "what the socket took is not backlog";
  EXPECT_FALSE(events->open());
  // Others are served meanwhile, and the stuck client's connection is closed.
  Client other(port);
  EXPECT_EQ(other.get("/healthz").result_int(), 200u);
  EXPECT_TRUE(stuck->read_to_end());
  bool complete = true;
  stuck->body(&complete);
  EXPECT_FALSE(complete) << "a dropped stream has no last chunk";
}

TEST_F(HttpStreamTest, EndsTheStreamWhenTheClientCloses) {
  std::unique_ptr<RawClient> client = subscribe(start());
  std::shared_ptr<EventStream> events = stream();
  client->close();
  EXPECT_TRUE(eventually([&] { return !events->open(); }));
  EXPECT_FALSE(events->push("late"));
}

TEST_F(HttpStreamTest, StopEndsALiveStreamWithoutWaitingForIt) {
  std::unique_ptr<RawClient> client = subscribe(start());
  std::shared_ptr<EventStream> events = stream();
  ASSERT_TRUE(events->push(format_event("result", "1", "{}")));
  ASSERT_TRUE(client->read_until("id: 1\n"));

  listener_->stop();
  EXPECT_TRUE(client->read_to_end());
  bool complete = false;
  EXPECT_EQ(client->body(&complete), format_event("result", "1", "{}"));
  EXPECT_TRUE(complete) << client->received();
  EXPECT_FALSE(events->open());
  // The io_context runs out of work although the producer still holds its stream.
  stop_and_drain();
  EXPECT_FALSE(events->push("after stop"));
}

TEST_F(HttpStreamTest, StopCutsOffAStreamWhoseClientDoesNotRead) {
  std::unique_ptr<RawClient> stuck = subscribe(start(), 4096);
  std::shared_ptr<EventStream> events = stream();
  const std::string event = format_event("result", "1", std::string(8000, 'x'));
  // Until the listener's write is stuck: what is pushed stays queued.
  std::size_t pushed = 0;
  while (events->push(event) &&
         eventually([&] { return events->queued_bytes() == 0; }, std::chrono::milliseconds(20))) {
    ASSERT_LT(++pushed, 100'000u) << "the client's connection never filled";
  }
  const auto stopped = std::chrono::steady_clock::now();
  listener_->stop();
  stop_and_drain();
  // Within the grace of one second for the end of a stream, not the 30 s request timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(5));
  EXPECT_TRUE(stuck->read_to_end());
}

TEST_F(HttpStreamTest, DelimitsTheStreamByTheCloseForHttp10) {
  RawClient client(start());
  client.send("GET /events HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  EXPECT_TRUE(client.head().starts_with("HTTP/1.0 200 OK\r\n")) << client.head();
  EXPECT_EQ(client.head().find("Transfer-Encoding"), std::string::npos) << client.head();
  std::shared_ptr<EventStream> events = stream();
  ASSERT_TRUE(events->push("data: a\n\n"));
  events->close();
  EXPECT_TRUE(client.read_to_end());
  const std::string& received = client.received();
  EXPECT_EQ(received.substr(received.find("\r\n\r\n") + 4), "data: a\n\n");
}

}  // namespace
}  // namespace aliquot::server::http
