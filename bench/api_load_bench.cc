// api_load_bench: the JSON API under load, as the bench's screens use it, against a large lab.
//
// What is measured. `aliquot serve --http 127.0.0.1:0` (the built program, its defaults) on a
// copy of a lab database holding 1,000,000 results (bench/lab_history.h: patients with cumulative
// history, today's work open on the benches). The benchmark sets a password for its user with
// `aliquot user password`, logs in through POST /api/session, and runs
// `wrk -t2 -c100 -d10s --latency --timeout 10s` with the session cookie and a browser's
// Accept-Encoding (large answers are gzip-coded, http/content_encoding.h) against, one after the
// other (wrk's timeout is raised from its 2 s to the run's length, so that slow answers count in
// the percentiles instead of being left out as timeouts):
//   - GET /healthz, the baseline: routing, HTTP and a read transaction, nothing else;
//   - GET /api/worklist?section=S, S the section with the most open rows;
//   - GET /api/patients/{mrn}, rotating over the 500 patients with the longest history;
//   - GET /api/specimens/{accession}, rotating over 2000 specimens spread over the database.
// Each run is preceded by a short warm-up run whose figures are not kept, and followed by a wait
// until the server is idle again (requests in flight when wrk stops still run to their end).
// Printed per endpoint: requests/s, p50 and p99 latency as wrk measured them, the latency of one
// request alone before the load, the server's CPU time per request (from /proc), the ratios to
// the baseline, and whether p99 is under the 10 ms target.
//
// All of it twice: against the server as it runs by default, whose view cache
// (server/api/view_cache.h) gives an answer again while nothing in the lab's records changed, as
// on a bench where many screens show the same lists; and against a server started with
// --view-cache-mb 0, which reads every answer from the database, as the first request after any
// change does. The target is judged on the default; both are printed, with the cache's own
// counts of answers given again and read.
//
// Reading the figures: wrk keeps every connection busy, so by Little's law the mean latency is
// the connections over the throughput. With 100 connections a p99 under 10 ms needs well over
// 10,000 answers per second from an endpoint, on the same two cores wrk itself uses.
//
// The database is built once (20-30 s here) and kept under this program's directory in
// api_load_data/<version>/, keyed by the generator's version and the store's schema version;
// every run works on a fresh copy, since the server records each read of patient data.
//
// Exit status: 0 whatever the figures (a benchmark reports); 1 when wrk is missing, the server
// cannot be started, or a step before the measurement fails.
//
// Options: --duration S, --connections N, --wrk-threads N, --server-threads N (serve --threads),
// --warmup S (default 1), --section CODE, --rebuild (build the database again), --build-only.

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "lab_history.h"
#include "store/sqlite/sqlite_store.h"

#ifndef ALIQUOT_BENCH_BINARY
#define ALIQUOT_BENCH_BINARY ""
#endif

extern char** environ;

