#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

#ifndef ALIQUOT_BUILT_BINARY
#define ALIQUOT_BUILT_BINARY ""
#endif

namespace aliquot::interfaces_test {

std::string aliquot_binary() {
  const char* binary = std::getenv("ALIQUOT_BINARY");
  return binary != nullptr && *binary != '\0' ? binary : ALIQUOT_BUILT_BINARY;
}

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::string& error_file) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> strings = {aliquot_binary()};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& argument : strings) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int error_fd = open(error_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec.
    dup2(fds[1], STDOUT_FILENO);
    if (error_fd >= 0) dup2(error_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    // The test's own sockets (the analyzers' connections) must not live on in the child.
    syscall(SYS_close_range, 3U, ~0U, 0U);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  if (error_fd >= 0) close(error_fd);
  reader_ = std::thread([this, fd = fds[0]] { read_lines(fd); });
}

ChildProcess::~ChildProcess() {
  if (running_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
  if (reader_.joinable()) reader_.join();
}

std::optional<std::uint16_t> ChildProcess::listening_port(const std::string& protocol) {
  const std::string prefix = "listening " + protocol + " ";
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<std::uint16_t> port;
  changed_.wait_for(lock, std::chrono::seconds(10), [&] {
    for (const std::string& line : lines_) {
      if (line.rfind(prefix, 0) != 0) continue;
      port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
      return true;
    }
    return ended_;
  });
  return port;
}

void ChildProcess::signal(int number) const { ::kill(pid_, number); }

int ChildProcess::wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  running_ = false;
  // The child is gone: its end of the pipe is closed and the reader ends.
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::output() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string text;
  for (const std::string& line : lines_) text += line + "\n";
  return text;
}

void ChildProcess::read_lines(int fd) {
  std::string pending;
  char buffer[4096];
  for (;;) {
    const ssize_t size = read(fd, buffer, sizeof buffer);
    if (size < 0 && errno == EINTR) continue;
    if (size <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(size));
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
      lines_.push_back(pending.substr(0, end));
      pending.erase(0, end + 1);
    }
    changed_.notify_all();
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pending.empty()) lines_.push_back(pending);
  ended_ = true;
  changed_.notify_all();
}

}  // namespace aliquot::interfaces_test
