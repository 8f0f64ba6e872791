// `aliquot serve`, `aliquot quarantine ...` and `aliquot interfaces check` through the built
// executable: a message refused by the running server is kept, shown, and replayed once the
// cause is fixed.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli_fixture.h"
#include "hl7/ack.h"
#include "hl7/message.h"
#include "mllp/client.h"
#include "mllp/server.h"

extern char** environ;

namespace aliquot::cli_test {
namespace {

using namespace std::chrono_literals;

std::string binary() {
  const char* path = std::getenv("ALIQUOT_BINARY");
  return path ? path : ALIQUOT_BUILT_BINARY;
}

// `aliquot --db DB serve ...` as a child process; its output goes to a file read back to learn
// the port it listens on.
class ServeProcess {
 public:
  ServeProcess(const CliRunner& lab, const std::vector<std::string>& args)
      : output_(lab.directory() + "/serve.out") {
    std::vector<std::string> argv = {binary(), "--db", lab.database_path(), "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (std::string& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    EXPECT_EQ(posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // The port of "listening PROTOCOL HOST:PORT", waiting for the line up to 10 s.
  std::uint16_t port(const std::string& protocol) {
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(output_);
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("listening " + protocol + " ", 0) == 0) {
          return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "serve did not say it listens on " << protocol << ":\n" << output();
    return 0;
  }

  // Stops with SIGTERM; the exit status.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string output() const {
    std::ifstream in(output_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string output_;
  pid_t pid_ = -1;
};

class CliInterfacesTest : public CliTest {};

TEST_F(CliInterfacesTest, ARefusedMessageIsQuarantinedShownAndReplayedOnceTheCauseIsFixed) {
  succeed({"user", "add", "super1", "--role", "supervisor"}, kAdmin);
  register_patient("MRN-7");
  const std::string order = place_order("MRN-7", "K");
  const std::string specimen = accession_with(accession(order), "K");

  ServeProcess serve(lab_, {"--mllp", "127.0.0.1:0", "--instruments",
                            source_directory() + "/interfaces/instruments"});
  mllp::Client client("127.0.0.1", serve.port("mllp"));
  const std::string oru =
      "MSH|^~\\&|REFLAB|REF|ALIQUOT|LAB|20261121080000||ORU^R01|R-100|P|2.5.1\r"
      "PID|1||MRN-7\rOBR|1||" +
      specimen +
      "|2823-3^Potassium^LN\r"
      "OBX|1|NM|2823-3^Potassium^LN||4.4|mmol/L||||||F\r";
  const Result<std::string> ack = client.send(oru, 5000ms);
  ASSERT_TRUE(ack.has_value()) << ack.error().message() << "\n" << serve.output();
  const hl7::Message parsed = *hl7::Message::parse(*ack);
  EXPECT_EQ(parsed.get("MSA-1").value().text(), "AE");
  EXPECT_EQ(
      parsed.get("ERR-8").value().text(),
      "OBX(1): specimen " + specimen + " is not received yet; receive it before entering results");
  EXPECT_EQ(serve.stop(), 0) << serve.output();
  EXPECT_THAT(serve.output(), testing::HasSubstr("1 quarantined"));
  // The time from the message's last byte to its ACK, for the interface analyst.
  EXPECT_THAT(serve.output(),
              testing::ContainsRegex("HL7 last byte received to ACK sent: p50 "
                                     "[0-9]+\\.[0-9]{2} ms, p99 [0-9]+\\.[0-9]{2} "
                                     "ms, max [0-9]+\\.[0-9]{2} ms over 1 message"));
  EXPECT_THAT(serve.output(), testing::Not(testing::HasSubstr("ASTM last byte")));

  const nlohmann::json held = succeed_json({"quarantine", "list"}, kTechnician);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]["message_id"], "R-100");
  EXPECT_EQ(held[0]["sender"], "REFLAB^REF");
  const std::string id = std::to_string(held[0]["id"].get<int>());
  const CommandOutput shown = succeed({"quarantine", "show", id}, kTechnician);
  EXPECT_THAT(shown.out, testing::HasSubstr("OBX|1|NM|2823-3^Potassium^LN||4.4|mmol/L"));

  // A technician may look but not replay.
  const CommandOutput refused = lab_.run({"quarantine", "replay", id}, kTechnician);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, testing::HasSubstr("may not manage interfaces"));

