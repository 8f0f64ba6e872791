#pragma once

// The sending side of MLLP (HL7 v2.5.1 appendix C): sends one framed message and waits for the
// framed reply on a TCP connection it keeps open between messages. Synchronous, on an io_context
// of its own, so that tools and tests can use it without running one.
//
// Connections: the first send() connects; later sends reuse the connection. A connection the
// peer closed meanwhile (e.g. the listener's idle timeout) is noticed before sending, and when the
// peer closes a reused connection just as the message goes out — before any byte of a reply —
// the message is sent once more on a new connection (MLLP delivery is at least once; receivers
// dedupe by MSH-10). Otherwise a message is never sent twice by the client: when the reply does
// not come (timeout, peer closed a new connection, a reply cut short), send() fails and the
// connection is closed, and the caller decides whether to send again.
//
// Not thread-safe; one per sending thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "mllp/framer.h"

namespace aliquot::mllp {

struct ClientOptions {
  std::size_t max_reply_size = Framer::kDefaultMaxMessageSize;
};

class Client {
 public:
  // Does not connect yet. `host` is a name or an address.
  Client(std::string host, std::uint16_t port, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // Sends `message` (unframed) and returns the reply (unframed), connecting first when needed;
  // the whole exchange must finish within `timeout`. Fails (Unavailable) naming the peer and
  // what happened: "cannot connect to HOST:PORT: Connection refused", "no reply from HOST:PORT
  // within 500 ms", "HOST:PORT closed the connection before replying", "the reply from HOST:PORT
  // exceeds the maximum size of N bytes (received M)". After a failure the connection is closed.
  Result<std::string> send(std::string_view message, std::chrono::milliseconds timeout);

  // Connects now, within `timeout`, unless connected already.
  Result<void> connect(std::chrono::milliseconds timeout);

  bool connected() const;
  void close();

  // "host:port".
  const std::string& peer() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aliquot::mllp