namespace {

namespace fs = std::filesystem;
using aliquot::bench::check;
using aliquot::bench::fail;
using aliquot::bench::LabHistory;
using aliquot::bench::TempDir;
using SteadyClock = std::chrono::steady_clock;

// Bump when the generator changes what it builds: the cached database is then built again.
constexpr const char* kDataVersion = "v1";
constexpr double kTargetP99Ms = 10;
constexpr const char* kPassword = "load bench password 2026";

struct Options {
  int duration_seconds = 10;
  int connections = 100;
  int wrk_threads = 2;
  int server_threads = 0;  // 0: serve's default
  int warmup_seconds = 1;
  std::string section;
  bool rebuild = false;
  bool build_only = false;
};

// --- processes ---------------------------------------------------------------------------------

// What must not outlive this program when a step fails: bench::fail() ends it with std::exit,
// which runs no destructors but does run atexit handlers.
pid_t running_server = -1;
fs::path work_directory;

void clean_up_at_exit() {
  if (running_server > 0) {
    kill(running_server, SIGKILL);
    waitpid(running_server, nullptr, 0);
    running_server = -1;
  }
  if (!work_directory.empty()) {
    std::error_code ignored;
    fs::remove_all(work_directory, ignored);
  }
}

// `name` on PATH, or "" when it is not there.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path != nullptr ? path : "/usr/bin:/bin");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const fs::path candidate = fs::path(directory.empty() ? "." : directory) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// Starts `argv` with its standard streams on the given descriptors (-1: /dev/null).
pid_t spawn(const std::vector<std::string>& argv, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int streams[3] = {in, out, err};
  for (int target = 0; target < 3; ++target) {
    if (streams[target] >= 0) {
      posix_spawn_file_actions_adddup2(&actions, streams[target], target);
    } else {
      posix_spawn_file_actions_addopen(&actions, target, "/dev/null",
                                       target == 0 ? O_RDONLY : O_WRONLY, 0);
    }
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) fail("cannot start " + argv[0] + ": " + std::strerror(error));
  return pid;
}

struct Finished {
  int status = -1;     // exit status, or -1 when killed by a signal
  std::string output;  // standard output and error together
};

// Runs `argv` to its end with `input` on its standard input.
Finished run(const std::vector<std::string>& argv, const std::string& input = "") {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
    fail("pipe: " + std::string(std::strerror(errno)));
  const pid_t pid = spawn(argv, in[0], out[1], out[1]);
  close(in[0]);
  close(out[1]);
  if (!input.empty() && write(in[1], input.data(), input.size()) < 0) {
    std::cerr << "cannot write to " << argv[0] << ": " << std::strerror(errno) << "\n";
  }
  close(in[1]);
  Finished finished;
  char buffer[65536];
  ssize_t got = 0;
  while ((got = read(out[0], buffer, sizeof buffer)) > 0)
    finished.output.append(buffer, static_cast<std::size_t>(got));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  finished.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return finished;
}

// User plus system CPU seconds a process has used so far (/proc/PID/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return 0;
  std::istringstream fields(text.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  // After the name: state is field 3; utime and stime are fields 14 and 15.
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Waits until the server has finished what the last run left it: wrk closes its connections at
// the end of a run, but requests already being handled run to their end, and the read log
// writes what they queued. Returns the seconds waited; gives up after `limit`.
double wait_until_idle(pid_t pid, std::chrono::seconds limit) {
  const auto start = SteadyClock::now();
  double cpu = cpu_seconds(pid);
  while (SteadyClock::now() - start < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double now = cpu_seconds(pid);
    const bool idle = now - cpu < 0.05;  // under 10 % of one core
    cpu = now;
    if (idle) break;
  }
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// `aliquot serve --http 127.0.0.1:0` on a database, stopped with SIGTERM when destroyed.
class Server {
 public:
  // `view_cache_mb` < 0: serve's default.
  Server(const std::string& binary, const fs::path& database, const fs::path& log, int threads,
         int view_cache_mb) {
    std::vector<std::string> argv = {binary,  "--db",   database.string(),
                                     "serve", "--http", "127.0.0.1:0"};
    if (threads > 0) {
      argv.push_back("--threads");
      argv.push_back(std::to_string(threads));
    }
    if (view_cache_mb >= 0) {
      argv.push_back("--view-cache-mb");
      argv.push_back(std::to_string(view_cache_mb));
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) fail("pipe: " + std::string(std::strerror(errno)));
    // The request log (a line per request on standard error) goes to a file: a pipe nobody
    // reads would stop the server once full.
    const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) fail("cannot create " + log.string());
    pid_ = spawn(argv, -1, out[1], log_fd);
    running_server = pid_;
    close(out[1]);
    close(log_fd);
    out_ = out[0];
  }
  ~Server() { stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  pid_t pid() const { return pid_; }

  // The port from the line "listening http 127.0.0.1:PORT"; nullopt when the server ended or
  // said nothing of the kind within `limit`. Everything it printed is in `printed`.
  std::optional<int> wait_for_port(std::chrono::seconds limit, std::string& printed) {
    const auto deadline = SteadyClock::now() + limit;
    while (SteadyClock::now() < deadline) {
      pollfd ready{out_, POLLIN, 0};
      if (poll(&ready, 1, 200) < 0 && errno != EINTR) return std::nullopt;
      if (ready.revents & (POLLIN | POLLHUP)) {
        char buffer[4096];
        const ssize_t got = read(out_, buffer, sizeof buffer);
        if (got <= 0) return std::nullopt;  // the server ended
        printed.append(buffer, static_cast<std::size_t>(got));
        const std::string marker = "listening http 127.0.0.1:";
        const std::size_t at = printed.find(marker);
        if (at != std::string::npos) {
          const std::size_t end = printed.find('\n', at);
          if (end != std::string::npos) {
            return std::atoi(printed.c_str() + at + marker.size());
          }
        }
      }
    }
    return std::nullopt;
  }

  // SIGTERM, then waits for the server to write what it queued and end; SIGKILL after a minute.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto deadline = SteadyClock::now() + std::chrono::seconds(60);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (SteadyClock::now() > deadline) {
        std::cerr << "server did not stop within a minute of SIGTERM; killing it\n";
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      char buffer[4096];
      pollfd ready{out_, POLLIN, 0};
      if (poll(&ready, 1, 50) > 0 && read(out_, buffer, sizeof buffer) <= 0) {
        // Standard output closed; keep waiting for the process itself.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    close(out_);
    pid_ = -1;
    running_server = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

// --- a small HTTP/1.1 client, for the log-in and one look at each endpoint ---------------------

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "";
  }
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// What a browser asks for (Chromium's Accept-Encoding), as wrk is told to ask too.
constexpr const char* kBrowserEncodings = "gzip, deflate, br";

Reply http(int port, const std::string& method, const std::string& target,
           const std::string& cookie, const std::string& body = "",
           const std::string& accept_encoding = "") {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fail(fmt::format("cannot connect to 127.0.0.1:{}: {}", port, std::strerror(errno)));
  }
  std::string request = fmt::format(
      "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nAccept: application/json\r\n",
      method, target, port);
  if (!cookie.empty()) request += "Cookie: " + cookie + "\r\n";
  if (!accept_encoding.empty()) request += "Accept-Encoding: " + accept_encoding + "\r\n";
  if (!body.empty()) {
    request += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  }
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) fail("cannot send " + method + " " + target);
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[65536];
  ssize_t got = 0;
  while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0)
    raw.append(buffer, static_cast<std::size_t>(got));
  close(fd);

  Reply reply;
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) {
    fail(method + " " + target + ": no HTTP response");
  }
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  reply.status = std::atoi(line.c_str() + line.find(' ') + 1);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::size_t value = colon + 1;
    while (value < line.size() && line[value] == ' ') ++value;
    reply.headers.emplace_back(lower(line.substr(0, colon)), line.substr(value));
  }
  std::string content = raw.substr(head_end + 4);
  if (lower(reply.header("transfer-encoding")) == "chunked") {
    std::string decoded;
    std::size_t at = 0;
    for (;;) {
      const std::size_t size_end = content.find("\r\n", at);
      if (size_end == std::string::npos) break;
      const std::size_t size = std::stoul(content.substr(at, size_end - at), nullptr, 16);
      if (size == 0) break;
      decoded += content.substr(size_end + 2, size);
      at = size_end + 2 + size + 2;
    }
    content = std::move(decoded);
  }
  reply.body = std::move(content);
  return reply;
}