  // Replayed before the cause is fixed: refused again, still held, the attempt recorded.
  const CommandOutput early = lab_.run({"quarantine", "replay", id}, "super1");
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_THAT(early.err, testing::HasSubstr("refused again and kept in quarantine"));

  succeed({"specimen", "receive", specimen}, kClerk);
  const nlohmann::json replayed = succeed_json({"quarantine", "replay", id}, "super1");
  EXPECT_EQ(replayed["applied"], true);
  EXPECT_EQ(replayed["outcome"], "1 result(s) recorded on 1 specimen(s)");
  const nlohmann::json after = succeed_json({"quarantine", "list", "--status", "all"}, kTechnician);
  EXPECT_EQ(after[0]["status"], "replayed");
  EXPECT_EQ(after[0]["resolved_by"], "super1");
  const CommandOutput twice = lab_.run({"quarantine", "replay", id}, "super1");
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, testing::HasSubstr("was already replayed by super1"));
  succeed({"audit", "verify"}, kTechnician);
}

// Rules loaded from the command line while the server runs judge the messages that arrive
// after the load, without a restart: the server sees the load in the audit trail.
TEST_F(CliInterfacesTest, RulesLoadedWhileTheServerRunsJudgeTheMessagesAfterThem) {
  const std::string first = accession_with(received_order("MRN-81", "K"), "K");
  const std::string second = accession_with(received_order("MRN-82", "K"), "K");
  const auto potassium = [](const std::string& id, const std::string& mrn,
                            const std::string& specimen) {
    return "MSH|^~\\&|REFLAB|REF|ALIQUOT|LAB|20261121080000||ORU^R01|" + id + "|P|2.5.1\rPID|1||" +
           mrn + "\rOBR|1||" + specimen +
           "|2823-3^Potassium^LN\rOBX|1|NM|2823-3^Potassium^LN||4.4|mmol/L||||||F\r";
  };
  ServeProcess serve(lab_, {"--mllp", "127.0.0.1:0"});
  mllp::Client client("127.0.0.1", serve.port("mllp"));
  const Result<std::string> before = client.send(potassium("R-81", "MRN-81", first), 5000ms);
  ASSERT_TRUE(before.has_value()) << before.error().message() << "\n" << serve.output();
  const nlohmann::json released = succeed_json({"result", "show", first, "K"}, kTechnician);
  EXPECT_EQ(released.at("result").at("status"), "final") << released.dump(2);

  const std::string rules =
      lab_.write_file("no-chemistry.toml",
                      "[rules]\nname = \"ward rules\"\nversion = \"w1\"\n\n[[discipline]]\n"
                      "section = \"chemistry\"\nautoverify = false\n");
  succeed({"rules", "load", rules}, kAdmin);
  bool in_force = false;
  for (int i = 0; i < 200 && !in_force; ++i) {
    in_force = serve.output().find("configuration: catalog version 1, rules version 2,") !=
               std::string::npos;
    if (!in_force) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(in_force) << serve.output();

  const Result<std::string> after = client.send(potassium("R-82", "MRN-82", second), 5000ms);
  ASSERT_TRUE(after.has_value()) << after.error().message() << "\n" << serve.output();
  EXPECT_EQ(hl7::Message::parse(*after)->get("MSA-1").value().text(), "AA");
  const nlohmann::json held = succeed_json({"result", "show", second, "K"}, kTechnician);
  EXPECT_EQ(held.at("result").at("status"), "preliminary") << held.dump(2);
  EXPECT_EQ(serve.stop(), 0) << serve.output();
}

// An EHR's MLLP listener in this process: it accepts every message and keeps it.
class Ehr {
 public:
  Ehr() {
    server_.emplace(io_, mllp::ServerOptions{}, [this](mllp::InboundMessage in, mllp::Reply reply) {
      const Result<hl7::Message> parsed = hl7::Message::parse(in.bytes);
      hl7::AckContent content;
      content.control_id = "EHR1";
      content.time = core::from_unix_millis(1795249800000);
      {
        std::lock_guard lock(mutex_);
        received_.push_back(in.bytes);
      }
      reply(parsed.has_value() ? hl7::build_ack(*parsed, content)
                               : hl7::build_ack_for_unparsed(content));
    });
    EXPECT_TRUE(server_->start().has_value());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Ehr() {
    server_->stop();
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_->port(); }
  std::vector<std::string> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  std::optional<mllp::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> received_;
};

TEST_F(CliInterfacesTest, ReleasedResultsLeaveThroughTheOutboxToTheEhr) {
  succeed({"outbox", "destination", "set", "ehr"}, kAdmin);
  const std::string serum = accession_with(received_order("MRN-8", "K"), "K");
  succeed({"result", "enter", serum, "K", "4.2"}, kTechnician);
  succeed({"result", "release", serum, "K"}, kTechnician);
  EXPECT_EQ(succeed_json({"outbox", "list"}, kAdmin)[0]["status"], "pending");

  Ehr ehr;
  ServeProcess serve(lab_, {"--outbound", "ehr=127.0.0.1:" + std::to_string(ehr.port())});
  std::vector<std::string> received;
  for (int i = 0; i < 100 && received.empty(); ++i) {
    std::this_thread::sleep_for(50ms);
    received = ehr.received();
  }
  EXPECT_EQ(serve.stop(), 0) << serve.output();
  ASSERT_EQ(received.size(), 1u) << serve.output();
  const hl7::Message oru = *hl7::Message::parse(received[0]);
  EXPECT_EQ(oru.get("MSH-9.1").value().text(), "ORU");
  EXPECT_EQ(oru.get("OBX-5").value().text(), "4.2");
  EXPECT_EQ(oru.get("OBX-11").value().text(), "F");
  EXPECT_EQ(succeed_json({"outbox", "list"}, kAdmin)[0]["status"], "delivered");
}

TEST_F(CliInterfacesTest, DiscardingNeedsAReason) {
  const CommandOutput missing = lab_.run({"quarantine", "discard", "1"}, kAdmin);
  EXPECT_EQ(missing.exit_code, 2);
  const CommandOutput unknown =
      lab_.run({"quarantine", "discard", "99", "--reason", "test"}, kAdmin);
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_THAT(unknown.err, testing::HasSubstr("there is no quarantined message 99"));
}

TEST_F(CliInterfacesTest, InterfacesCheckNamesEveryProblemWithFileAndLine) {
  const std::string directory = lab_.directory() + "/instruments";
  ASSERT_EQ(::mkdir(directory.c_str(), 0755), 0);
  std::ofstream(directory + "/bad.toml") << "[instrument]\nid = \"X Y\"\nname = \"n\"\n"
                                            "protocol = \"astm\"\nsender = \"s\"\n"
                                            "[codes]\n\"1\" = \"NOPE\"\n";
  const CommandOutput checked = lab_.run_raw({"interfaces", "check", directory});
  EXPECT_EQ(checked.exit_code, 1);
  EXPECT_THAT(checked.err, testing::HasSubstr("bad.toml:2:6: id 'X Y' may hold only"));
  EXPECT_THAT(checked.err,
              testing::HasSubstr("bad.toml:7:7: code '1' maps to 'NOPE', which is not a test"));
  const CommandOutput shipped =
      lab_.run_raw({"interfaces", "check", source_directory() + "/interfaces/instruments"});
  EXPECT_EQ(shipped.exit_code, 0) << shipped.err;
}

// GET `target` on 127.0.0.1:`port` over a connection of its own.
boost::beast::http::response<boost::beast::http::string_body> http_get(std::uint16_t port,
                                                                       const std::string& target) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  boost::beast::error_code error;
  stream.connect({boost::asio::ip::address_v4::loopback(), port}, error);
  EXPECT_FALSE(error) << error.message();
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request, error);
  EXPECT_FALSE(error) << error.message();
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, error);
  EXPECT_FALSE(error) << error.message();
  return response;
}

TEST_F(CliInterfacesTest, ServeAnswersHealthOverHttpAndLogsTheRequest) {
  ServeProcess serve(lab_, {"--http", "127.0.0.1:0"});
  const std::uint16_t port = serve.port("http");
  ASSERT_NE(port, 0);
  const auto health = http_get(port, "/healthz");
  EXPECT_EQ(health.result_int(), 200u) << serve.output();
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  const auto nowhere = http_get(port, "/api/nowhere");
  EXPECT_EQ(nowhere.result_int(), 404u);
  // The API's routes need a session.
  const auto worklist = http_get(port, "/api/worklist");
  EXPECT_EQ(worklist.result_int(), 401u);
  EXPECT_EQ(serve.stop(), 0) << serve.output();
  EXPECT_THAT(serve.output(), testing::HasSubstr("http method=GET path=/healthz status=200"));
}

}  // namespace
}  // namespace aliquot::cli_test
