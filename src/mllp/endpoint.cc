#include "mllp/endpoint.h"

#include <charconv>

namespace aliquot::mllp {

std::string Endpoint::to_string() const {
  const std::string port_text = std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port_text;
  return host + ":" + port_text;
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return invalid_argument(quoted + " is not HOST:PORT (the port is missing)");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid_argument(quoted + " is not HOST:PORT (write an IPv6 address in brackets)");
  }
  if (host.empty()) return invalid_argument(quoted + " is not HOST:PORT (the host is missing)");
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return invalid_argument("the port in " + quoted + " is not a number from 1 to 65535");
  }
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace aliquot::mllp
