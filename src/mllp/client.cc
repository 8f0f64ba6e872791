#include "mllp/client.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "mllp/endpoint.h"
#include "mllp/frame.h"

namespace aliquot::mllp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

class Client::Impl {
 public:
  Impl(std::string host, std::uint16_t port, ClientOptions options)
      : host_(std::move(host)),
        port_(port),
        peer_(Endpoint{host_, port_}.to_string()),
        options_(options),
        resolver_(io_),
        socket_(io_),
        framer_(options_.max_reply_size) {}

  const std::string& peer() const { return peer_; }
  bool connected() const { return connected_; }

  void close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    connected_ = false;
  }

  Result<void> connect(std::chrono::milliseconds timeout) {
    if (connected_ && peer_still_there()) return ok();
    return open(SteadyClock::now() + timeout, timeout);
  }

  Result<std::string> send(std::string_view message, std::chrono::milliseconds timeout) {
    const SteadyClock::time_point deadline = SteadyClock::now() + timeout;
    if (connected_ && !peer_still_there()) close();
    bool reused = connected_;
    const std::string framed = frame(message);
    for (;;) {
      if (!connected_) ALIQUOT_RETURN_IF_ERROR(open(deadline, timeout));
      error_code error;
      if (!write(framed, deadline, error)) return timed_out("sending to", timeout);
      if (error) {
        close();
        if (reused) {
          // The peer closed the reused connection before the message reached it.
          reused = false;
          continue;
        }
        return unavailable("sending to " + peer_ + " failed: " + error.message());
      }
      bool closed_unanswered = false;
      Result<std::string> reply = read_reply(deadline, timeout, closed_unanswered);
      if (reply.has_value() || !closed_unanswered || !reused) return reply;
      // The listener closed the reused connection as the message went out (its idle timeout):
      // send it once more on a new connection.
      reused = false;
    }
  }

 private:
  // Runs the io_context until `done` is set or the deadline passes. On the deadline, cancels
  // what is pending (closing the connection) and returns false once it has completed.
  bool run_until(const bool& done, SteadyClock::time_point deadline) {
    io_.restart();
    while (!done) {
      if (io_.run_one_until(deadline) == 0 && !done) {
        resolver_.cancel();
        close();
        io_.restart();
        while (!done && io_.run_one() > 0) {
        }
        return false;
      }
    }
    return true;
  }

  Error timed_out(const std::string& what, std::chrono::milliseconds timeout) {
    close();
    return unavailable("timeout after " + std::to_string(timeout.count()) + " ms " + what + " " +
                       peer_);
  }

  // Whether the open connection is still usable: the peer has not closed it and sent nothing
  // unasked (which could only be mistaken for the next reply).
  bool peer_still_there() {
    error_code error;
    char byte = 0;
    socket_.non_blocking(true, error);
    if (error) return false;
    const std::size_t peeked =
        socket_.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, error);
    error_code ignored;
    socket_.non_blocking(false, ignored);
    return peeked == 0 && error == asio::error::would_block;
  }

  Result<void> open(SteadyClock::time_point deadline, std::chrono::milliseconds timeout) {
    close();
    framer_ = Framer(options_.max_reply_size);
    bool done = false;
    error_code error;
    tcp::resolver::results_type endpoints;
    resolver_.async_resolve(
        host_, std::to_string(port_),
        [&](const error_code& resolve_error, tcp::resolver::results_type results) {
          error = resolve_error;
          endpoints = std::move(results);
          done = true;
        });
    if (!run_until(done, deadline)) return timed_out("connecting to", timeout);
    if (error)
      return unavailable("cannot resolve " + host_ + " (for " + peer_ + "): " + error.message());

    done = false;
    asio::async_connect(socket_, endpoints,
                        [&](const error_code& connect_error, const tcp::endpoint&) {
                          error = connect_error;
                          done = true;
                        });
    if (!run_until(done, deadline)) return timed_out("connecting to", timeout);
    if (error) {
      close();
      return unavailable("cannot connect to " + peer_ + ": " + error.message());
    }
    // One message, one reply: do not hold small writes back waiting for the peer's ACK.
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    connected_ = true;
    return ok();
  }

  // False on the deadline; otherwise `error` says how the write went.
  bool write(const std::string& framed, SteadyClock::time_point deadline, error_code& error) {
    bool done = false;
    asio::async_write(socket_, asio::buffer(framed),
                      [&](const error_code& write_error, std::size_t) {
                        error = write_error;
                        done = true;
                      });
    return run_until(done, deadline);
  }

  // The reply. `closed_unanswered` tells whether it failed because the peer closed the connection
  // before sending any byte of a reply.
  Result<std::string> read_reply(SteadyClock::time_point deadline,
                                 std::chrono::milliseconds timeout, bool& closed_unanswered) {
    std::vector<FramerEvent> events;
    for (;;) {
      for (FramerEvent& event : events) {
        switch (event.kind) {
          case FramerEventKind::kMessage: return std::move(event.bytes);
          case FramerEventKind::kOversize:
            close();
            return unavailable("the reply from " + peer_ + " exceeds the maximum size of " +
                               std::to_string(options_.max_reply_size) + " bytes (received " +
                               std::to_string(event.size) + ")");
          case FramerEventKind::kTruncated:
            close();
            return unavailable(peer_ + " closed the connection before replying (after " +
                               std::to_string(event.size) + " bytes of a reply)");
          case FramerEventKind::kNoise:
            // Bytes between frames (e.g. a line end after the trailer): not the reply.
            break;
        }
      }
      events.clear();

      bool done = false;
      error_code error;
      std::size_t size = 0;
      socket_.async_read_some(asio::buffer(read_buffer_),
                              [&](const error_code& read_error, std::size_t read_size) {
                                error = read_error;
                                size = read_size;
                                done = true;
                              });
      if (!run_until(done, deadline)) {
        return timed_out("waiting for the reply from", timeout);
      }
      if (error == asio::error::eof) {
        framer_.finish(events);
        for (FramerEvent& event : events) {
          if (event.kind == FramerEventKind::kTruncated) {
            close();
            return unavailable(peer_ + " closed the connection before replying (after " +
                               std::to_string(event.size) + " bytes of a reply)");
          }
        }
        close();
        closed_unanswered = true;
        return unavailable(peer_ + " closed the connection before replying");
      }
      if (error) {
        close();
        closed_unanswered = error == asio::error::connection_reset && !framer_.in_frame();
        return unavailable("reading the reply from " + peer_ + " failed: " + error.message());
      }
      framer_.feed(std::string_view(read_buffer_.data(), size), events);
    }
  }

  std::string host_;
  std::uint16_t port_;
  std::string peer_;
  ClientOptions options_;
  asio::io_context io_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  Framer framer_;
  std::array<char, 64 * 1024> read_buffer_{};
  bool connected_ = false;
};

Client::Client(std::string host, std::uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(host), port, options)) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Result<std::string> Client::send(std::string_view message, std::chrono::milliseconds timeout) {
  return impl_->send(message, timeout);
}
Result<void> Client::connect(std::chrono::milliseconds timeout) { return impl_->connect(timeout); }
bool Client::connected() const { return impl_->connected(); }
void Client::close() { impl_->close(); }
const std::string& Client::peer() const { return impl_->peer(); }

}  // namespace aliquot::mllp