// --- wrk -------------------------------------------------------------------------------------

// Rotates over the paths in the file given after `--`, each thread from its own offset; the
// Cookie header given with -H is part of wrk.headers and so of every request.
constexpr const char* kRotateScript = R"lua(
local paths = {}
local next_path = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  next_path = (offset or 0) % #paths
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
)lua";

struct Measurement {
  std::string label;
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::int64_t requests = 0;
  std::int64_t errors = 0;    // non-2xx/3xx responses
  std::int64_t timeouts = 0;  // requests not answered within wrk's timeout: not in the latencies
  std::string socket_errors;
  double server_cpu_ms_per_request = 0;
  double unloaded_ms = 0;  // median of a few requests one at a time, before the load
  std::string output;
};

// "1.23ms", "850.00us", "1.20s", "2.00m" in milliseconds.
double milliseconds(const std::string& text) {
  std::size_t used = 0;
  const double value = std::stod(text, &used);
  const std::string unit = text.substr(used);
  if (unit == "us") return value / 1000;
  if (unit == "ms") return value;
  if (unit == "s") return value * 1000;
  if (unit == "m") return value * 60'000;
  if (unit == "h") return value * 3'600'000;
  fail("wrk: unknown time unit in '" + text + "'");
}

Measurement parse_wrk(const std::string& label, const std::string& output) {
  Measurement m;
  m.label = label;
  m.output = output;
  bool saw_rate = false;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first == "50%" || first == "99%") {
      std::string value;
      fields >> value;
      (first == "50%" ? m.p50_ms : m.p99_ms) = milliseconds(value);
    } else if (first == "Requests/sec:") {
      fields >> m.requests_per_second;
      saw_rate = true;
    } else if (line.find("requests in") != std::string::npos) {
      m.requests = std::atoll(first.c_str());
    } else if (line.find("Non-2xx or 3xx responses:") != std::string::npos) {
      m.errors = std::atoll(line.substr(line.find(':') + 1).c_str());
    } else if (line.find("Socket errors:") != std::string::npos) {
      m.socket_errors = line.substr(line.find(':') + 2);
      const std::size_t timeout = m.socket_errors.find("timeout ");
      if (timeout != std::string::npos) {
        m.timeouts = std::atoll(m.socket_errors.c_str() + timeout + 8);
      }
    }
  }
  // With no request answered within the run, wrk prints zero latencies.
  if (!saw_rate || (m.requests > 0 && m.p99_ms == 0)) {
    fail("cannot read wrk's output for " + label + ":\n" + output);
  }
  return m;
}

