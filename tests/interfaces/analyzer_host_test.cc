// The simulated analyzer (simulate/analyzer.h) against the interface host (server/interface_host.h)
// in one process, over loopback TCP, on a lab in a SQLite file: queries answered with the
// specimen's orders, results stored exactly once per acknowledgement, quality control counted
// and not filed, and what a host restart left unacknowledged sent again and stored once.

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "interfaces_lab.h"
#include "server/interface_host.h"
#include "simulate/analyzer.h"
#include "simulate/analyzer_rack.h"
#include "support/temp_directory.h"

namespace aliquot::interfaces_test {
namespace {

using namespace std::chrono_literals;

class AnalyzerHostTest : public ::testing::Test {
 protected:
  AnalyzerHostTest()
      : lab_(directory_.file("lab.db"), clock_),
        profile_(shipped_profile("aliquot-sim-chem.toml", lab_.catalog())) {
    start_host(0);
  }

  void start_host(std::uint16_t port) {
    server::InterfaceHostOptions options;
    options.astm = server::Listen{"127.0.0.1", port};
    host_ = std::make_unique<server::InterfaceHost>(lab_.store(), lab_.configuration(),
                                                    ingest::InstrumentProfiles({profile_}), clock_,
                                                    options);
    must(host_->start());
  }

  simulate::AnalyzerOptions analyzer_options() {
    simulate::AnalyzerOptions options;
    options.port = host_->astm_port();
    // Safety nets only: a healthy exchange never waits on them.
    options.answer_timeout = 5s;
    options.give_up_after = 10s;
    options.on_delivered = [this](const simulate::DeliveredMessage& message) {
      delivered_.push_back(message);
    };
    return options;
  }

  std::vector<simulate::RackSpecimen> rack_from_lab() {
    std::unique_ptr<store::Transaction> tx =
        must(lab_.store().begin(store::TransactionMode::kRead));
    return must(simulate::rack_from_store(*tx, profile_, clock_));
  }

  test_support::TempDirectory directory_{"aliquot-analyzer"};
  core::ManualClock clock_{core::from_unix_millis(1'773'130'200'000)};  // 2026-03-10T08:10Z
  TestLab lab_;
  ingest::InstrumentProfile profile_;
  std::unique_ptr<server::InterfaceHost> host_;
  std::vector<simulate::DeliveredMessage> delivered_;  // on_delivered calls are serialized
};

TEST_F(AnalyzerHostTest, RackFromTheLabHoldsTheReceivedSpecimensWithTestsTheAnalyzerPerforms) {
  const std::vector<std::string> chemistry = lab_.received_orders(3, {"BMP"}, "C");
  lab_.received_orders(2, {"CBC"}, "H");
  const std::vector<simulate::RackSpecimen> rack = rack_from_lab();
  std::vector<std::string> loaded;
  for (const simulate::RackSpecimen& specimen : rack) loaded.push_back(specimen.accession_number);
  EXPECT_EQ(loaded, chemistry);
}

TEST_F(AnalyzerHostTest, EveryAcknowledgedResultIsStoredOnce) {
  const std::vector<std::string> accessions = lab_.received_orders(12, {"CMP", "LIPID"}, "C");
  simulate::AnalyzerOptions options = analyzer_options();
  options.connections = 3;
  options.lane.qc_every = 2;
  const simulate::AnalyzerReport report =
      must(simulate::run_analyzer(lab_.catalog(), profile_, clock_, rack_from_lab(), options));
  host_->stop();

  // CMP (14 tests) and the lipid panel (4) on each of the 12 serum specimens.
  EXPECT_EQ(report.totals.results_delivered, 12u * 18u);
  EXPECT_EQ(report.totals.result_messages_delivered, 12u);
  EXPECT_EQ(report.totals.specimens_with_orders, 12u);
  EXPECT_EQ(report.totals.messages_failed, 0u);
  EXPECT_EQ(report.totals.messages_resent, 0u);
  // Each of the 3 links ran 4 specimens: a control after the 2nd and the 4th.
  EXPECT_EQ(report.totals.qc_messages_delivered, 6u);
  EXPECT_EQ(report.result_latencies.size(), 12u);
  // 12 queries, 12 result messages, 6 controls.
  EXPECT_EQ(host_->counters().astm_messages, 30u);
  EXPECT_EQ(host_->counters().refused, 0u);
  EXPECT_EQ(
      check_stored_exactly_once(lab_.store(), lab_.catalog(), profile_, delivered_, accessions),
      std::vector<std::string>{});
}

TEST_F(AnalyzerHostTest, ASpecimenTheHostDoesNotKnowGetsNoResults) {
  simulate::AnalyzerOptions options = analyzer_options();
  const simulate::AnalyzerReport report = must(simulate::run_analyzer(
      lab_.catalog(), profile_, clock_, simulate::rack_without_store({"26999999"}), options));
  EXPECT_EQ(report.totals.queries_answered, 1u);
  EXPECT_EQ(report.totals.specimens_without_orders, 1u);
  EXPECT_EQ(report.totals.results_delivered, 0u);
  EXPECT_EQ(report.totals.messages_failed, 0u);
  EXPECT_TRUE(delivered_.empty());
}

TEST_F(AnalyzerHostTest, WhatAHostRestartLeftUnacknowledgedIsSentAgainAndStoredOnce) {
  const std::vector<std::string> accessions = lab_.received_orders(40, {"CMP"}, "C");
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t delivered_count = 0;
  simulate::AnalyzerOptions options = analyzer_options();
  options.connections = 2;
  options.on_delivered = [&](const simulate::DeliveredMessage& message) {
    std::lock_guard<std::mutex> lock(mutex);
    delivered_.push_back(message);
    ++delivered_count;
    changed.notify_all();
  };
  std::optional<Result<simulate::AnalyzerReport>> outcome;
  std::thread analyzer([&] {
    outcome = simulate::run_analyzer(lab_.catalog(), profile_, clock_, rack_from_lab(), options);
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return delivered_count >= 6; }));
  }
  // The host goes away in the middle of the stream: its connections close, what it commits
  // while stopping is never acknowledged.
  const std::uint16_t port = host_->astm_port();
  host_->stop();
  host_.reset();
  start_host(port);
  analyzer.join();

  ASSERT_TRUE(outcome.has_value());
  const simulate::AnalyzerReport report = must(std::move(*outcome));
  host_->stop();
  EXPECT_GE(report.connections_lost, 2u);
  EXPECT_EQ(report.totals.messages_failed, 0u);
  EXPECT_EQ(report.totals.specimens_not_run, 0u);
  EXPECT_EQ(report.totals.results_delivered, 40u * 14u);
  EXPECT_EQ(
      check_stored_exactly_once(lab_.store(), lab_.catalog(), profile_, delivered_, accessions),
      std::vector<std::string>{});
}

}  // namespace
}  // namespace aliquot::interfaces_test
