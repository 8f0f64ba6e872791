#pragma once

// How the outbox sender hands a message to its receiver. The sender knows nothing of networks:
// the process that runs it (the server) plugs in a transport per its interface configuration,
// e.g. an MLLP client per destination (mllp/client.h); tests plug in a fake.

#include <string>

#include "core/error.h"
#include "store/messages.h"

namespace aliquot::outbox {

class Transport {
 public:
  virtual ~Transport() = default;

  // Sends `message.payload` to `message.destination` and returns the receiver's reply, unframed
  // (for HL7, the ACK bytes). An error means the message may or may not have arrived — the peer
  // is down, the reply timed out, the destination is not configured — and it is sent again
  // later; the error's message is kept as the message's last_error, so it should name the peer
  // and what happened ("cannot connect to 10.0.0.5:2575: Connection refused").
  virtual Result<std::string> deliver(const store::OutboxMessage& message) = 0;
};

}  // namespace aliquot::outbox