Measurement run_wrk(const std::string& wrk, const Options& options, int seconds, int port,
                    const std::string& path, const std::string& cookie, const fs::path& script,
                    const fs::path& paths, pid_t server, const std::string& label) {
  std::vector<std::string> argv = {wrk,
                                   "-t" + std::to_string(options.wrk_threads),
                                   "-c" + std::to_string(options.connections),
                                   "-d" + std::to_string(seconds) + "s",
                                   "--latency",
                                   "--timeout",
                                   std::to_string(options.duration_seconds) + "s",
                                   "-H",
                                   "Cookie: " + cookie,
                                   "-H",
                                   std::string("Accept-Encoding: ") + kBrowserEncodings};
  if (!script.empty()) {
    argv.push_back("-s");
    argv.push_back(script.string());
  }
  argv.push_back(fmt::format("http://127.0.0.1:{}{}", port, path));
  if (!paths.empty()) {
    argv.push_back("--");
    argv.push_back(paths.string());
  }
  const double cpu_before = cpu_seconds(server);
  const Finished finished = run(argv);
  const double cpu_after = cpu_seconds(server);
  if (finished.status != 0) fail("wrk failed for " + label + ":\n" + finished.output);
  Measurement m = parse_wrk(label, finished.output);
  if (m.requests > 0) {
    m.server_cpu_ms_per_request = (cpu_after - cpu_before) * 1000 / static_cast<double>(m.requests);
  }
  return m;
}

// --- the database --------------------------------------------------------------------------------

fs::path program_directory() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::current_path() : self.parent_path();
}

std::string aliquot_binary() {
  if (const char* given = std::getenv("ALIQUOT_BINARY"); given != nullptr && *given != '\0') {
    return given;
  }
  if (std::strlen(ALIQUOT_BENCH_BINARY) > 0 && fs::exists(ALIQUOT_BENCH_BINARY)) {
    return ALIQUOT_BENCH_BINARY;
  }
  return (program_directory().parent_path() / "aliquot").string();
}

