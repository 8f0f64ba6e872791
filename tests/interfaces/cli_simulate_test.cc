// `aliquot astm simulate`, the built executable, against the interface host run in the test on
// the same lab database: the summary it prints, its delivered log (what a test uses to prove
// that every acknowledged result is stored exactly once), and its exit status when no host
// listens.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"
#include "interfaces_lab.h"
#include "server/interface_host.h"
#include "support/temp_directory.h"

namespace aliquot::interfaces_test {
namespace {

std::string profile_file() {
  return source_directory() + "/interfaces/instruments/aliquot-sim-chem.toml";
}

// The delivered log read back as the analyzer's own record of what was acknowledged.
std::vector<simulate::DeliveredMessage> read_delivered_log(const std::string& path) {
  std::vector<simulate::DeliveredMessage> delivered;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json entry = nlohmann::json::parse(line);
    simulate::DeliveredMessage message;
    message.kind = entry.at("kind") == "qc" ? simulate::MessageKind::kQualityControl
                                            : simulate::MessageKind::kResults;
    message.specimen_id = entry.at("specimen");
    message.attempts = entry.at("attempts");
    for (std::size_t i = 0; i < entry.at("tests").size(); ++i) {
      message.measurements.push_back({entry.at("codes")[i], entry.at("tests")[i],
                                      entry.at("values")[i], entry.at("units")[i],
                                      simulate::MeasurementStatus::kFinal});
    }
    delivered.push_back(std::move(message));
  }
  return delivered;
}

class CliSimulateTest : public ::testing::Test {
 protected:
  CliSimulateTest() : lab_(directory_.file("lab.db"), clock_) {}

  test_support::TempDirectory directory_{"aliquot-cli-simulate"};
  core::SystemClock clock_;
  TestLab lab_;
};

TEST_F(CliSimulateTest, SendsTheRackFromTheLabAndLogsWhatWasAcknowledged) {
  const std::vector<std::string> accessions = lab_.received_orders(6, {"BMP"}, "S");
  lab_.received_orders(2, {"CBC"}, "T");  // not for a chemistry analyzer
  const ingest::InstrumentProfile profile =
      shipped_profile("aliquot-sim-chem.toml", lab_.catalog());
  server::InterfaceHostOptions options;
  options.astm = server::Listen{};
  server::InterfaceHost host(lab_.store(), lab_.configuration(),
                             ingest::InstrumentProfiles({profile}), clock_, options);
  must(host.start());

  const std::string log = directory_.file("delivered.jsonl");
  ChildProcess simulate(
      {"--db", directory_.file("lab.db"), "--json", "astm", "simulate", "--host",
       "127.0.0.1:" + std::to_string(host.astm_port()), "--profile", profile_file(),
       "--connections", "2", "--qc-every", "3", "--delivered-log", log},
      directory_.file("simulate.err"));
  ASSERT_EQ(simulate.wait(), 0) << simulate.output();
  host.stop();

  const nlohmann::json summary = nlohmann::json::parse(simulate.output());
  EXPECT_EQ(summary.at("specimens"), 6);
  EXPECT_EQ(summary.at("with_orders"), 6);
  EXPECT_EQ(summary.at("results_delivered"), 6 * 8);  // the BMP's 8 tests
  EXPECT_EQ(summary.at("qc_messages_delivered"), 2);  // 3 specimens per link, 1 control each
  EXPECT_EQ(summary.at("messages_failed"), 0);
  EXPECT_EQ(summary.at("sender"), "ALIQUOT-SIM-CHEM");

  const std::vector<simulate::DeliveredMessage> delivered = read_delivered_log(log);
  ASSERT_EQ(delivered.size(), 8u);  // 6 result messages, 2 controls
  EXPECT_EQ(check_stored_exactly_once(lab_.store(), lab_.catalog(), profile, delivered, accessions),
            std::vector<std::string>{});
}

TEST_F(CliSimulateTest, GivesUpWithExitStatus1WhenNoHostListens) {
  const std::vector<std::string> accessions = lab_.received_orders(1, {"BMP"}, "S");
  // A port nobody listens on: bound, then released.
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  ChildProcess simulate({"--db", directory_.file("lab.db"), "astm", "simulate", "--host",
                         "127.0.0.1:" + std::to_string(port), "--profile", profile_file(),
                         "--specimens", accessions.front(), "--give-up-after", "300"},
                        directory_.file("simulate.err"));
  EXPECT_EQ(simulate.wait(), 1) << simulate.output();
  std::ifstream err(directory_.file("simulate.err"));
  const std::string error((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_EQ(error, "aliquot: 1 specimen(s) not run\n");
  EXPECT_NE(simulate.output().find("giving up what is not acknowledged"), std::string::npos)
      << simulate.output();
}

}  // namespace
}  // namespace aliquot::interfaces_test
