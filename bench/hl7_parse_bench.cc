// hl7_parse_bench: how fast aliquot parses HL7 v2 result messages, against its peers.
//
// The corpus: realistic ORU^R01 messages of 1-2 KB with 3-12 OBX, escapes and repetitions here
// and there (bench/generate_oru_corpus.py, fixed seed), one message per line, segments ending
// with CR; 64 MB unless --megabytes says otherwise. Generated once next to this binary.
//
// The work, the same for everyone: parse every message, then for every OBX segment read OBX-5
// as text, summing the lengths so that nothing can be skipped. Cutting the file into messages and
// starting a process are not timed, for anyone.
//   aliquot        hl7::Message::assign() on a view of the bytes (zero-copy; the segment index
//                  is reused from message to message, so the loop does not allocate), then
//                  Segment::field(5).unescape_to() into a reused buffer. Single thread. A second
//                  row parses each message into a fresh Message (one allocation per message).
//                  Passes repeat for at least --seconds after one warm-up pass; the median pass
//                  is reported.
//   python-hl7     hl7.parse(), then Message.unescape(str(OBX(5))) (bench/peers/
//                  python_hl7_peer.py): eager parse into nested lists; one pass.
//   @medplum/core  Hl7Message.parse(), then getField(5).toString() (bench/peers/
//                  medplum_peer.mjs): it has no unescaping, so it reads raw text — less work than
//                  the others; one pass, JIT warm-up included.
// Each peer measures itself inside its process and prints its time; a peer that is not installed
// is reported and skipped. The checksums show that everyone read the same values: aliquot's
// unescaped total equals python-hl7's, and its raw total equals @medplum/core's.
//
// MB is 10^6 bytes of message text. The ratio is aliquot's MB/s over the peer's.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/mapped_file.h"
#include "hl7/message.h"

#ifndef ALIQUOT_BENCH_SOURCE_DIR
#define ALIQUOT_BENCH_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "hl7_parse_bench: %s\n", what.c_str());
  std::exit(1);
}

