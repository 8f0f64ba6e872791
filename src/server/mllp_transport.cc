#include "server/mllp_transport.h"

#include "mllp/endpoint.h"

namespace aliquot::server {

Result<void> MllpTransport::add_destination(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return invalid_argument("outbound destination '" + text + "' must be NAME=HOST:PORT");
  }
  Result<mllp::Endpoint> endpoint = mllp::parse_endpoint(text.substr(equals + 1));
  if (!endpoint.has_value()) {
    return invalid_argument("outbound destination '" + text + "': " + endpoint.error().message());
  }
  clients_[text.substr(0, equals)] = std::make_unique<mllp::Client>(endpoint->host, endpoint->port);
  return ok();
}

Result<std::string> MllpTransport::deliver(const store::OutboxMessage& message) {
  const auto found = clients_.find(message.destination);
  if (found == clients_.end()) {
    return unavailable("destination '" + message.destination +
                       "' has no address here; start the server with --outbound " +
                       message.destination + "=HOST:PORT");
  }
  return found->second->send(message.payload, timeout_);
}

}  // namespace aliquot::server
