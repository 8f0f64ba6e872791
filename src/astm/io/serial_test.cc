#include "astm/io/serial.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/serial_port.hpp>
#include <cerrno>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include "astm/io/test_support.h"

namespace aliquot::astm::io {
namespace {

// A pseudo-terminal pair standing in for a serial cable: the slave is opened as a serial
// device by open_serial, the master plays the analyzer.
class PseudoTerminal {
 public:
  PseudoTerminal() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0) {
      error_ = std::string("posix_openpt: ") + std::strerror(errno);
      return;
    }
    char name[128];
    if (grantpt(master_) != 0 || unlockpt(master_) != 0 ||
        ptsname_r(master_, name, sizeof name) != 0) {
      error_ = std::string("grantpt/unlockpt/ptsname: ") + std::strerror(errno);
      return;
    }
    slave_name_ = name;
    termios raw{};
    if (tcgetattr(master_, &raw) != 0) {
      error_ = std::string("tcgetattr: ") + std::strerror(errno);
      return;
    }
    cfmakeraw(&raw);  // bytes pass untouched: no echo, no CR/LF translation
    if (tcsetattr(master_, TCSANOW, &raw) != 0) {
      error_ = std::string("tcsetattr: ") + std::strerror(errno);
    }
  }
  ~PseudoTerminal() {
    if (master_ >= 0) ::close(master_);
  }
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  const std::string& error() const { return error_; }
  const std::string& slave_name() const { return slave_name_; }
  // Hands the master to the caller (who closes it).
  int release_master() {
    const int fd = master_;
    master_ = -1;
    return fd;
  }

 private:
  int master_ = -1;
  std::string slave_name_;
  std::string error_;
};

TEST(OpenSerial, ExchangesMessagesOverAPseudoTerminal) {
  PseudoTerminal pty;
  if (!pty.error().empty()) GTEST_SKIP() << "no pseudo-terminal here: " << pty.error();

  std::promise<ReceivedMessage> host_received;
  std::promise<Result<void>> instrument_sent;
  std::promise<ReceivedMessage> instrument_received;
  std::promise<Result<void>> host_sent;
  IoThread loop;

  LinkHandlers host_handlers;
  host_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    host_received.set_value(message);
    done();
  };
  Result<std::shared_ptr<LinkConnection>> host =
      open_serial(loop.io, pty.slave_name(), 9600, test_link_options(), host_handlers);
  ASSERT_TRUE(host.has_value()) << host.error().message();
  EXPECT_EQ((*host)->peer(), pty.slave_name());

  boost::asio::serial_port master(loop.io);
  boost::system::error_code error;
  master.assign(pty.release_master(), error);
  ASSERT_FALSE(error) << error.message();
  LinkHandlers instrument_handlers;
  instrument_handlers.on_message = [&](ReceivedMessage message, CompletionToken done) {
    instrument_received.set_value(message);
    done();
  };
  std::shared_ptr<LinkConnection> instrument = LinkConnection::create(
      std::move(master), "pty master", Role::kInstrument, test_link_options(), instrument_handlers);
  instrument->start();

  instrument->send(kResultMessage,
                   [&](Result<void> outcome) { instrument_sent.set_value(outcome); });
  auto host_received_future = host_received.get_future();
  auto instrument_sent_future = instrument_sent.get_future();
  ASSERT_TRUE(ready(host_received_future));
  const ReceivedMessage message = host_received_future.get();
  EXPECT_EQ(message.records, kResultMessage);
  EXPECT_EQ(message.peer, pty.slave_name());
  ASSERT_TRUE(ready(instrument_sent_future));
  EXPECT_TRUE(instrument_sent_future.get().has_value());

  // And the other way: the host sends orders down the cable.
  const std::vector<std::string> orders = {"H|\\^&|||aliquot", "O|1|S7||^^^K", "L|1|N"};
  (*host)->send(orders, [&](Result<void> outcome) { host_sent.set_value(outcome); });
  auto instrument_received_future = instrument_received.get_future();
  auto host_sent_future = host_sent.get_future();
  ASSERT_TRUE(ready(instrument_received_future));
  EXPECT_EQ(instrument_received_future.get().records, orders);
  ASSERT_TRUE(ready(host_sent_future));
  EXPECT_TRUE(host_sent_future.get().has_value());

  (*host)->close();
  instrument->close();
}

TEST(OpenSerial, NamesTheDeviceItCannotOpen) {
  IoThread loop;
  LinkHandlers handlers;
  handlers.on_message = [](ReceivedMessage, CompletionToken done) { done(); };
  Result<std::shared_ptr<LinkConnection>> port =
      open_serial(loop.io, "/nonexistent/ttyASTM0", 9600, test_link_options(), handlers);
  ASSERT_FALSE(port.has_value());
  EXPECT_EQ(port.error().message(),
            "cannot open serial device /nonexistent/ttyASTM0: No such file or directory");
}

}  // namespace
}  // namespace aliquot::astm::io
