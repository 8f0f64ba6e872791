#include "mllp/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mllp/frame.h"
#include "mllp/oversize_ack.h"

namespace aliquot::mllp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

// How long to wait before accepting again after accept() failed (e.g. out of file descriptors),
// instead of spinning on the error.
constexpr std::chrono::milliseconds kAcceptRetryDelay(100);

std::string describe_endpoint(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

std::string describe_peer(const tcp::socket& socket) {
  error_code error;
  const tcp::endpoint endpoint = socket.remote_endpoint(error);
  return error ? "unknown peer" : describe_endpoint(endpoint);
}

}  // namespace

// Outside the anonymous namespace: ServerCore, declared in the header, holds one.
struct AtomicCounters {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> messages_in{0};
  std::atomic<std::uint64_t> acks_out{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> messages_rejected{0};
  std::atomic<std::uint64_t> noise_bytes{0};
  std::atomic<std::uint64_t> idle_timeouts{0};
  std::atomic<std::uint64_t> replies_dropped{0};
  std::atomic<std::uint64_t> replies_abandoned{0};
};

class Connection;

class ServerCore : public std::enable_shared_from_this<ServerCore> {
 public:
  ServerCore(asio::io_context& io, ServerOptions options, MessageHandler handler)
      : io_(io),
        options_(std::move(options)),
        handler_(std::move(handler)),
        acceptor_strand_(asio::make_strand(io)),
        acceptor_(acceptor_strand_),
        accept_retry_(acceptor_strand_) {}

  Result<void> start();
  void stop();
  std::uint16_t port() const { return port_.load(); }
  ServerCounters counters() const;

  // For the connections.
  const ServerOptions& options() const { return options_; }
  const MessageHandler& handler() const { return handler_; }
  AtomicCounters& stats() { return stats_; }
  std::string next_control_id() {
    return options_.ack_control_id_prefix + "-" + std::to_string(++ack_count_);
  }
  core::Instant now() const {
    return options_.clock != nullptr ? options_.clock->now() : system_clock_.now();
  }
  // The connection `id` has closed.
  void remove(std::uint64_t id);

 private:
  void accept();
  void on_accept(const error_code& error, tcp::socket socket);
  void close_acceptor();
  // Calls on_stopped when stopping is complete; unlocks `lock`.
  void notify_if_stopped(std::unique_lock<std::mutex>& lock);

  asio::io_context& io_;
  const ServerOptions options_;
  const MessageHandler handler_;
  core::SystemClock system_clock_;
  asio::strand<asio::io_context::executor_type> acceptor_strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::atomic<std::uint16_t> port_{0};
  AtomicCounters stats_;
  std::atomic<std::uint64_t> ack_count_{0};

  std::mutex mutex_;  // guards the members below
  bool started_ = false;
  bool stopping_ = false;
  bool acceptor_closed_ = false;
  bool stopped_notified_ = false;
  std::uint64_t connection_count_ = 0;
  // Weak: a connection lives as long as its pending operations; it leaves the map on close.
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
};

// One accepted connection. Every member is used on the connection's strand only, except the
// public functions, which post to it.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<ServerCore> server, tcp::socket socket, std::uint64_t id)
      : server_(std::move(server)),
        executor_(socket.get_executor()),
        socket_(std::move(socket)),
        timer_(executor_),
        id_(id),
        peer_(describe_peer(socket_)),
        framer_(server_->options().max_message_size) {}

  void start() {
    asio::post(executor_, [self = shared_from_this()] { self->on_start(); });
  }
  void stop() {
    asio::post(executor_, [self = shared_from_this()] { self->begin_stop(); });
  }
  void post_reply(std::uint64_t item, std::string ack) {
    asio::post(executor_, [self = shared_from_this(), item, ack = std::move(ack)]() mutable {
      self->on_reply(item, std::move(ack));
    });
  }
  void post_abandoned(std::uint64_t item) {
    asio::post(executor_, [self = shared_from_this(), item] { self->on_abandoned(item); });
  }

 private:
  // A message waiting its turn, or an oversize one waiting for the listener's AR.
  struct Pending {
    FramerEventKind kind = FramerEventKind::kMessage;
    std::string bytes;
    std::size_t size = 0;
    SteadyClock::time_point received_at;
  };

