#pragma once

// The outbox's transport for HL7 destinations reached over MLLP: one client per destination
// name, configured as NAME=HOST:PORT (`aliquot serve --outbound ehr=10.0.0.5:2575`). Used from
// the outbox sender's one thread.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "mllp/client.h"
#include "outbox/transport.h"

namespace aliquot::server {

class MllpTransport final : public outbox::Transport {
 public:
  explicit MllpTransport(std::chrono::milliseconds timeout = std::chrono::seconds(30))
      : timeout_(timeout) {}

  // Parses "NAME=HOST:PORT" and adds the destination; InvalidArgument naming the text.
  Result<void> add_destination(const std::string& text);

  // Unavailable for a destination that is not configured, so that the message waits (and is
  // sent once the lab configures it) rather than being lost.
  Result<std::string> deliver(const store::OutboxMessage& message) override;

  bool empty() const { return clients_.empty(); }

 private:
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::unique_ptr<mllp::Client>> clients_;
};

}  // namespace aliquot::server
