#pragma once

// The HTTP/1.1 listener of the API (Boost.Beast): accepts connections on an io_context the
// caller runs, reads requests with a size limit and a timeout, hands them to a Router, and
// writes the answers with the security headers (http/security_headers.h). Connections are kept
// alive between requests unless the client or a stop says otherwise. Each request is counted in
// the metrics and logged to the access-log sink.
//
// A response with a stream (Response::stream, http/event_stream.h) is sent as it is produced:
// the header (no Content-Length; chunked in HTTP/1.1, delimited by the close in HTTP/1.0), then
// each piece the stream is given, in order. Such a connection carries no further request; it
// is counted and logged when the stream starts; the request timeout then limits each write,
// not the stream, and a comment is sent when nothing else was for `stream_keepalive`. It ends
// when the producer closes the stream, the client closes the connection or stops reading (the
// stream's backlog bound), or the listener stops.
//
// Threads: each connection runs on a strand of its own; handlers are called there, possibly
// concurrently for different connections. start(), stop() and port() may be called from any
// thread. The router, the metrics and the sinks must outlive every connection: keep them until
// the io_context has stopped running, as the interface host does.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "server/http/access_log.h"
#include "server/http/message.h"
#include "server/http/metrics.h"
#include "server/http/router.h"

namespace aliquot::server::http {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks one
  // Largest request body; a larger one is answered 413 and the connection closed.
  std::size_t body_limit = std::size_t{1} << 20;
  // How long reading one request, or writing one response, may take; also how long an idle
  // keep-alive connection is kept open.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  // A streamed response that has sent nothing for this long sends a comment, so that proxies
  // and load balancers, which close connections idle for 30 to 60 s, keep it open.
  std::chrono::milliseconds stream_keepalive = std::chrono::seconds(15);
  Authenticate authenticate = no_user();
  // Called on the connection's strand after each response is handed over.
  AccessLog access_log;
  HttpMetrics* metrics = nullptr;  // not owned; nothing is counted when null
};

// The state the listener shares with its connections (listener.cc).
class ListenerCore;

class Listener {
 public:
  Listener(boost::asio::io_context& io, const Router& router, ListenerOptions options);
  ~Listener();  // stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and starts accepting. Unavailable when the address cannot be resolved or bound.
  Result<void> start();

  // Stops accepting at once and closes idle connections; a request being read or answered is
  // finished and its connection then closed; a streamed response is ended (at once when it is
  // in the middle of a write). Returns without waiting: the io_context runs out of work when
  // the last such request is done.
  void stop();

  // The bound port (the system's choice when the option was 0); 0 before start().
  std::uint16_t port() const;

 private:
  std::shared_ptr<ListenerCore> core_;
};

}  // namespace aliquot::server::http