  void on_start() {
    last_activity_ = SteadyClock::now();
    if (server_->options().idle_timeout.count() > 0) {
      wait_timer(SteadyClock::now() + server_->options().idle_timeout);
    }
    read();
  }

  void read() {
    const std::size_t queue_limit =
        std::max<std::size_t>(1, server_->options().max_queued_messages);
    if (reading_ || closed_ || stopping_ || peer_closed_ || queue_.size() >= queue_limit) return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](const error_code& error, std::size_t size) {
                              self->on_read(error, size);
                            });
  }

  void on_read(const error_code& error, std::size_t size) {
    reading_ = false;
    if (closed_ || stopping_) return;
    const SteadyClock::time_point now = SteadyClock::now();
    if (error == asio::error::eof) {
      // The peer finished sending; what it sent is still answered (a sender may half-close after
      // its last message and read the ACKs).
      peer_closed_ = true;
      framer_.finish(events_);
    } else if (error) {
      close();
      return;
    } else {
      server_->stats().bytes_in += size;
      last_activity_ = now;
      framer_.feed(std::string_view(read_buffer_.data(), size), events_);
      framer_.flush_noise(events_);
    }
    take_events(now);
    dispatch();
    read();
  }

  void take_events(SteadyClock::time_point received_at) {
    const ServerOptions& options = server_->options();
    for (FramerEvent& event : events_) {
      switch (event.kind) {
        case FramerEventKind::kMessage:
          ++server_->stats().messages_in;
          queue_.push_back({event.kind, std::move(event.bytes), event.size, received_at});
          break;
        case FramerEventKind::kOversize:
          ++server_->stats().messages_rejected;
          if (options.on_rejected) {
            options.on_rejected(
                RejectedMessage{RejectReason::kOversize, peer_, id_, event.size, event.bytes,
                                describe_oversize(framer_.max_message_size(), event.size)});
          }
          queue_.push_back({event.kind, std::move(event.bytes), event.size, received_at});
          break;
        case FramerEventKind::kTruncated:
          ++server_->stats().messages_rejected;
          if (options.on_rejected) {
            options.on_rejected(
                RejectedMessage{RejectReason::kTruncated, peer_, id_, event.size, event.bytes,
                                "frame at byte " + std::to_string(event.offset) +
                                    " cut short after " + std::to_string(event.size) + " bytes: " +
                                    (peer_closed_ ? "the peer closed the connection"
                                                  : "a new frame started before its end byte")});
          }
          break;
        case FramerEventKind::kNoise:
          server_->stats().noise_bytes += event.size;
          if (options.on_noise) {
            options.on_noise(NoiseReport{peer_, id_, event.offset, event.size, event.bytes});
          }
          break;
      }
    }
    events_.clear();
  }

  // Hands the next queued message to the application (or answers an oversize one) when nothing
  // is in flight; closes the connection when there is nothing more to do on it.
  void dispatch() {
    if (closed_ || awaiting_reply_ || writing_) return;
    if (stopping_ || (queue_.empty() && peer_closed_)) {
      close();
      return;
    }
    if (queue_.empty()) return;
    Pending item = std::move(queue_.front());
    queue_.pop_front();
    awaiting_reply_ = true;
    ++item_count_;
    if (item.kind == FramerEventKind::kOversize) {
      write(build_oversize_ack(item.bytes, framer_.max_message_size(), item.size,
                               server_->next_control_id(), server_->now()));
      return;
    }
    InboundMessage message{std::move(item.bytes), peer_, id_, ++message_count_, item.received_at};
    Reply reply(std::make_shared<Reply::State>(weak_from_this(), item_count_, server_));
    try {
      server_->handler()(std::move(message), std::move(reply));
    } catch (...) {
      // The handler is the application's code and must not throw; if it does, its Reply is gone
      // unanswered and the connection closes (on_abandoned), which the sender sees as no ACK.
    }
  }

  void on_reply(std::uint64_t item, std::string ack) {
    if (closed_) {
      ++server_->stats().replies_dropped;
      return;
    }
    if (!awaiting_reply_ || writing_ || item != item_count_) return;
    write(ack);
  }

  void on_abandoned(std::uint64_t item) {
    if (closed_ || !awaiting_reply_ || writing_ || item != item_count_) return;
    ++server_->stats().replies_abandoned;
    close();
  }

  void write(std::string_view ack) {
    writing_ = true;
    write_buffer_.clear();
    append_frame(write_buffer_, ack);
    asio::async_write(socket_, asio::buffer(write_buffer_),
                      [self = shared_from_this()](const error_code& error, std::size_t size) {
                        self->on_write(error, size);
                      });
  }

  void on_write(const error_code& error, std::size_t size) {
    writing_ = false;
    awaiting_reply_ = false;
    if (closed_) return;
    if (error) {
      close();
      return;
    }
    ++server_->stats().acks_out;
    server_->stats().bytes_out += size;
    last_activity_ = SteadyClock::now();
    dispatch();
    read();
  }

  void wait_timer(SteadyClock::time_point deadline) {
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this()](const error_code& error) {
      if (error != asio::error::operation_aborted) self->on_timer();
    });
  }

  void on_timer() {
    if (closed_) return;
    if (stopping_) {
      close();  // the grace period for the reply in flight is over
      return;
    }
    const std::chrono::milliseconds idle_timeout = server_->options().idle_timeout;
    const SteadyClock::time_point now = SteadyClock::now();
    if (awaiting_reply_ || writing_) {
      // Waiting for the application is not the peer's idleness.
      wait_timer(now + idle_timeout);
      return;
    }
    const SteadyClock::time_point deadline = last_activity_ + idle_timeout;
    if (now >= deadline) {
      ++server_->stats().idle_timeouts;
      close();
      return;
    }
    wait_timer(deadline);
  }

  void begin_stop() {
    if (closed_ || stopping_) return;
    stopping_ = true;
    // Messages not yet handed over are not answered: their senders, left without an ACK, send
    // them again to the next listener.
    queue_.clear();
    if (!awaiting_reply_ && !writing_) {
      close();
      return;
    }
    if (reading_ && !writing_) {
      // Only the read is pending: cancelling cannot hurt a write.
      error_code ignored;
      socket_.cancel(ignored);
    }
    wait_timer(SteadyClock::now() + server_->options().stop_grace);
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
    queue_.clear();
    server_->remove(id_);
  }

  const std::shared_ptr<ServerCore> server_;
  const asio::any_io_executor executor_;  // the connection's strand
  tcp::socket socket_;
  asio::steady_timer timer_;
  const std::uint64_t id_;
  const std::string peer_;
  Framer framer_;
  std::vector<FramerEvent> events_;
  std::array<char, 64 * 1024> read_buffer_{};
  std::deque<Pending> queue_;
  std::string write_buffer_;
  std::uint64_t item_count_ = 0;     // items handed over or answered, for matching replies
  std::uint64_t message_count_ = 0;  // messages handed to the application
  SteadyClock::time_point last_activity_;
  bool reading_ = false;
  bool writing_ = false;
  bool awaiting_reply_ = false;  // an item was handed over and its reply is not yet written
  bool peer_closed_ = false;
  bool stopping_ = false;
  bool closed_ = false;
};

