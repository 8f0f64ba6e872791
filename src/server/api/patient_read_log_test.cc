#include "server/api/patient_read_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/time.h"
#include "server/api/api_test_fixture.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using std::chrono::minutes;
using std::chrono::seconds;

class PatientReadLogTest : public ApiTest {
 protected:
  static PatientDataRead read_at(core::Instant at, std::string username = "tech",
                                 std::string mrn = "MRN-1", std::string what = "worklist CHEM",
                                 std::string peer = "10.0.0.5:50100") {
    return PatientDataRead{.at = at,
                           .username = std::move(username),
                           .mrn = std::move(mrn),
                           .what = std::move(what),
                           .peer = std::move(peer)};
  }

  std::vector<PatientDataRead> logged() {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
    return must(tx->patient_data_reads("", "", 1000));
  }

  const core::Instant t0_ = *core::parse_instant("2026-11-22T09:00:00Z");
};

TEST_F(PatientReadLogTest, LogsARepeatedReadOnceAMinute) {
  PatientReadLog log(*store_, std::chrono::milliseconds(200), minutes(1));
  log.record(read_at(t0_));
  log.record(read_at(t0_ + seconds(3)));
  log.record(read_at(t0_ + seconds(59)));
  log.record(read_at(t0_ + seconds(60)));  // a minute after the logged read: logged again
  log.record(read_at(t0_ + seconds(61)));
  must(log.flush());

  const std::vector<PatientDataRead> reads = logged();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].at, t0_ + seconds(60));  // newest first
  EXPECT_EQ(reads[1].at, t0_);
  EXPECT_EQ(log.coalesced(), 3u);
  EXPECT_EQ(log.written(), 2u);
}

TEST_F(PatientReadLogTest, KeepsReadsThatDifferInPersonPatientViewOrAddress) {
  PatientReadLog log(*store_, std::chrono::milliseconds(200), minutes(1));
  log.record(read_at(t0_));
  log.record(read_at(t0_, "other-tech"));
  log.record(read_at(t0_, "tech", "MRN-2"));
  log.record(read_at(t0_, "tech", "MRN-1", "patient"));
  log.record(read_at(t0_, "tech", "MRN-1", "worklist CHEM", "10.0.0.6:50100"));
  // Another connection of the same browser: the same address on another port.
  log.record(read_at(t0_ + seconds(1), "tech", "MRN-1", "worklist CHEM", "10.0.0.5:50101"));
  must(log.flush());

  EXPECT_EQ(logged().size(), 5u);
  EXPECT_EQ(log.coalesced(), 1u);
}

TEST_F(PatientReadLogTest, CoalescesAcrossFlushesAndForgetsWhatIsOutOfTheWindow) {
  PatientReadLog log(*store_, std::chrono::milliseconds(200), minutes(1));
  log.record(read_at(t0_));
  must(log.flush());
  log.record(read_at(t0_ + seconds(30)));  // still within the minute of the logged read
  must(log.flush());
  EXPECT_EQ(logged().size(), 1u);

  // Another patient read two minutes later: the first key is forgotten at this flush, and a read
  // of MRN-1 after it is logged again.
  log.record(read_at(t0_ + minutes(2), "tech", "MRN-2"));
  must(log.flush());
  log.record(read_at(t0_ + minutes(2) + seconds(1)));
  must(log.flush());
  EXPECT_EQ(logged().size(), 3u);
}

TEST_F(PatientReadLogTest, LogsEveryReadWithoutAWindow) {
  PatientReadLog log(*store_, std::chrono::milliseconds(200), std::chrono::milliseconds(0));
  log.record(read_at(t0_));
  log.record(read_at(t0_));
  log.record(read_at(t0_ + seconds(1)));
  must(log.flush());
  EXPECT_EQ(logged().size(), 3u);
  EXPECT_EQ(log.coalesced(), 0u);
}

}  // namespace
}  // namespace aliquot::server::api
