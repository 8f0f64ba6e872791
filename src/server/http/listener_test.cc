#include "server/http/listener.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "server/http/health.h"
#include "server/http/metrics.h"
#include "store/sqlite/sqlite_store.h"

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

}  // namespace
}  // namespace aliquot::server::http
