#include "astm/io/link_connection.h"

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <map>
#include <string_view>
#include <type_traits>
#include <utility>

namespace aliquot::astm::io {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::any_io_executor>;
using IoHandler = std::function<void(const error_code&, std::size_t)>;

// The byte stream under a link: TCP or serial, behind one interface so that a connection is
// the same whatever carries it. Handlers run on the strand given.
class LinkConnection::Stream {
 public:
  virtual ~Stream() = default;
  virtual asio::any_io_executor executor() = 0;
  virtual void async_read_some(asio::mutable_buffer buffer, const Strand& strand,
                               IoHandler handler) = 0;
  virtual void async_write(asio::const_buffer buffer, const Strand& strand, IoHandler handler) = 0;
  virtual void close() = 0;
};

namespace {

std::atomic<std::uint64_t> next_connection_id{1};

template <typename AsioStream>
class AsioByteStream final : public LinkConnection::Stream {
 public:
  explicit AsioByteStream(AsioStream stream) : stream_(std::move(stream)) {}

  asio::any_io_executor executor() override { return stream_.get_executor(); }

  void async_read_some(asio::mutable_buffer buffer, const Strand& strand,
                       IoHandler handler) override {
    stream_.async_read_some(buffer, asio::bind_executor(strand, std::move(handler)));
  }

  void async_write(asio::const_buffer buffer, const Strand& strand, IoHandler handler) override {
    asio::async_write(stream_, buffer, asio::bind_executor(strand, std::move(handler)));
  }

  void close() override {
    error_code ignored;
    if constexpr (std::is_same_v<AsioStream, tcp::socket>) {
      stream_.shutdown(tcp::socket::shutdown_both, ignored);
    }
    stream_.close(ignored);
  }

