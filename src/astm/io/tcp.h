#pragma once

// ASTM over TCP (LIS01-A2's link layer on a stream socket, as analyzers and their terminal
// servers offer it): the host's listener, one LinkConnection (role host) per accepted
// connection, and the instrument side's connect. See link_connection.h for the application
// interface and the threading rules.

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "astm/io/link_connection.h"
#include "astm/link.h"
#include "core/error.h"

namespace aliquot::astm::io {

struct TcpServerOptions {
  std::string host = "127.0.0.1";  // the address to listen on ("0.0.0.0", "::")
  std::uint16_t port = 0;          // 0: the system picks one; see TcpServer::port()
  LinkOptions link;                // the protocol's durations and limits, for every connection
};

// Listens for instruments. Each accepted connection gets its own LinkConnection (role host,
// own strand); any number may be open at once. The handlers are shared by all connections:
// ReceivedMessage::peer and connection_id tell them apart.
class TcpServer {
 public:
  TcpServer(boost::asio::io_context& io, TcpServerOptions options, LinkHandlers handlers);
  // Calls stop().
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds host:port, listens and starts accepting on the io_context. Fails (Unavailable) naming
  // the address and the system's reason, or (FailedPrecondition) when called twice.
  Result<void> start();

  // The port listened on (the one the system picked when options.port was 0); 0 before start().
  std::uint16_t port() const;

  // Stops accepting and closes every open connection (their undelivered outgoing messages
  // fail). Returns at once; idempotent; callable from any thread.
  void stop();

  // Connections accepted and not yet closed.
  std::size_t connection_count() const;

 private:
  class Core;
  std::shared_ptr<Core> core_;
};

// Connects to a host's ASTM listener at host:port and starts a LinkConnection on it (role
// instrument by default: analyzers and simulators connect to the LIS). Resolving and connecting
// block the calling thread (not an io_context thread); the connection then runs on `io`. Fails
// (Unavailable) naming host:port and the system's reason.
Result<std::shared_ptr<LinkConnection>> connect_tcp(boost::asio::io_context& io,
                                                    const std::string& host, std::uint16_t port,
                                                    LinkOptions options, LinkHandlers handlers,
                                                    Role role = Role::kInstrument);

}  // namespace aliquot::astm::io
