#pragma once

// Test support for the astm/io tests: an io_context running on a thread of its own for the
// life of the object, and the short link durations the tests use.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "astm/link.h"

namespace aliquot::astm::io {

class IoThread {
 public:
  IoThread() : guard_(boost::asio::make_work_guard(io)), thread_([this] { io.run(); }) {}
  ~IoThread() {
    guard_.reset();
    io.stop();
    thread_.join();
  }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// Safety net only: every wait in these tests ends on an event long before this.
inline constexpr std::chrono::seconds kTestDeadline{2};

// Link durations short enough that a test never waits on the standard's 15 s and 30 s, long
// enough never to fire in a healthy exchange on a loaded machine.
inline LinkOptions test_link_options() {
  LinkOptions options;
  options.reply_timeout = std::chrono::milliseconds{1'500};
  options.receive_timeout = std::chrono::milliseconds{1'500};
  options.busy_retry_delay = std::chrono::milliseconds{50};
  options.instrument_contention_delay = std::chrono::milliseconds{20};
  options.host_contention_delay = std::chrono::milliseconds{50};
  return options;
}

template <typename T>
bool ready(std::future<T>& future) {
  return future.wait_for(kTestDeadline) == std::future_status::ready;
}

// A one-result message, as the records an analyzer sends.
inline const std::vector<std::string> kResultMessage = {
    "H|\\^&|||Analyzer^1|||||||P|1",
    "R|1|^^^GLU|5.4|mmol/L||N||F",
    "L|1|N",
};

}  // namespace aliquot::astm::io
