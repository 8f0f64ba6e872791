#include "server/http/listener.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/http/event_stream.h"
#include "server/http/security_headers.h"

namespace aliquot::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Outside the anonymous namespace: ListenerCore, declared in the header, holds its sessions.
class Session;

namespace {

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

// How long the end of a stream may take to write: a client that does not read by then is cut
// off rather than holding up the shutdown.
constexpr std::chrono::seconds kStreamEndGrace{1};

// RFC 9112 section 7.1: a chunk is its size in hexadecimal, CRLF, the data and CRLF; a chunk of
// size zero and an empty trailer section end the body.
std::string chunk(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string size;
  for (std::size_t n = data.size(); n > 0; n /= 16) size.insert(size.begin(), kHex[n % 16]);
  std::string out;
  out.reserve(size.size() + data.size() + 4);
  out += size;
  out += "\r\n";
  out += data;
  out += "\r\n";
  return out;
}
constexpr std::string_view kLastChunk = "0\r\n\r\n";

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

// One connection: read a request, answer it, and again while kept alive. Runs on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ListenerCore> core)
      : stream_(std::move(socket)),
        core_(std::move(core)),
        keepalive_timer_(stream_.get_executor()) {
    beast::error_code error;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(error);
    if (!error) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  }
  ~Session() {
    if (event_stream_) event_stream_->disconnect();
    if (id_ != 0) core_->leave(id_);
  }