 private:
  AsioStream stream_;
};

std::string describe_peer(const tcp::socket& socket) {
  error_code error;
  const tcp::endpoint endpoint = socket.remote_endpoint(error);
  if (error) return "unknown peer";
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

// All state of a connection; touched only on the strand.
class LinkConnection::Impl {
 public:
  using Self = std::shared_ptr<LinkConnection>;

  Impl(std::unique_ptr<Stream> stream, Role role, const LinkOptions& options, LinkHandlers handlers)
      : stream_(std::move(stream)),
        strand_(asio::make_strand(stream_->executor())),
        link_(role, options),
        handlers_(std::move(handlers)),
        timers_{asio::steady_timer(strand_), asio::steady_timer(strand_),
                asio::steady_timer(strand_)} {}

  const Strand& strand() const { return strand_; }

  void read(const Self& self) {
    if (closed_) return;
    stream_->async_read_some(asio::buffer(read_buffer_), strand_,
                             [self](const error_code& error, std::size_t size) {
                               self->impl_->on_read(self, error, size);
                             });
  }

  void send(const Self& self, std::vector<std::string> records, SendCallback on_done) {
    if (closed_) {
      if (on_done) on_done(unavailable("connection to " + self->peer_ + " is closed"));
      return;
    }
    std::vector<Action> actions;
    queue(std::move(records), std::move(on_done), actions);
    perform(self, actions);
  }

  void complete(const Self& self, std::uint64_t message_id, std::vector<std::string> reply,
                SendCallback on_reply) {
    if (closed_) {
      if (!reply.empty() && on_reply) {
        on_reply(
            unavailable("connection to " + self->peer_ + " closed before the reply could be sent"));
      }
      return;
    }
    std::vector<Action> actions;
    link_.complete(message_id, actions);
    // Queued after the ACK: the link sends it once the peer has released the line (EOT).
    if (!reply.empty()) queue(std::move(reply), std::move(on_reply), actions);
    perform(self, actions);
  }

  void set_readiness(Readiness readiness) { link_.set_readiness(readiness); }

  void close(const Self& self, const Error& reason) {
    if (closed_) return;
    closed_ = true;
    stream_->close();
    for (std::size_t i = 0; i < timers_.size(); ++i) {
      ++generations_[i];
      timers_[i].cancel();
    }
    std::map<std::uint64_t, SendCallback> callbacks = std::move(callbacks_);
    callbacks_.clear();
    for (auto& [id, callback] : callbacks) {
      callback(unavailable(reason.message() + "; message not delivered"));
    }
    if (handlers_.on_closed) handlers_.on_closed(self->peer_, reason);
  }

 private:
  void queue(std::vector<std::string> records, SendCallback on_done, std::vector<Action>& actions) {
    Result<std::uint64_t> id = link_.send(std::move(records), actions);
    if (!id) {
      if (on_done) on_done(id.error());
      return;
    }
    if (on_done) callbacks_.emplace(id.value(), std::move(on_done));
  }

  void on_read(const Self& self, const error_code& error, std::size_t size) {
    if (closed_) return;
    if (error) {
      close(self, error == asio::error::eof
                      ? unavailable(self->peer_ + " closed the connection")
                      : unavailable("connection to " + self->peer_ + " lost: " + error.message()));
      return;
    }
    std::vector<Action> actions;
    link_.on_bytes(std::string_view(read_buffer_.data(), size), actions);
    perform(self, actions);
    read(self);
  }

  void on_timer(const Self& self, TimerId timer, std::uint64_t generation,
                const error_code& error) {
    // A cancelled wait, or the expiry of a start the link has since replaced.
    if (error || closed_ || generation != generations_[static_cast<std::size_t>(timer)]) return;
    std::vector<Action> actions;
    link_.on_timer_expired(timer, actions);
    perform(self, actions);
  }

  void write_next(const Self& self) {
    writing_ = true;
    stream_->async_write(
        asio::buffer(writes_.front()), strand_,
        [self](const error_code& error, std::size_t) { self->impl_->on_written(self, error); });
  }

  void on_written(const Self& self, const error_code& error) {
    writes_.pop_front();
    writing_ = false;
    if (closed_) return;
    if (error) {
      close(self, unavailable("cannot write to " + self->peer_ + ": " + error.message()));
      return;
    }
    if (!writes_.empty()) write_next(self);
  }

  void perform(const Self& self, std::vector<Action>& actions) {
    for (Action& action : actions) {
      if (closed_) return;
      if (auto* write = std::get_if<WriteBytes>(&action)) {
        writes_.push_back(std::move(write->bytes));
        if (!writing_) write_next(self);
      } else if (auto* start = std::get_if<StartTimer>(&action)) {
        const auto index = static_cast<std::size_t>(start->timer);
        const std::uint64_t generation = ++generations_[index];
        timers_[index].expires_after(start->duration);
        timers_[index].async_wait(asio::bind_executor(
            strand_, [self, timer = start->timer, generation](const error_code& error) {
              self->impl_->on_timer(self, timer, generation, error);
            }));
      } else if (auto* cancel = std::get_if<CancelTimer>(&action)) {
        const auto index = static_cast<std::size_t>(cancel->timer);
        ++generations_[index];
        timers_[index].cancel();
      } else if (auto* received = std::get_if<MessageReceived>(&action)) {
        ReceivedMessage message;
        message.records = std::move(received->records);
        message.peer = self->peer_;
        message.connection_id = self->connection_id_;
        message.message_id = received->message_id;
        message.offset = received->offset;
        message.received_at = std::chrono::steady_clock::now();
        message.end = received->end;
        message.acknowledgement = received->acknowledgement;
        CompletionToken token(self, received->message_id);
        if (handlers_.on_message) {
          handlers_.on_message(std::move(message), std::move(token));
        } else {
          token();  // nobody to commit it: nothing to wait for
        }
      } else if (auto* delivered = std::get_if<MessageDelivered>(&action)) {
        finish(delivered->message_id, ok());
      } else if (auto* failed = std::get_if<MessageFailed>(&action)) {
        finish(failed->message_id, failed->error);
      } else if (auto* diagnostic = std::get_if<Diagnostic>(&action)) {
        if (handlers_.on_diagnostic) handlers_.on_diagnostic(self->peer_, *diagnostic);
      }
    }
  }

  void finish(std::uint64_t message_id, Result<void> outcome) {
    const auto found = callbacks_.find(message_id);
    if (found == callbacks_.end()) return;
    SendCallback callback = std::move(found->second);
    callbacks_.erase(found);
    callback(std::move(outcome));
  }

  std::unique_ptr<Stream> stream_;
  Strand strand_;
  Link link_;
  LinkHandlers handlers_;
  std::array<asio::steady_timer, 3> timers_;  // indexed by TimerId
  std::array<std::uint64_t, 3> generations_{};
  std::array<char, 4096> read_buffer_{};
  std::deque<std::string> writes_;  // references stay valid while the front is written
  bool writing_ = false;
  bool closed_ = false;
  std::map<std::uint64_t, SendCallback> callbacks_;  // by outgoing message id
};

void CompletionToken::operator()(std::vector<std::string> reply_records,
                                 SendCallback on_reply) const {
  if (called_->exchange(true)) return;
  const std::shared_ptr<LinkConnection> connection = connection_.lock();
  if (!connection) {
    if (!reply_records.empty() && on_reply) {
      on_reply(unavailable("the connection closed before the reply could be sent"));
    }
    return;
  }
  connection->complete(message_id_, std::move(reply_records), std::move(on_reply));
}

LinkConnection::LinkConnection(std::unique_ptr<Stream> stream, std::string peer, Role role,
                               LinkOptions options, LinkHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(stream), role, options, std::move(handlers))),
      peer_(std::move(peer)),
      connection_id_(next_connection_id.fetch_add(1)) {}

LinkConnection::~LinkConnection() = default;

std::shared_ptr<LinkConnection> LinkConnection::create(tcp::socket socket, Role role,
                                                       LinkOptions options, LinkHandlers handlers) {
  std::string peer = describe_peer(socket);
  // ACK, NAK and ENQ are single bytes each awaited by the peer: do not let Nagle hold them.
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto stream = std::make_unique<AsioByteStream<tcp::socket>>(std::move(socket));
  return std::shared_ptr<LinkConnection>(
      new LinkConnection(std::move(stream), std::move(peer), role, options, std::move(handlers)));
}

std::shared_ptr<LinkConnection> LinkConnection::create(asio::serial_port port, std::string device,
                                                       Role role, LinkOptions options,
                                                       LinkHandlers handlers) {
  auto stream = std::make_unique<AsioByteStream<asio::serial_port>>(std::move(port));
  return std::shared_ptr<LinkConnection>(
      new LinkConnection(std::move(stream), std::move(device), role, options, std::move(handlers)));
}

void LinkConnection::start() {
  asio::post(impl_->strand(), [self = shared_from_this()] { self->impl_->read(self); });
}

void LinkConnection::send(std::vector<std::string> records, SendCallback on_done) {
  asio::post(impl_->strand(), [self = shared_from_this(), records = std::move(records),
                               on_done = std::move(on_done)]() mutable {
    self->impl_->send(self, std::move(records), std::move(on_done));
  });
}

void LinkConnection::set_readiness(Readiness readiness) {
  asio::post(impl_->strand(),
             [self = shared_from_this(), readiness] { self->impl_->set_readiness(readiness); });
}

void LinkConnection::close() {
  asio::post(impl_->strand(), [self = shared_from_this()] {
    self->impl_->close(self, unavailable("connection to " + self->peer_ + " closed locally"));
  });
}

void LinkConnection::complete(std::uint64_t message_id, std::vector<std::string> reply,
                              SendCallback on_reply) {
  asio::post(impl_->strand(), [self = shared_from_this(), message_id, reply = std::move(reply),
                               on_reply = std::move(on_reply)]() mutable {
    self->impl_->complete(self, message_id, std::move(reply), std::move(on_reply));
  });
}

}  // namespace aliquot::astm::io