// The cached database and its description, built when missing (or when asked to).
std::pair<fs::path, LabHistory> cached_database(const Options& options) {
  const auto store = check(aliquot::store::open_sqlite_store(":memory:"), "open a scratch store");
  const fs::path directory = program_directory() / "api_load_data" /
                             fmt::format("{}-schema{}", kDataVersion, store->schema_version());
  const fs::path database = directory / "lab.db";
  const fs::path description = directory / "lab.txt";
  if (!options.rebuild) {
    if (auto known = aliquot::bench::load_lab_history(description.string())) {
      if (fs::exists(database)) return {database, *known};
    }
  }
  std::error_code ignored;
  fs::remove_all(directory, ignored);
  fs::create_directories(directory);
  std::cout << "building the lab database (once; kept in " << directory.string() << ")\n"
            << std::flush;
  const fs::path building = directory / "lab.db.building";
  const LabHistory built =
      check(aliquot::bench::build_lab_history(building.string(),
                                              aliquot::bench::LabHistoryOptions{}, std::cout),
            "build the lab database");
  // Closed by now, so its write-ahead log is checkpointed into the file and removed.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(building.string() + suffix, ignored);
  fs::rename(building, database);
  check(aliquot::bench::save_lab_history(built, description.string()), "describe the database");
  return {database, built};
}

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return digits;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto number = [&](int& into) {
      if (i + 1 >= argc) fail(arg + " needs a number");
      into = std::atoi(argv[++i]);
      if (into < 0) fail(arg + " must not be negative");
    };
    if (arg == "--duration") {
      number(options.duration_seconds);
    } else if (arg == "--connections") {
      number(options.connections);
    } else if (arg == "--wrk-threads") {
      number(options.wrk_threads);
    } else if (arg == "--server-threads") {
      number(options.server_threads);
    } else if (arg == "--warmup") {
      number(options.warmup_seconds);
    } else if (arg == "--section" && i + 1 < argc) {
      options.section = argv[++i];
    } else if (arg == "--rebuild") {
      options.rebuild = true;
    } else if (arg == "--build-only") {
      options.build_only = true;
    } else {
      fail("unknown argument '" + arg + "'");
    }
  }
  if (options.duration_seconds < 1 || options.connections < 1 || options.wrk_threads < 1) {
    fail("--duration, --connections and --wrk-threads must be at least 1");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const std::string wrk = find_on_path("wrk");
  if (wrk.empty() && !options.build_only) {
    std::cerr << "api_load_bench: wrk is not installed. Install it with `apt-get install wrk` "
                 "(Debian; listed in deps/debian-packages.txt, so `make deps` installs it).\n";
    return 1;
  }
  const std::string aliquot = aliquot_binary();
  if (access(aliquot.c_str(), X_OK) != 0) {
    std::cerr << "api_load_bench: no aliquot program at " << aliquot
              << " (build the target 'aliquot', or set ALIQUOT_BINARY)\n";
    return 1;
  }

  const auto [database, history] = cached_database(options);
  if (options.build_only) {
    std::cout << "built " << database.string() << "\n";
    return 0;
  }
  std::string section = options.section;
  if (section.empty()) section = history.open_by_section.front().first;

  TempDir work;
  work_directory = work.path();
  std::atexit(clean_up_at_exit);

  // One server as it runs by default, then one without its view cache (serve --view-cache-mb 0),
  // which reads every answer from the database as the first request after any change does.
  const auto measure = [&](const std::string& setup, int view_cache_mb,
                           bool describe) -> std::vector<std::string> {
    const fs::path copy = work.path() / ("lab-" + std::to_string(view_cache_mb) + ".db");
    fs::copy_file(database, copy);
    const Finished password =
        run({aliquot, "--db", copy.string(), "--user", aliquot::bench::kLoadUser, "user",
             "password", aliquot::bench::kLoadUser},
            std::string(kPassword) + "\n");
    if (password.status != 0) {
      fail(fmt::format("`{} user password` failed (exit status {}):\n{}", aliquot, password.status,
                       password.output));
    }

    const fs::path server_log = work.path() / "serve.log";
    Server server(aliquot, copy, server_log, options.server_threads, view_cache_mb);
    std::string printed;
    const std::optional<int> port = server.wait_for_port(std::chrono::seconds(120), printed);
    if (!port) {
      std::ifstream log(server_log);
      std::string errors((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      std::cerr << "api_load_bench: `" << aliquot << " --db " << copy.string()
                << " serve --http 127.0.0.1:0` did not start listening.\nstdout:\n"
                << printed << "stderr:\n"
                << errors.substr(0, 4000) << "\n";
      std::exit(1);
    }

    const Reply login = http(*port, "POST", "/api/session", "",
                             fmt::format(R"({{"username":"{}","password":"{}"}})",
                                         aliquot::bench::kLoadUser, kPassword));
    const std::string set_cookie = login.header("set-cookie");
    if (login.status != 201 || set_cookie.empty()) {
      fail(fmt::format("POST /api/session answered {} without a session cookie: {}", login.status,
                       login.body.substr(0, 500)));
    }
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

    // The rotations, and the wrk script that walks them.
    const fs::path script = work.path() / "rotate.lua";
    const fs::path patient_paths = work.path() / "patients.txt";
    const fs::path specimen_paths = work.path() / "specimens.txt";
    std::ofstream(script) << kRotateScript;
    {
      std::ofstream out(patient_paths);
      for (const auto& [mrn, results] : history.long_histories)
        out << "/api/patients/" << mrn << "\n";
    }
    {
      std::ofstream out(specimen_paths);
      for (const std::string& accession : history.accessions) {
        out << "/api/specimens/" << accession << "\n";
      }
    }

    struct Endpoint {
      std::string label;
      std::vector<std::string> paths;  // one, or the rotation
      fs::path paths_file;             // empty: the one path
    };
    auto rotation = [](const fs::path& file) {
      std::vector<std::string> paths;
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) paths.push_back(line);
      return paths;
    };
    const std::string worklist = "/api/worklist?section=" + section;
    const std::vector<Endpoint> endpoints = {
        {"GET /healthz (baseline)", {"/healthz"}, {}},
        {"GET " + worklist, {worklist}, {}},
        {"GET /api/patients/{mrn}", rotation(patient_paths), patient_paths},
        {"GET /api/specimens/{accession}", rotation(specimen_paths), specimen_paths},
    };

    // Before the load: every endpoint answers 200, how large its answers are, and how long one
    // request takes alone (the median of five, spread over the rotation), which no queueing
    // lengthens.
    std::vector<double> unloaded;
    std::vector<std::size_t> sizes;
    std::vector<std::size_t> gzip_sizes;
    for (const Endpoint& endpoint : endpoints) {
      std::vector<double> times;
      std::size_t bytes = 0;
      std::size_t gzip_bytes = 0;
      constexpr std::size_t kAlone = 5;
      for (std::size_t i = 0; i < kAlone; ++i) {
        const std::string& path = endpoint.paths[i * endpoint.paths.size() / kAlone];
        const auto start = SteadyClock::now();
        const Reply reply = http(*port, "GET", path, cookie);
        times.push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
        if (reply.status != 200) {
          fail(
              fmt::format("GET {} answered {}: {}", path, reply.status, reply.body.substr(0, 500)));
        }
        bytes += reply.body.size();
        gzip_bytes += http(*port, "GET", path, cookie, "", kBrowserEncodings).body.size();
      }
      std::sort(times.begin(), times.end());
      unloaded.push_back(times[kAlone / 2]);
      sizes.push_back(bytes / kAlone);
      gzip_sizes.push_back(gzip_bytes / kAlone);
    }
    wait_until_idle(server.pid(), std::chrono::seconds(60));

    std::vector<std::int64_t> patient_results;
    for (const auto& [mrn, results] : history.long_histories) patient_results.push_back(results);
    std::sort(patient_results.begin(), patient_results.end());

    if (describe) {
      std::cout << fmt::format(
          "api_load_bench: aliquot serve --http on a lab of {} results, under "
          "wrk -t{} -c{} -d{}s --latency --timeout {}s\n",
          with_thousands(history.results), options.wrk_threads, options.connections,
          options.duration_seconds, options.duration_seconds);
      std::cout << fmt::format(
          "database: {} results ({} released) on {} specimens, {} orders, {} patients; built in "
          "{:.0f} s, cached in {}\n",
          with_thousands(history.results), with_thousands(history.released),
          with_thousands(history.specimens), with_thousands(history.orders),
          with_thousands(history.patients), history.build_seconds, database.parent_path().string());
      std::string open;
      for (const auto& [code, rows] : history.open_by_section) {
        open += fmt::format("{}{} {}", open.empty() ? "" : ", ", code, rows);
      }
      std::cout << "open worklist rows by section: " << open << "\n";
      std::cout << fmt::format(
          "/api/patients/{{mrn}} rotates over the {} patients with the longest history ({}-{} "
          "results each, median {}); /api/specimens/{{accession}} over {} specimens\n",
          patient_results.size(), patient_results.front(), patient_results.back(),
          patient_results[patient_results.size() / 2], history.accessions.size());
      std::cout << fmt::format(
          "mean response size: healthz {} B, worklist {} KiB, patient {} KiB, specimen {:.1f} KiB; "
          "gzip-coded, as browsers and wrk here ask: worklist {:.1f} KiB, patient {:.1f} KiB, "
          "specimen {:.1f} KiB\n",
          sizes[0], sizes[1] / 1024, sizes[2] / 1024, static_cast<double>(sizes[3]) / 1024,
          static_cast<double>(gzip_sizes[1]) / 1024, static_cast<double>(gzip_sizes[2]) / 1024,
          static_cast<double>(gzip_sizes[3]) / 1024);
      std::cout << "server: " << aliquot << " (pid " << server.pid() << "), "
                << (options.server_threads > 0 ? std::to_string(options.server_threads)
                                               : std::string("default"))
                << " threads; this machine has " << std::thread::hardware_concurrency()
                << " cores, shared with wrk\n"
                << std::flush;
    }
    std::cout << "\n" << setup << "\n" << std::flush;

    std::vector<Measurement> measurements;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const Endpoint& endpoint = endpoints[i];
      const fs::path script_file = endpoint.paths_file.empty() ? fs::path() : script;
      if (options.warmup_seconds > 0) {
        (void)run_wrk(wrk, options, options.warmup_seconds, *port, endpoint.paths.front(), cookie,
                      script_file, endpoint.paths_file, server.pid(), endpoint.label);
        wait_until_idle(server.pid(), std::chrono::seconds(300));
      }
      Measurement m =
          run_wrk(wrk, options, options.duration_seconds, *port, endpoint.paths.front(), cookie,
                  script_file, endpoint.paths_file, server.pid(), endpoint.label);
      m.unloaded_ms = unloaded[i];
      measurements.push_back(std::move(m));
      const double drained = wait_until_idle(server.pid(), std::chrono::seconds(300));
      if (drained > 2) {
        std::cout << fmt::format(
                         "({}: the server took {:.0f} s to finish the requests in flight)\n",
                         endpoint.label, drained)
                  << std::flush;
      }
    }

    std::string peak_memory = "?";
    {
      std::ifstream status("/proc/" + std::to_string(server.pid()) + "/status");
      for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) == 0) {
          peak_memory = fmt::format("{} MiB", std::atoll(line.c_str() + 6) / 1024);
        }
      }
    }
    const Measurement& baseline = measurements.front();
    std::cout << fmt::format("\n{:<38}{:>9}{:>10}{:>10}{:>10}{:>9}{:>11}{:>9}  {}\n", "endpoint",
                             "req/s", "p50 ms", "p99 ms", "alone ms", "cpu ms", "req/s/base",
                             "p99/base", "p99 < 10 ms");
    std::vector<std::string> missed;
    bool footnote = false;
    for (const Measurement& m : measurements) {
      const bool is_baseline = &m == &baseline;
      const bool answered = m.requests > 0;
      const bool met = answered && m.timeouts == 0 && m.p99_ms < kTargetP99Ms;
      // Timed-out requests are missing from wrk's percentiles, which then only bound p99 below.
      const std::string mark = m.timeouts > 0 ? "*" : "";
      footnote = footnote || !mark.empty();
      const std::string p50 = answered ? fmt::format("{:.2f}", m.p50_ms) : "-";
      const std::string p99 = answered ? fmt::format("{:.2f}{}", m.p99_ms, mark)
                                       : fmt::format(">{}000", options.duration_seconds);
      if (!is_baseline && !met) {
        missed.push_back(
            answered
                ? fmt::format("{} p99 {}{:.1f} ms", m.label, m.timeouts > 0 ? ">= " : "", m.p99_ms)
                : fmt::format("{}: no answer within {} s", m.label, options.duration_seconds));
      }
      std::cout << fmt::format(
          "{:<38}{:>9.0f}{:>10}{:>10}{:>10.2f}{:>9.2f}{:>11}{:>9}  {}\n", m.label,
          m.requests_per_second, p50, p99, m.unloaded_ms, m.server_cpu_ms_per_request,
          is_baseline ? std::string("1")
                      : fmt::format("{:.4f}", m.requests_per_second / baseline.requests_per_second),
          is_baseline || !answered ? std::string(is_baseline ? "1" : "-")
                                   : fmt::format("{:.1f}x", m.p99_ms / baseline.p99_ms),
          is_baseline ? "" : (met ? "met" : "NOT met"));
      if (answered && m.requests < 2 * options.connections) {
        // Requests still waiting when the run ended are in no percentile: the ones answered were
        // the earliest, and the latencies shown understate the steady state.
        std::cout << fmt::format(
            "  ! {}: only {} answers for {} connections; at {:.1f} answers/s the steady-state mean "
            "latency is about {:.0f} ms\n",
            m.label, m.requests, options.connections, m.requests_per_second,
            1000.0 * options.connections / m.requests_per_second);
      }
      if (m.errors > 0) {
        std::cout << fmt::format("  ! {}: {} answers were not 2xx/3xx\n", m.label, m.errors);
      }
      if (m.timeouts > 0 || (!m.socket_errors.empty() && m.timeouts == 0)) {
        std::cout << fmt::format("  ! {}: socket errors: {}\n", m.label, m.socket_errors);
      }
    }
    std::cout << "server's peak resident memory: " << peak_memory << "\n";
    {
      // What the view cache did, from the server's own counters.
      const Reply metrics = http(*port, "GET", "/metrics", "");
      const auto counter = [&](const std::string& name) -> std::string {
        const std::size_t at = metrics.body.find("\n" + name + " ");
        if (at == std::string::npos) return "?";
        const std::size_t from = at + name.size() + 2;
        return metrics.body.substr(from, metrics.body.find('\n', from) - from);
      };
      std::cout << "view cache: " << counter("aliquot_view_cache_hits_total") << " answers given "
                << "again, " << counter("aliquot_view_cache_misses_total")
                << " read from the database\n";
    }
    if (footnote) {
      std::cout << "*: some requests timed out and are not in wrk's percentiles: the true p99 is "
                   "higher\n";
    }
    server.stop();
    return missed;
  };

  const std::vector<std::string> missed =
      measure("serve as configured by default (view cache 256 MiB):", -1, true);
  (void)measure(
      "serve --view-cache-mb 0 (every answer read from the database, as after any change):", 0,
      false);

  std::cout << "\nalone ms: one request at a time, before the load (median of 5); cpu ms: the "
               "server's CPU time per answered request during the run\n";
  std::cout << fmt::format(
      "with {} connections always busy, mean latency = {} / (answers per second) (Little's law): "
      "p99 < 10 ms needs well over {} answers/s\n",
      options.connections, options.connections, options.connections * 100);
  if (missed.empty()) {
    std::cout << "target p99 < 10 ms (default configuration): met\n";
  } else {
    std::cout << "target p99 < 10 ms (default configuration): NOT met (";
    for (std::size_t i = 0; i < missed.size(); ++i) std::cout << (i ? "; " : "") << missed[i];
    std::cout << ")\n";
  }
  return 0;
}
