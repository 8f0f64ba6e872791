// Durable before acknowledged, tested the hard way (ARCHITECTURE decision 1): `aliquot serve`
// runs as a child process on a lab in a SQLite file; simulated analyzers stream results to it
// over ASTM; the server is killed with SIGKILL in the middle of the stream and started again on
// the same database and port; the analyzers connect again and send what was not acknowledged.
// Then every acknowledged result must be stored exactly once with the value sent, every
// unacknowledged one must have been sent again and stored once, no result may have two
// result.enter audit entries, and `aliquot audit verify` must pass.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "interfaces_lab.h"
#include "simulate/analyzer.h"
#include "simulate/analyzer_rack.h"
#include "support/temp_directory.h"

namespace aliquot::interfaces_test {
namespace {

using namespace std::chrono_literals;

TEST(InterfacesCrash, AcknowledgedResultsSurviveAKilledServerAndNothingIsStoredTwice) {
  test_support::TempDirectory directory("aliquot-crash");
  const std::string database = directory.file("lab.db");
  const core::SystemClock clock;
  TestLab lab(database, clock);
  const std::vector<std::string> accessions = lab.received_orders(120, {"CMP", "LIPID"}, "K");
  const ingest::InstrumentProfile profile = shipped_profile("aliquot-sim-chem.toml", lab.catalog());
  std::vector<simulate::RackSpecimen> rack;
  {
    std::unique_ptr<store::Transaction> tx = must(lab.store().begin(store::TransactionMode::kRead));
    rack = must(simulate::rack_from_store(*tx, profile, clock));
  }
  ASSERT_EQ(rack.size(), accessions.size());
  lab.close();  // the server owns the database from here on

  const std::string instruments = source_directory() + "/interfaces/instruments";
  auto serve = [&](const std::string& astm_listen, const std::string& log) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"--db", database, "serve", "--astm", astm_listen, "--mllp",
                                 "127.0.0.1:0", "--instruments", instruments},
        directory.file(log));
  };
  std::unique_ptr<ChildProcess> server = serve("127.0.0.1:0", "serve-1.err");
  const std::optional<std::uint16_t> port = server->listening_port("astm");
  ASSERT_TRUE(port.has_value()) << "aliquot serve printed no astm port:\n" << server->output();
  ASSERT_TRUE(server->listening_port("mllp").has_value()) << server->output();

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<simulate::DeliveredMessage> delivered;
  simulate::AnalyzerOptions options;
  options.port = *port;
  options.connections = 6;
  options.lane.qc_every = 10;
  options.give_up_after = 20s;  // the restart takes well under a second
  options.answer_timeout = 10s;
  std::string events;  // what the analyzers logged, shown when a check fails
  options.on_event = [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    events += text + "\n";
  };
  options.on_delivered = [&](const simulate::DeliveredMessage& message) {
    std::lock_guard<std::mutex> lock(mutex);
    delivered.push_back(message);
    changed.notify_all();
  };
  // The server is killed at the moment the 40th result message is handed to a link (a third of
  // the rack, the stream in full flow): that message, and whatever the other links have on the
  // way or committed without acknowledgement, must be sent again.
  ChildProcess* running = server.get();
  bool killed = false;
  int result_messages_sent = 0;
  std::size_t delivered_at_kill = 0;
  std::string sent_at_kill;
  options.on_sent = [&](const simulate::SentMessage& sent) {
    std::lock_guard<std::mutex> lock(mutex);
    if (killed || sent.kind != simulate::MessageKind::kResults) return;
    if (++result_messages_sent < 40) return;
    running->signal(SIGKILL);
    killed = true;
    delivered_at_kill = delivered.size();
    sent_at_kill = sent.specimen_id;
    changed.notify_all();
  };
  std::optional<Result<simulate::AnalyzerReport>> outcome;
  std::thread analyzers(
      [&] { outcome = simulate::run_analyzer(lab.catalog(), profile, clock, rack, options); });
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 20s, [&] { return killed; }))
        << "the analyzers sent only " << result_messages_sent << " result messages";
  }
  EXPECT_EQ(server->wait(), 128 + SIGKILL);
  server = serve("127.0.0.1:" + std::to_string(*port), "serve-2.err");
  ASSERT_EQ(server->listening_port("astm"), port) << server->output();

  analyzers.join();
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait(), 0) << "aliquot serve did not stop cleanly on SIGTERM";
  ASSERT_TRUE(outcome.has_value());
  const simulate::AnalyzerReport report = must(std::move(*outcome));

  EXPECT_GE(report.connections_lost, 6u) << events;  // every link saw the server die
  EXPECT_EQ(report.totals.messages_failed, 0u) << events;
  EXPECT_EQ(report.totals.specimens_not_run, 0u) << events;
  EXPECT_EQ(report.totals.results_delivered, accessions.size() * 18u);  // CMP 14 + lipids 4
  EXPECT_GT(delivered.size(), delivered_at_kill);
  // The message in flight at the kill was acknowledged only when sent again.
  EXPECT_GE(report.totals.results_resent, 18u);
  const auto at_kill = std::find_if(delivered.begin(), delivered.end(), [&](const auto& message) {
    return message.specimen_id == sent_at_kill;
  });
  ASSERT_NE(at_kill, delivered.end());
  EXPECT_GE(at_kill->attempts, 2);

  lab.reopen();
  EXPECT_EQ(check_stored_exactly_once(lab.store(), lab.catalog(), profile, delivered, accessions),
            std::vector<std::string>{})
      << events;
  lab.close();

  ChildProcess verify({"--db", database, "audit", "verify"}, directory.file("verify.err"));
  EXPECT_EQ(verify.wait(), 0) << verify.output();
}

}  // namespace
}  // namespace aliquot::interfaces_test
