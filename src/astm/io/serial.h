#pragma once

// ASTM over an RS-232 serial line, LIS01-A2's own physical layer. See link_connection.h for the
// application interface and the threading rules.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "astm/io/link_connection.h"
#include "astm/link.h"
#include "core/error.h"

namespace aliquot::astm::io {

// Opens `device` (e.g. "/dev/ttyUSB0"), sets it to `baud` with 8 data bits, no parity, one stop
// bit and no flow control (LIS01-A2's character format; 9600 baud is the usual default of
// analyzers), raw mode, and starts a LinkConnection on it. Role host by default: the LIS end
// of a cable to an analyzer. Fails (Unavailable) when the device cannot be opened,
// (InvalidArgument) when it refuses a setting, naming the device and the setting.
Result<std::shared_ptr<LinkConnection>> open_serial(boost::asio::io_context& io,
                                                    const std::string& device, unsigned baud,
                                                    LinkOptions options, LinkHandlers handlers,
                                                    Role role = Role::kHost);

}  // namespace aliquot::astm::io
