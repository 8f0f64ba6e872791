#pragma once

// The built `aliquot` executable run as a child process, for the interface tests that need a
// real process (one to kill) or the real command line.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace aliquot::interfaces_test {

// The executable under test: env ALIQUOT_BINARY, else the one this build made.
std::string aliquot_binary();

// `aliquot ARGS...` as a child process whose standard output is read line by line by a thread
// of this process (so that the child never blocks on a full pipe); standard error goes to
// `error_file`. Standard input is /dev/null; no other descriptor of this process is inherited.
// The destructor kills a child still running (SIGKILL) and reaps it.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, const std::string& error_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The port of the first line "listening PROTOCOL HOST:PORT"; std::nullopt when the child
  // ended or printed none within 10 s (a safety net: a server prints it at once).
  std::optional<std::uint16_t> listening_port(const std::string& protocol);

  void signal(int number) const;

  // Waits for the child to end; its exit status, or 128 + the signal that ended it.
  int wait();

  // What it printed on standard output so far (all of it once wait() returned).
  std::string output();

 private:
  void read_lines(int fd);

  pid_t pid_ = -1;
  bool running_ = true;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool ended_ = false;
};

}  // namespace aliquot::interfaces_test