// What a Reply shares among its copies.
class Reply::State {
 public:
  State(std::weak_ptr<Connection> connection, std::uint64_t item,
        const std::shared_ptr<ServerCore>& server)
      : connection_(std::move(connection)), item_(item), server_(server) {}
  ~State() {
    if (answered_.load()) return;
    if (std::shared_ptr<Connection> connection = connection_.lock()) {
      connection->post_abandoned(item_);
    }
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void answer(std::string ack) {
    if (answered_.exchange(true)) return;
    if (std::shared_ptr<Connection> connection = connection_.lock()) {
      connection->post_reply(item_, std::move(ack));
    } else if (std::shared_ptr<ServerCore> server = server_.lock()) {
      ++server->stats().replies_dropped;
    }
  }

 private:
  const std::weak_ptr<Connection> connection_;
  const std::uint64_t item_;
  // Weak: a Reply kept by the application must not keep the listener (and its handler) alive.
  const std::weak_ptr<ServerCore> server_;
  std::atomic<bool> answered_{false};
};

void Reply::operator()(std::string ack_bytes) const { state_->answer(std::move(ack_bytes)); }

Result<void> ServerCore::start() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_ || stopping_) {
      return failed_precondition("the MLLP listener on " + options_.host + ":" +
                                 std::to_string(options_.port) + " was started or stopped already");
    }
    started_ = true;
  }
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  error_code error;
  tcp::endpoint endpoint;
  const asio::ip::address address = asio::ip::make_address(options_.host, error);
  if (!error) {
    endpoint = tcp::endpoint(address, options_.port);
  } else {
    tcp::resolver resolver(io_);
    const tcp::resolver::results_type results = resolver.resolve(
        options_.host, std::to_string(options_.port), tcp::resolver::passive, error);
    if (error || results.empty()) {
      return unavailable("cannot listen on " + where + ": " +
                         (error ? error.message() : std::string("the host has no address")));
    }
    endpoint = results.begin()->endpoint();
  }
  const auto fail = [&](const char* step) -> Result<void> {
    const std::string reason = error.message();
    error_code ignored;
    acceptor_.close(ignored);
    return unavailable("cannot listen on " + where + ": " + step + ": " + reason);
  };
  if (acceptor_.open(endpoint.protocol(), error); error) return fail("open");
  // Lets a restarted listener bind while connections of the previous one sit in TIME_WAIT.
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), error); error) {
    return fail("set SO_REUSEADDR");
  }
  if (acceptor_.bind(endpoint, error); error) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, error); error) {
    return fail("listen");
  }
  const tcp::endpoint bound = acceptor_.local_endpoint(error);
  if (error) return fail("read the bound address");
  port_ = bound.port();
  asio::post(acceptor_strand_, [self = shared_from_this()] { self->accept(); });
  return ok();
}