  void run() {
    id_ = core_->enrol(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // From stop(): an idle connection closes now; one with a request under way finishes it; a
  // stream ends.
  void stop() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kStreaming) return self->end_stream();
      if (self->state_ == State::kIdle && (!self->parser_ || !self->parser_->got_some()) &&
          self->buffer_.size() == 0) {
        self->close();
      }
    });
  }

 private:
  enum class State { kIdle, kAnswering, kStreaming, kClosed };

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
    request.peer = peer_;
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
    if (response.stream) return start_stream(method, path, route, std::move(response));
    response_.emplace();
    response_->version(parser_->get().version() == 10 ? 10 : 11);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(bhttp::field::server, "aliquot");
    response_->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_->insert(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive == KeepAlive::kYes && !core_->stopping());
    response_->prepare_payload();

    record(method, path, route, response.status);
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

  // Counts and logs the request: when its response is handed over, or when its stream starts.
  void record(Method method, const std::string& path, const std::string& route, int status) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    if (core_->options().metrics) core_->options().metrics->record(method, route, status, elapsed);
    if (core_->options().access_log) {
      core_->options().access_log(AccessLogEntry{method, path, status, elapsed});
    }
  }

  // --- streamed responses ---
  //
  // At most one write is under way (writing_). The stream wakes the connection by posting
  // pump() to its strand when something is queued; pump() takes all of it and writes it as one
  // chunk, and looks again when the write is done. A read stays pending all along, only to learn
  // that the client closed the connection.

  void start_stream(Method method, const std::string& path, const std::string& route,
                    Response response) {
    state_ = State::kStreaming;
    event_stream_ = std::move(response.stream);
    chunked_ = parser_->get().version() != 10;
    stream_header_.emplace();
    stream_header_->version(chunked_ ? 11 : 10);
    stream_header_->result(static_cast<unsigned>(response.status));
    stream_header_->set(bhttp::field::server, "aliquot");
    stream_header_->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) stream_header_->insert(name, value);
    // Nothing of a live stream may be kept or replayed by a cache (RFC 9111 section 5.2.2.5),
    // and a buffering proxy (nginx) must pass each event on at once.
    stream_header_->set(bhttp::field::cache_control, "no-store");
    stream_header_->set("X-Accel-Buffering", "no");
    // The connection ends with the stream: no request can follow an unbounded body.
    stream_header_->keep_alive(false);
    if (chunked_) stream_header_->chunked(true);
    stream_serializer_.emplace(*stream_header_);

    record(method, path, route, response.status);
    writing_ = true;
    stream_.expires_after(core_->options().request_timeout);
    bhttp::async_write_header(
        stream_, *stream_serializer_,
        beast::bind_front_handler(&Session::on_stream_header, shared_from_this()));
  }

  void on_stream_header(beast::error_code error, std::size_t) {
    writing_ = false;
    if (error || state_ != State::kStreaming) return close();
    if (ending_) return write_end();
    // From here the request timeout limits each write, not the stream.
    stream_.expires_never();
    last_write_ = std::chrono::steady_clock::now();
    watch_for_close();
    keep_alive_later();
    event_stream_->attach([weak = weak_from_this(), executor = stream_.get_executor()] {
      asio::post(executor, [weak] {
        if (std::shared_ptr<Session> self = weak.lock()) self->pump();
      });
    });
    // A stop() that came while the header was written found the request still being answered.
    if (core_->stopping()) end_stream();
  }

  void pump() {
    if (state_ != State::kStreaming || writing_ || ending_) return;
    EventStream::Taken taken = event_stream_->take();
    if (taken.end == EventStream::End::kOverflowed ||
        taken.end == EventStream::End::kDisconnected) {
      return close();
    }
    if (!taken.text.empty()) return write_stream(std::move(taken.text));
    if (taken.end == EventStream::End::kClosed) end_stream();
  }

  void write_stream(std::string text) {
    writing_ = true;
    last_write_ = std::chrono::steady_clock::now();
    out_ = chunked_ ? chunk(text) : std::move(text);
    stream_.expires_after(core_->options().request_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      beast::bind_front_handler(&Session::on_stream_write, shared_from_this()));
  }

  void on_stream_write(beast::error_code error, std::size_t) {
    writing_ = false;
    out_.clear();
    if (error) return close();
    if (ending_) return write_end();
    pump();
  }

  // Finishes the response and closes the connection: once the write under way (if any) and
  // the last chunk are written, or when the grace runs out for a client that does not read.
  void end_stream() {
    if (state_ != State::kStreaming || ending_) return;
    ending_ = true;
    event_stream_->disconnect();
    // Replaces the keep-alive wait, which ends with operation_aborted.
    keepalive_timer_.expires_after(kStreamEndGrace);
    keepalive_timer_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (!error) self->close();
    });
    if (!writing_) write_end();
  }

  void write_end() {
    if (!chunked_) return close();  // HTTP/1.0: the close ends the body
    writing_ = true;
    out_ = std::string(kLastChunk);
    stream_.expires_after(core_->options().request_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        self->writing_ = false;
                        self->close();
                      });
  }

  void watch_for_close() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (self->state_ != State::kStreaming) return;
                              // The client closed (or reset) the connection; anything it sends is
                              // ignored.
                              if (error) return self->close();
                              self->watch_for_close();
                            });
  }

  // A comment when nothing was written for stream_keepalive.
  void keep_alive_later() {
    keepalive_timer_.expires_at(last_write_ + core_->options().stream_keepalive);
    keepalive_timer_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (error || self->state_ != State::kStreaming || self->ending_) return;
      const auto now = std::chrono::steady_clock::now();
      if (now >= self->last_write_ + self->core_->options().stream_keepalive) {
        self->event_stream_->push(format_comment("keepalive"));
        self->last_write_ = now;  // the comment is on its way
      }
      self->keep_alive_later();
    });
  }

  void close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    if (event_stream_) event_stream_->disconnect();
    keepalive_timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::string peer_;
  std::shared_ptr<ListenerCore> core_;
  std::uint64_t id_ = 0;
  State state_ = State::kIdle;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::chrono::steady_clock::time_point started_;

  // A streamed response (start_stream()).
  asio::steady_timer keepalive_timer_;
  std::shared_ptr<EventStream> event_stream_;
  std::optional<bhttp::response<bhttp::empty_body>> stream_header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_serializer_;
  bool chunked_ = true;
  bool writing_ = false;  // a write (the header's included) is under way
  bool ending_ = false;   // end_stream() was called
  std::chrono::steady_clock::time_point last_write_;
  std::string out_;  // what is being written
  std::array<char, 512> discard_{};
};

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
