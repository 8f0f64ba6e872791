#include "server/interface_host.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "astm/io/link_connection.h"
#include "astm/io/tcp.h"
#include "hl7/message.h"
#include "lab/lab_test_fixture.h"
#include "mllp/client.h"

namespace aliquot::server {
namespace {

using namespace std::chrono_literals;

class InterfaceHostTest : public lab::LabTest {
 protected:
  InterfaceHostTest() {
    ingest::InstrumentProfile analyzer;
    analyzer.id = "chem1";
    analyzer.name = "Chemistry analyzer 1";
    analyzer.sender = "CHEM-1";
    analyzer.codes["K"] = {"K", ""};
    analyzer.codes["NA"] = {"NA", ""};
    InterfaceHostOptions options;
    options.mllp = Listen{};
    options.astm = Listen{};
    host_ = std::make_unique<InterfaceHost>(
        *store_, configuration_, ingest::InstrumentProfiles({analyzer}), clock_, options);
    lab::must(host_->start());
  }

  lab::ConfigurationInForce configuration_{lab::must(lab::read_lab_configuration(*store_))};
  std::unique_ptr<InterfaceHost> host_;
};

TEST_F(InterfaceHostTest, AnHl7ResultIsStoredBeforeItsAckArrives) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  mllp::Client client("127.0.0.1", host_->mllp_port());
  const std::string oru =
      "MSH|^~\\&|LABNET|REF|ALIQUOT|LAB|20260310080000||ORU^R01|M1|P|2.5.1\r"
      "PID|1||MRN-1\rOBR|1||" +
      serum.accession_number + "|2823-3^K^LN\rOBX|1|NM|2823-3^K^LN||4.2|mmol/L||||||F\r";
  const std::string ack = lab::must(client.send(oru, 5000ms));
  const hl7::Message parsed = lab::must(hl7::Message::parse(ack));
  EXPECT_EQ(lab::must(parsed.get("MSA-1")).text(), "AA");
  // The ACK came: the value is there for any reader.
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "K").value->number, 4.2);
  host_->stop();
  EXPECT_EQ(host_->counters().hl7_messages, 1u);
  EXPECT_EQ(host_->counters().acknowledged, 1u);
}

TEST_F(InterfaceHostTest, AnInstrumentQueriesThenPostsResultsOverAstm) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });

  std::promise<std::vector<std::string>> answer;
  astm::io::LinkHandlers handlers;
  handlers.on_message = [&answer](astm::io::ReceivedMessage message,
                                  astm::io::CompletionToken done) {
    done();
    answer.set_value(message.records);
  };
  auto connection =
      lab::must(astm::io::connect_tcp(io, "127.0.0.1", host_->astm_port(), {}, handlers));

  std::promise<Result<void>> query_sent;
  connection->send({"H|\\^&|||CHEM-1", "Q|1|^" + serum.accession_number + "||^^^ALL", "L|1|N"},
                   [&query_sent](Result<void> outcome) { query_sent.set_value(outcome); });
  ASSERT_TRUE(query_sent.get_future().get().has_value());
  const std::vector<std::string> orders = answer.get_future().get();
  ASSERT_EQ(orders.size(), 4u);
  const std::string order = "O|1|" + serum.accession_number + "||^^^K\\^^^NA|R|";
  EXPECT_EQ(orders[2].substr(0, order.size()), order);

  std::promise<Result<void>> results_sent;
  connection->send({"H|\\^&|||CHEM-1", "P|1", "O|1|" + serum.accession_number,
                    "R|1|^^^K|3.9|mmol/L||N||F", "R|2|^^^NA|139|mmol/L||N||F", "L|1|N"},
                   [&results_sent](Result<void> outcome) { results_sent.set_value(outcome); });
  // Delivered means the host ACKed the last frame, which it does only after the commit.
  ASSERT_TRUE(results_sent.get_future().get().has_value());
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "K").value->number, 3.9);
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "NA").value->number, 139);

  connection->close();
  guard.reset();
  runner.join();
}

}  // namespace
}  // namespace aliquot::server