void ServerCore::accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](const error_code& error, tcp::socket socket) {
                           self->on_accept(error, std::move(socket));
                         });
}

void ServerCore::on_accept(const error_code& error, tcp::socket socket) {
  if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([self = shared_from_this()](const error_code& wait_error) {
      if (!wait_error) self->accept();
    });
    return;
  }
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;  // the socket closes as it goes out of scope
    const std::uint64_t id = ++connection_count_;
    connection = std::make_shared<Connection>(shared_from_this(), std::move(socket), id);
    connections_.emplace(id, connection);
    ++stats_.connections_accepted;
    ++stats_.connections_open;
  }
  connection->start();
  accept();
}

void ServerCore::stop() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (const auto& [id, weak] : connections_) {
      if (std::shared_ptr<Connection> connection = weak.lock()) open.push_back(connection);
    }
  }
  asio::post(acceptor_strand_, [self = shared_from_this()] { self->close_acceptor(); });
  for (const std::shared_ptr<Connection>& connection : open) connection->stop();
}

void ServerCore::close_acceptor() {
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  std::unique_lock<std::mutex> lock(mutex_);
  acceptor_closed_ = true;
  notify_if_stopped(lock);
}

void ServerCore::remove(std::uint64_t id) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (connections_.erase(id) > 0) --stats_.connections_open;
  notify_if_stopped(lock);
}

void ServerCore::notify_if_stopped(std::unique_lock<std::mutex>& lock) {
  if (!stopping_ || !acceptor_closed_ || !connections_.empty() || stopped_notified_) return;
  stopped_notified_ = true;
  lock.unlock();
  if (options_.on_stopped) options_.on_stopped();
}

ServerCounters ServerCore::counters() const {
  ServerCounters counters;
  counters.connections_accepted = stats_.connections_accepted.load();
  counters.connections_open = stats_.connections_open.load();
  counters.messages_in = stats_.messages_in.load();
  counters.acks_out = stats_.acks_out.load();
  counters.bytes_in = stats_.bytes_in.load();
  counters.bytes_out = stats_.bytes_out.load();
  counters.messages_rejected = stats_.messages_rejected.load();
  counters.noise_bytes = stats_.noise_bytes.load();
  counters.idle_timeouts = stats_.idle_timeouts.load();
  counters.replies_dropped = stats_.replies_dropped.load();
  counters.replies_abandoned = stats_.replies_abandoned.load();
  return counters;
}

Server::Server(asio::io_context& io, ServerOptions options, MessageHandler handler)
    : core_(std::make_shared<ServerCore>(io, std::move(options), std::move(handler))) {}

Server::~Server() { core_->stop(); }

Result<void> Server::start() { return core_->start(); }

std::uint16_t Server::port() const { return core_->port(); }

void Server::stop() { core_->stop(); }

ServerCounters Server::counters() const { return core_->counters(); }

}  // namespace aliquot::mllp
