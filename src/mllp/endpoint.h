#pragma once

// A TCP peer named as people write it on a command line: "HOST:PORT", with an IPv6 address in
// brackets ("[::1]:2575"). Stateless.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::mllp {

struct Endpoint {
  std::string host;  // a name or an address, without brackets
  std::uint16_t port = 0;

  // "host:port", or "[v6]:port" when the host holds a ':'.
  std::string to_string() const;
};

// Parses "HOST:PORT". Fails (InvalidArgument, naming the text) when the port is missing, is not a
// number from 1 to 65535, or the host is empty.
Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace aliquot::mllp
