#include "astm/io/tcp.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <mutex>
#include <utility>
#include <vector>

namespace aliquot::astm::io {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// How long to wait before accepting again after accept() failed (e.g. out of file
// descriptors), instead of spinning on the error.
constexpr std::chrono::milliseconds kAcceptRetryDelay(100);

std::string describe(const std::string& host, std::uint16_t port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

}  // namespace

class TcpServer::Core : public std::enable_shared_from_this<Core> {
 public:
  Core(asio::io_context& io, TcpServerOptions options, LinkHandlers handlers)
      : io_(io),
        options_(std::move(options)),
        handlers_(std::move(handlers)),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        accept_retry_(strand_) {}

  Result<void> start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) return failed_precondition("the ASTM listener was already started");
    started_ = true;
    const std::string where = describe(options_.host, options_.port);
    error_code error;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                            tcp::resolver::passive, error);
    if (error || endpoints.empty()) {
      return unavailable("cannot listen on " + where + ": " +
                         (error ? error.message() : "no address"));
    }
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    const auto fail = [&](const char* step) {
      error_code ignored;
      acceptor_.close(ignored);
      return unavailable("cannot listen on " + where + " (" + step + "): " + error.message());
    };
    if (acceptor_.open(endpoint.protocol(), error); error) return fail("open");
    if (acceptor_.set_option(tcp::acceptor::reuse_address(true), error); error) {
      return fail("reuse_address");
    }
    if (acceptor_.bind(endpoint, error); error) return fail("bind");
    if (acceptor_.listen(asio::socket_base::max_listen_connections, error); error) {
      return fail("listen");
    }
    const tcp::endpoint bound = acceptor_.local_endpoint(error);
    if (error) return fail("read the bound address");
    port_ = bound.port();
    asio::post(strand_, [self = shared_from_this()] { self->accept(); });
    return ok();
  }

  std::uint16_t port() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return port_;
  }

  void stop() {
    std::vector<std::weak_ptr<LinkConnection>> open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      open.swap(connections_);
    }
    asio::post(strand_, [self = shared_from_this()] {
      error_code ignored;
      self->acceptor_.close(ignored);
      self->accept_retry_.cancel();
    });
    for (const auto& weak : open) {
      if (const auto connection = weak.lock()) connection->close();
    }
  }

  std::size_t connection_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
  }

 private:
  void accept() {
    if (!acceptor_.is_open()) return;
    acceptor_.async_accept(
        asio::any_io_executor(io_.get_executor()),
        [self = shared_from_this()](const error_code& error, tcp::socket socket) {
          self->on_accept(error, std::move(socket));
        });
  }

  void on_accept(const error_code& error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([self = shared_from_this()](const error_code& wait_error) {
        if (!wait_error) self->accept();
      });
      return;
    }
    LinkHandlers handlers = handlers_;
    // Count the connection open until it closes, then tell the application.
    handlers.on_closed = [weak = weak_from_this(), on_closed = handlers_.on_closed](
                             const std::string& peer, const Error& reason) {
      if (const auto self = weak.lock()) {
        std::lock_guard<std::mutex> lock(self->mutex_);
        --self->open_;
      }
      if (on_closed) on_closed(peer, reason);
    };
    std::shared_ptr<LinkConnection> connection;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;  // the socket closes as it goes out of scope
      connection = LinkConnection::create(std::move(socket), Role::kHost, options_.link,
                                          std::move(handlers));
      std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
      connections_.push_back(connection);
      ++open_;
    }
    connection->start();
    accept();
  }

  asio::io_context& io_;
  TcpServerOptions options_;
  LinkHandlers handlers_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;

  mutable std::mutex mutex_;  // guards what follows
  bool started_ = false;
  bool stopping_ = false;
  std::uint16_t port_ = 0;
  std::size_t open_ = 0;
  std::vector<std::weak_ptr<LinkConnection>> connections_;
};

TcpServer::TcpServer(asio::io_context& io, TcpServerOptions options, LinkHandlers handlers)
    : core_(std::make_shared<Core>(io, std::move(options), std::move(handlers))) {}

TcpServer::~TcpServer() { stop(); }

Result<void> TcpServer::start() { return core_->start(); }

std::uint16_t TcpServer::port() const { return core_->port(); }

void TcpServer::stop() { core_->stop(); }

std::size_t TcpServer::connection_count() const { return core_->connection_count(); }

Result<std::shared_ptr<LinkConnection>> connect_tcp(asio::io_context& io, const std::string& host,
                                                    std::uint16_t port, LinkOptions options,
                                                    LinkHandlers handlers, Role role) {
  const std::string where = describe(host, port);
  error_code error;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), error);
  if (error) return unavailable("cannot resolve " + where + ": " + error.message());
  tcp::socket socket(io);
  asio::connect(socket, endpoints, error);
  if (error) return unavailable("cannot connect to " + where + ": " + error.message());
  std::shared_ptr<LinkConnection> connection =
      LinkConnection::create(std::move(socket), role, options, std::move(handlers));
  connection->start();
  return connection;
}

}  // namespace aliquot::astm::io
