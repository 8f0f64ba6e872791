// `aliquot hl7 send` through the built executable, against an MLLP listener in this process.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "hl7/ack.h"
#include "hl7/message.h"
#include "mllp/frame.h"
#include "mllp/server.h"

namespace aliquot::cli_test {
namespace {

std::string message(const std::string& control_id) {
  return "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083000+0000||ORU^R01^ORU_R01|" + control_id +
         "|P|2.5.1\rPID|1||MRN1||Doe^Jane\rOBX|1|NM|2823-3^Potassium^LN||4.1|mmol/L\r";
}

// A listener that accepts every message, except those whose MSH-10 starts with "BAD", which it
// answers AE; it remembers the control ids in the order received.
class Listener {
 public:
  Listener() {
    mllp::ServerOptions options;
    server_.emplace(io_, options, [this](mllp::InboundMessage inbound, mllp::Reply reply) {
      const Result<hl7::Message> parsed = hl7::Message::parse(inbound.bytes);
      hl7::AckContent content;
      content.control_id = "ACK1";
      content.time = core::from_unix_millis(1795249800000);
      if (!parsed.has_value()) {
        content.code = hl7::AckCode::kReject;
        content.text = "not HL7";
        reply(hl7::build_ack_for_unparsed(content));
        return;
      }
      const std::string control_id = parsed->get("MSH-10").value().text();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.push_back(control_id);
      }
      if (control_id.rfind("BAD", 0) == 0) {
        content.code = hl7::AckCode::kError;
        content.text = "unknown test code XYZ";
      }
      reply(hl7::build_ack(*parsed, content));
    });
    const Result<void> started = server_->start();
    EXPECT_TRUE(started.has_value()) << started.error().message();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Listener() {
    server_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::optional<mllp::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> received_;
};

TEST(CliHl7Send, SendsEveryMessageAndPrintsItsAckWithExitZeroWhenAllAreAccepted) {
  Listener listener;
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", message("M1") + "\n" + message("M2"));
  const CommandOutput out = cli.run_raw({"hl7", "send", file, "--to", listener.address()});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "M1 AA\nM2 AA\n");
  EXPECT_EQ(listener.received(), (std::vector<std::string>{"M1", "M2"}));
}

TEST(CliHl7Send, ReadsMllpFramedFiles) {
  Listener listener;
  const CliRunner cli;
  const std::string file =
      cli.write_file("framed.hl7", mllp::frame(message("F1")) + mllp::frame(message("F2")));
  const CommandOutput out = cli.run_raw({"hl7", "send", file, "--to", listener.address()});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "F1 AA\nF2 AA\n");
}

TEST(CliHl7Send, ExitsOneAndShowsTheTextWhenAMessageIsNotAccepted) {
  Listener listener;
  const CliRunner cli;
  const std::string file =
      cli.write_file("mixed.hl7", message("OK1") + message("BAD2") + message("OK3"));
  const CommandOutput out = cli.run_raw({"hl7", "send", file, "--to", listener.address()});
  EXPECT_EQ(out.exit_code, 1) << out.err;
  EXPECT_EQ(out.out, "OK1 AA\nBAD2 AE unknown test code XYZ\nOK3 AA\n");
  EXPECT_NE(out.err.find("1 of 3 messages sent to " + listener.address() + " not accepted"),
            std::string::npos)
      << out.err;
}

TEST(CliHl7Send, ReportsEachAckAsJson) {
  Listener listener;
  const CliRunner cli;
  const std::string file = cli.write_file("mixed.hl7", message("OK1") + message("BAD2"));
  const CommandOutput out =
      cli.run_raw({"hl7", "send", file, "--to", listener.address(), "--json"});
  EXPECT_EQ(out.exit_code, 1) << out.err;
  const nlohmann::json document = nlohmann::json::parse(out.out);
  EXPECT_EQ(document["to"], listener.address());
  EXPECT_EQ(document["sent"], 2);
  EXPECT_EQ(document["accepted"], 1);
  ASSERT_EQ(document["messages"].size(), 2u);
  EXPECT_EQ(document["messages"][0]["control_id"], "OK1");
  EXPECT_EQ(document["messages"][0]["ack_code"], "AA");
  EXPECT_EQ(document["messages"][1]["control_id"], "BAD2");
  EXPECT_EQ(document["messages"][1]["ack_code"], "AE");
  EXPECT_EQ(document["messages"][1]["ack_text"], "unknown test code XYZ");
  EXPECT_EQ(document["messages"][1]["accepted"], false);
  EXPECT_EQ(document["error"]["code"], "FAILED_PRECONDITION");
}

TEST(CliHl7Send, ExitsThreeNamingThePeerWhenTheConnectionIsRefused) {
  std::uint16_t port = 0;
  {
    // A port the system gave out and that nothing listens on any more.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  const CliRunner cli;
  const std::string file = cli.write_file("one.hl7", message("R1"));
  const std::string to = "127.0.0.1:" + std::to_string(port);
  const CommandOutput out = cli.run_raw({"hl7", "send", file, "--to", to, "--timeout", "2000"});
  EXPECT_EQ(out.exit_code, 3) << out.err;
  EXPECT_NE(out.err.find("message 1 of 1 (MSH-10 R1, byte 0 of " + file + "): cannot connect to " +
                         to + ": Connection refused"),
            std::string::npos)
      << out.err;
}

TEST(CliHl7Send, RefusesAnAddressWithoutPortAsUsageError) {
  const CliRunner cli;
  const std::string file = cli.write_file("one.hl7", message("U1"));
  const CommandOutput out = cli.run_raw({"hl7", "send", file, "--to", "localhost"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find("'localhost' is not HOST:PORT"), std::string::npos) << out.err;
}

}  // namespace
}  // namespace aliquot::cli_test
