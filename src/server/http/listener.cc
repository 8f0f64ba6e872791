#include "server/http/listener.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "server/http/security_headers.h"

namespace aliquot::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

// What the listener and its connections share; kept alive by every pending operation, so that
// a completion that arrives after the Listener is gone finds it still there.
class ListenerCore : public std::enable_shared_from_this<ListenerCore> {
 public:
  ListenerCore(asio::io_context& io, const Router& router, ListenerOptions options)
      : io_(io), router_(router), options_(std::move(options)), acceptor_(io) {}

  Result<void> start();
  void stop();
  std::uint16_t port() const { return port_; }

  const Router& router() const { return router_; }
  const ListenerOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }

  std::uint64_t enrol(std::weak_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(++next_session_, std::move(session));
    return next_session_;
  }
  void leave(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  }

 private:
  void accept();  // with mutex_ held

  asio::io_context& io_;
  const Router& router_;
  const ListenerOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};
  // Guards the acceptor (accept() and close() are never called at once) and the sessions.
  std::mutex mutex_;
  tcp::acceptor acceptor_;
  std::uint64_t next_session_ = 0;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions_;
};

namespace {

// One connection: read a request, answer it, and again while kept alive. Runs on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ListenerCore> core)
      : stream_(std::move(socket)), core_(std::move(core)) {}
  ~Session() {
    if (id_ != 0) core_->leave(id_);
  }

  void run() {
    id_ = core_->enrol(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // From stop(): an idle connection closes now; one with a request under way finishes it.
  void stop() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle && (!self->parser_ || !self->parser_->got_some()) &&
          self->buffer_.size() == 0) {
        self->close();
      }
    });
  }

 private:
  enum class State { kIdle, kAnswering, kClosed };

  void read() {
    if (core_->stopping()) return close();
    state_ = State::kIdle;
    parser_.emplace();
    parser_->body_limit(core_->options().body_limit);
    stream_.expires_after(core_->options().request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code error, std::size_t) {
    if (state_ == State::kClosed) return;
    state_ = State::kAnswering;
    started_ = std::chrono::steady_clock::now();
    const auto& message = parser_->get();
    Request request;
    request.method = parse_method(view(message.method_string()));
    request.target = std::string(view(message.target()));
    const std::string_view raw_path =
        std::string_view(request.target).substr(0, request.target.find('?'));
    if (error == bhttp::error::body_limit) {
      // The rest of the body is not read: the connection cannot carry another request.
      return answer(request.method, raw_path, "",
                    json_error(413,
                               "request body larger than " +
                                   std::to_string(core_->options().body_limit) + " bytes",
                               "payload_too_large"),
                    KeepAlive::kNo);
    }
    if (error == bhttp::error::header_limit) {
      return answer(request.method, raw_path, "",
                    json_error(431, "request header fields too large", "header_too_large"),
                    KeepAlive::kNo);
    }
    // The client closed, the timeout struck, or the bytes are not HTTP: nothing to answer.
    if (error) return close();

    for (const auto& field : message) {
      request.headers.emplace_back(view(field.name_string()), view(field.value()));
    }
    request.body = message.body();
    const KeepAlive keep_alive = message.keep_alive() ? KeepAlive::kYes : KeepAlive::kNo;
    if (!parse_target(request.target, request)) {
      return answer(
          request.method, raw_path, "",
          json_error(400, "malformed percent-encoding in the request target", "invalid_argument"),
          keep_alive);
    }
    Dispatched dispatched = core_->router().dispatch(request, core_->options().authenticate);
    answer(request.method, raw_path, dispatched.route, std::move(dispatched.response), keep_alive);
  }

  enum class KeepAlive { kNo, kYes };

  void answer(Method method, std::string_view raw_path, const std::string& route, Response response,
              KeepAlive keep_alive) {
    const std::string path = std::string(raw_path);
    // On the decoded path, as the router matches it: "/%61pi/..." is an /api/ answer too.
    apply_security_headers(percent_decode(path).value_or(path), response);
    response_.emplace();
    response_->version(parser_->get().version() == 10 ? 10 : 11);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(bhttp::field::server, "aliquot");
    response_->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_->insert(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive == KeepAlive::kYes && !core_->stopping());
    response_->prepare_payload();

    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    if (core_->options().metrics) {
      core_->options().metrics->record(method, route, response.status, elapsed);
    }
    if (core_->options().access_log) {
      core_->options().access_log(AccessLogEntry{method, path, response.status, elapsed});
    }
    stream_.expires_after(core_->options().request_timeout);
    bhttp::async_write(stream_, *response_,
                       beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code error, std::size_t) {
    const bool keep = response_->keep_alive();
    response_.reset();
    if (error || !keep) return close();
    read();
  }

  void close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ListenerCore> core_;
  std::uint64_t id_ = 0;
  State state_ = State::kIdle;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

Result<void> ListenerCore::start() {
  beast::error_code error;
  tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), error);
  if (error || endpoints.empty()) {
    return unavailable("http: cannot resolve " + options_.host + ": " + error.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  std::lock_guard lock(mutex_);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return unavailable("http: cannot listen on " + options_.host + ":" +
                       std::to_string(options_.port) + ": " + error.message());
  }
  port_ = acceptor_.local_endpoint().port();
  accept();
  return ok();
}

void ListenerCore::accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](beast::error_code error, tcp::socket socket) {
                           if (error == asio::error::operation_aborted) return;
                           if (!error) std::make_shared<Session>(std::move(socket), self)->run();
                           std::lock_guard lock(self->mutex_);
                           if (!self->stopping_ && self->acceptor_.is_open()) self->accept();
                         });
}

void ListenerCore::stop() {
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
    beast::error_code ignored;
    acceptor_.close(ignored);
    for (const auto& [id, session] : sessions_) {
      if (std::shared_ptr<Session> alive = session.lock()) open.push_back(std::move(alive));
    }
  }
  for (const auto& session : open) session->stop();
}

Listener::Listener(asio::io_context& io, const Router& router, ListenerOptions options)
    : core_(std::make_shared<ListenerCore>(io, router, std::move(options))) {}

Listener::~Listener() { stop(); }

Result<void> Listener::start() { return core_->start(); }

void Listener::stop() { core_->stop(); }

std::uint16_t Listener::port() const { return core_->port(); }

}  // namespace aliquot::server::http