struct Options {
  std::string corpus;
  double megabytes = 64;
  double seconds = 2.0;
  bool peers = true;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) fail(argument + " needs a value");
      return argv[++i];
    };
    if (argument == "--corpus") {
      options.corpus = next();
    } else if (argument == "--megabytes") {
      options.megabytes = std::atof(next().c_str());
    } else if (argument == "--seconds") {
      options.seconds = std::atof(next().c_str());
    } else if (argument == "--no-peers") {
      options.peers = false;
    } else {
      fail("usage: hl7_parse_bench [--corpus FILE] [--megabytes N] [--seconds S] [--no-peers]");
    }
  }
  return options;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` and returns its standard output and exit status.
std::pair<std::string, int> run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {"cannot start: " + command, -1};
  std::string output;
  char chunk[4096];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) output.append(chunk, got);
  const int status = pclose(pipe);
  return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

std::string corpus_path(const Options& options, const char* argv0) {
  if (!options.corpus.empty()) return options.corpus;
  const fs::path dir = fs::absolute(fs::path(argv0)).lexically_normal().parent_path();
  const fs::path path = dir / fmt::format("hl7_oru_corpus_{}mb.hl7", options.megabytes);
  if (fs::exists(path)) return path.string();
  const std::string script =
      std::string(ALIQUOT_BENCH_SOURCE_DIR) + "/bench/generate_oru_corpus.py";
  std::printf("generating the corpus: %s\n", path.c_str());
  std::fflush(stdout);
  const auto [output, status] =
      run("/usr/bin/python3 " + shell_quote(script) + " --out " + shell_quote(path.string()) +
          " --megabytes " + fmt::format("{}", options.megabytes));
  if (status != 0) {
    fs::remove(path);
    fail("corpus generation failed: " + output);
  }
  return path.string();
}

struct Work {
  std::uint64_t unescaped = 0;
  std::uint64_t raw = 0;
  std::uint64_t observations = 0;
};

enum class Reuse { kReusedMessage, kFreshMessage };

Work one_pass(const std::vector<std::string_view>& messages, Reuse reuse) {
  Work work;
  aliquot::hl7::Message message;
  std::string buffer;
  buffer.reserve(4096);
  for (const std::string_view bytes : messages) {
    if (reuse == Reuse::kReusedMessage) {
      if (!message.assign(bytes)) fail("a corpus message does not parse");
    } else {
      aliquot::Result<aliquot::hl7::Message> parsed = aliquot::hl7::Message::parse(bytes);
      if (!parsed) fail("a corpus message does not parse: " + parsed.error().to_string());
      message = std::move(parsed).value();
    }
    for (const aliquot::hl7::Segment segment : message.segments()) {
      if (segment.id() != "OBX") continue;
      const aliquot::hl7::Value value = segment.field(5);
      buffer.clear();
      value.unescape_to(buffer);
      work.unescaped += buffer.size();
      work.raw += value.raw().size();
      ++work.observations;
    }
  }
  return work;
}

struct Row {
  std::string name;
  std::optional<double> seconds;  // per pass
  std::string note;               // the reason a peer was skipped, or the checksum comparison
};

Row measure_aliquot(const std::string& name, const std::vector<std::string_view>& messages,
                    Reuse reuse, double minimum_seconds, Work& work) {
  work = one_pass(messages, reuse);  // warm-up: page in the corpus, fill caches
  std::vector<double> passes;
  double total = 0;
  while (passes.size() < 3 || total < minimum_seconds) {
    const auto start = Clock::now();
    const Work again = one_pass(messages, reuse);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (again.unescaped != work.unescaped) fail("passes disagree");
    passes.push_back(seconds);
    total += seconds;
  }
  std::sort(passes.begin(), passes.end());
  return Row{name, passes[passes.size() / 2],
             fmt::format("median of {} passes; unescaped {} B, raw {} B", passes.size(),
                         work.unescaped, work.raw)};
}

Row measure_peer(const std::string& command, const std::string& fallback_name, const Work& work,
                 std::size_t messages) {
  const auto [output, status] = run(command);
  nlohmann::json result;
  const std::size_t line = output.rfind("{\"");
  if (line != std::string::npos) {
    result = nlohmann::json::parse(output.substr(line), nullptr, /*allow_exceptions=*/false);
  }
  if (status != 0 || !result.is_object()) {
    std::string reason = output.substr(0, 200);
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    return Row{fallback_name, std::nullopt,
               fmt::format("skipped: exit status {}: {}", status, reason)};
  }
  if (result.contains("skip")) {
    return Row{fallback_name, std::nullopt, "skipped: " + result["skip"].get<std::string>()};
  }
  const std::uint64_t checksum = result.value("checksum", std::uint64_t{0});
  std::string note = fmt::format("checksum {} B", checksum);
  if (checksum == work.unescaped) {
    note += " = aliquot unescaped";
  } else if (checksum == work.raw) {
    note += " = aliquot raw (no unescaping)";
  } else {
    note += " (differs from aliquot's)";
  }
  if (result.value("messages", std::size_t{0}) != messages) note += "; MESSAGE COUNT DIFFERS";
  return Row{result.value("peer", fallback_name), result.value("seconds", 0.0), note};
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const std::string path = corpus_path(options, argv[0]);
  aliquot::Result<aliquot::hl7::MappedFile> file = aliquot::hl7::MappedFile::open(path);
  if (!file) fail(file.error().to_string());
  const std::string_view corpus = file->bytes();

  std::vector<std::string_view> messages;
  std::uint64_t bytes = 0;
  for (std::size_t start = 0; start < corpus.size();) {
    std::size_t end = corpus.find('\n', start);
    if (end == std::string_view::npos) end = corpus.size();
    if (end > start) {
      messages.push_back(corpus.substr(start, end - start));
      bytes += end - start;
    }
    start = end + 1;
  }
  if (messages.empty()) fail("the corpus is empty: " + path);

  std::printf("hl7_parse_bench: %zu ORU^R01 messages, %.1f MB (%s)\n", messages.size(),
              static_cast<double>(bytes) / 1e6, path.c_str());
  std::printf("work: parse every message, read every OBX-5 as text; one thread\n\n");
  std::fflush(stdout);

  Work work;
  std::vector<Row> rows;
  rows.push_back(measure_aliquot("aliquot (reused Message)", messages, Reuse::kReusedMessage,
                                 options.seconds, work));
  Work fresh_work;
  rows.push_back(measure_aliquot("aliquot (fresh Message)", messages, Reuse::kFreshMessage,
                                 options.seconds / 2, fresh_work));
  const std::size_t peer_start = rows.size();
  if (options.peers) {
    const std::string source = ALIQUOT_BENCH_SOURCE_DIR;
    rows.push_back(measure_peer(
        "node " + shell_quote(source + "/bench/peers/medplum_peer.mjs") + " " + shell_quote(path),
        "@medplum/core", work, messages.size()));
    rows.push_back(measure_peer("/usr/bin/python3 " +
                                    shell_quote(source + "/bench/peers/python_hl7_peer.py") + " " +
                                    shell_quote(path),
                                "python-hl7", work, messages.size()));
  }

  const double aliquot_rate = static_cast<double>(bytes) / 1e6 / *rows[0].seconds;
  std::printf("%-26s %10s %12s %14s %10s  %s\n", "parser", "seconds", "MB/s", "messages/s", "ratio",
              "notes");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    if (!row.seconds) {
      std::printf("%-26s %10s %12s %14s %10s  %s\n", row.name.c_str(), "-", "-", "-", "-",
                  row.note.c_str());
      continue;
    }
    const double rate = static_cast<double>(bytes) / 1e6 / *row.seconds;
    const double per_second = static_cast<double>(messages.size()) / *row.seconds;
    const std::string ratio = i >= peer_start ? fmt::format("{:.1f}x", aliquot_rate / rate) : "";
    std::printf("%-26s %10.3f %12.1f %14.0f %10s  %s\n", row.name.c_str(), *row.seconds, rate,
                per_second, ratio.c_str(), row.note.c_str());
  }
  std::printf("\nratio = aliquot (reused Message) MB/s / peer MB/s; %llu OBX-5 values read\n",
              static_cast<unsigned long long>(work.observations));
  return 0;
}
