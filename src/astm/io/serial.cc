#include "astm/io/serial.h"

#include <boost/asio/serial_port.hpp>
#include <utility>

namespace aliquot::astm::io {

namespace asio = boost::asio;
using boost::system::error_code;

Result<std::shared_ptr<LinkConnection>> open_serial(asio::io_context& io, const std::string& device,
                                                    unsigned baud, LinkOptions options,
                                                    LinkHandlers handlers, Role role) {
  asio::serial_port port(io);
  error_code error;
  // Asio opens the device non-blocking, without becoming its controlling terminal, and puts it
  // in raw mode (no echo, no line editing, no CR/LF translation): frames pass byte for byte.
  port.open(device, error);
  if (error) return unavailable("cannot open serial device " + device + ": " + error.message());
  const auto set = [&](const auto& option, const std::string& what) -> Result<void> {
    port.set_option(option, error);
    if (error) {
      return invalid_argument("serial device " + device + " refuses " + what + ": " +
                              error.message());
    }
    return ok();
  };
  // LIS01-A2 character format: 8 data bits, no parity, 1 stop bit; no flow control (the
  // protocol paces itself with ACK/NAK).
  ALIQUOT_RETURN_IF_ERROR(
      set(asio::serial_port::baud_rate(baud), "baud rate " + std::to_string(baud)));
  ALIQUOT_RETURN_IF_ERROR(set(asio::serial_port::character_size(8), "8 data bits"));
  ALIQUOT_RETURN_IF_ERROR(
      set(asio::serial_port::parity(asio::serial_port::parity::none), "no parity"));
  ALIQUOT_RETURN_IF_ERROR(
      set(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one), "1 stop bit"));
  ALIQUOT_RETURN_IF_ERROR(set(
      asio::serial_port::flow_control(asio::serial_port::flow_control::none), "no flow control"));
  std::shared_ptr<LinkConnection> connection =
      LinkConnection::create(std::move(port), device, role, options, std::move(handlers));
  connection->start();
  return connection;
}

}  // namespace aliquot::astm::io
