#include "simulate/analyzer_lane.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "astm/record.h"
#include "catalog/catalog.h"
#include "simulate/default_catalog_for_tests.h"

namespace aliquot::simulate {
namespace {

ingest::InstrumentProfile chemistry_analyzer() {
  ingest::InstrumentProfile profile;
  profile.id = "chem";
  profile.name = "Chemistry analyzer";
  profile.sender = "CHEM-1";
  profile.codes["NA"] = {"NA", ""};
  profile.codes["K"] = {"K", ""};
  return profile;
}

std::vector<RackSpecimen> rack(const std::vector<std::string>& accessions) {
  std::vector<RackSpecimen> specimens;
  std::uint64_t key = 0;
  for (const std::string& accession : accessions) {
    RackSpecimen specimen;
    specimen.accession_number = accession;
    specimen.patient.key = ++key;
    specimen.patient.age_days = 40 * 365;
    specimen.sample = key;
    specimens.push_back(specimen);
  }
  return specimens;
}

// The host's answer ordering `tests` (O-5 repeats) on `specimen`, as ingest::AstmIngest writes it.
std::vector<std::string> answer(const std::string& specimen, const std::string& tests) {
  return {"H|\\^&|||aliquot|||||||P|1", "P|1||MRN-1||Doe^Jane",
          "O|1|" + specimen + "||" + tests + "|R||||||||||||||||||||Q", "L|1|N"};
}

std::vector<std::string> nothing_ordered() { return {"H|\\^&|||aliquot|||||||P|1", "L|1|I"}; }

// The specimen a query asks about.
std::string queried_specimen(const LaneMessage& message) {
  EXPECT_EQ(message.kind, MessageKind::kQuery);
  if (message.records.size() < 2) return "";
  return std::string(astm::Record(message.records[1], astm::Delimiters{}).component(3, 1, 2));
}

class LaneTest : public ::testing::Test {
 protected:
  LaneTest() : model_(default_catalog(), 3) {}

  Lane lane(std::vector<std::string> accessions, LaneOptions options = {}) {
    return Lane(default_catalog(), profile_, model_, clock_, options, rack(accessions));
  }

  // Queries, answers with NA and K, and returns the result message and the next query sent.
  std::vector<LaneMessage> run_query(Lane& lane, const std::string& specimen) {
    std::vector<LaneMessage> sent = lane.take_sendable();
    EXPECT_EQ(sent.size(), 1u);
    if (sent.empty()) return {};
    EXPECT_EQ(queried_specimen(sent.back()), specimen);
    EXPECT_TRUE(lane.on_delivered(sent.back().key).has_value());
    EXPECT_TRUE(lane.on_answer(answer(specimen, "^^^NA\\^^^K")).has_value());
    return lane.take_sendable();
  }

  ingest::InstrumentProfile profile_ = chemistry_analyzer();
  ValueModel model_;
  core::ManualClock clock_{core::from_unix_millis(1'773'130'200'000)};
};

TEST_F(LaneTest, AsksTheHostAboutTheFirstSpecimenAndWaits) {
  Lane first = lane({"S1", "S2"});
  const std::vector<LaneMessage> sent = first.take_sendable();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(queried_specimen(sent[0]), "S1");
  EXPECT_EQ(sent[0].attempts, 1);
  // Nothing more while the query is on its way or its answer is awaited.
  EXPECT_TRUE(first.take_sendable().empty());
  ASSERT_TRUE(first.on_delivered(sent[0].key).has_value());
  EXPECT_TRUE(first.awaiting_answer());
  EXPECT_TRUE(first.take_sendable().empty());
}

TEST_F(LaneTest, SendsTheResultsOfTheAnswerThenAsksAboutTheNextSpecimen) {
  Lane one = lane({"S1", "S2"});
  const std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, MessageKind::kResults);
  EXPECT_EQ(sent[0].specimen_id, "S1");
  ASSERT_EQ(sent[0].measurements.size(), 2u);
  EXPECT_EQ(sent[0].measurements[0].test_code, "NA");
  EXPECT_EQ(sent[0].measurements[1].test_code, "K");
  EXPECT_EQ(sent[0].records.front().substr(0, 2), "H|");
  EXPECT_EQ(sent[0].records.back(), "L|1|N");
  EXPECT_EQ(queried_specimen(sent[1]), "S2");
}

TEST_F(LaneTest, CountsResultsOnlyWhenTheirMessageIsAcknowledged) {
  Lane one = lane({"S1"});
  const std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(one.counters().results_delivered, 0u);
  EXPECT_FALSE(one.finished());
  const std::optional<LaneMessage> delivered = one.on_delivered(sent[0].key);
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->specimen_id, "S1");
  EXPECT_EQ(one.counters().results_delivered, 2u);
  EXPECT_EQ(one.counters().result_messages_delivered, 1u);
  EXPECT_TRUE(one.finished());
  // A second outcome for the same message changes nothing.
  EXPECT_FALSE(one.on_delivered(sent[0].key).has_value());
  EXPECT_EQ(one.counters().results_delivered, 2u);
}

TEST_F(LaneTest, SendsAgainUnchangedWhatTheLostConnectionDidNotDeliver) {
  Lane one = lane({"S1", "S2"});
  const std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 2u);
  clock_.advance(std::chrono::minutes(5));
  one.on_connection_lost();
  const std::vector<LaneMessage> again = one.take_sendable();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].key, sent[0].key);
  // Byte for byte: the host recognizes a message it committed before the loss.
  EXPECT_EQ(again[0].records, sent[0].records);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(queried_specimen(again[1]), "S2");
  ASSERT_TRUE(one.on_delivered(again[0].key).has_value());
  EXPECT_EQ(one.counters().messages_resent, 1u);
  EXPECT_EQ(one.counters().results_resent, 2u);
}

TEST_F(LaneTest, AsksAgainWhenTheAnswerWasLostWithTheConnection) {
  Lane one = lane({"S1", "S2"});
  const std::vector<LaneMessage> sent = one.take_sendable();
  ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
  one.on_connection_lost();
  EXPECT_FALSE(one.awaiting_answer());
  const std::vector<LaneMessage> again = one.take_sendable();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(queried_specimen(again[0]), "S1");
}

TEST_F(LaneTest, AsksAgainWhenTheAnswerDoesNotCome) {
  Lane one = lane({"S1"});
  const std::vector<LaneMessage> sent = one.take_sendable();
  ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
  one.on_answer_lost();
  const std::vector<LaneMessage> again = one.take_sendable();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(queried_specimen(again[0]), "S1");
}

TEST_F(LaneTest, StopsAskingAboutASpecimenWhoseAnswerNeverComes) {
  LaneOptions options;
  options.max_attempts = 2;
  Lane one = lane({"S1", "S2"}, options);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::vector<LaneMessage> sent = one.take_sendable();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(queried_specimen(sent[0]), "S1");
    ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
    one.on_answer_lost();
  }
  const std::vector<LaneMessage> next = one.take_sendable();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(queried_specimen(next[0]), "S2");
  EXPECT_EQ(one.counters().specimens_not_run, 1u);
}

TEST_F(LaneTest, IgnoresAnAnswerAboutAnotherSpecimen) {
  Lane one = lane({"S1"});
  const std::vector<LaneMessage> sent = one.take_sendable();
  ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
  ASSERT_TRUE(one.on_answer(answer("S9", "^^^NA")).has_value());
  EXPECT_EQ(one.counters().answers_ignored, 1u);
  EXPECT_TRUE(one.awaiting_answer());
  EXPECT_TRUE(one.take_sendable().empty());
}

TEST_F(LaneTest, ASpecimenWithNothingOrderedGetsNoResults) {
  Lane one = lane({"S1", "S2"});
  const std::vector<LaneMessage> sent = one.take_sendable();
  ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
  ASSERT_TRUE(one.on_answer(nothing_ordered()).has_value());
  const std::vector<LaneMessage> next = one.take_sendable();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(queried_specimen(next[0]), "S2");
  EXPECT_EQ(one.counters().specimens_without_orders, 1u);
}

TEST_F(LaneTest, RunsQualityControlAfterEveryNResultMessages) {
  LaneOptions options;
  options.qc_every = 2;
  Lane one = lane({"S1", "S2", "S3"}, options);
  std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 2u);  // results S1, query S2
  EXPECT_TRUE(one.on_delivered(sent[0].key).has_value());
  ASSERT_TRUE(one.on_delivered(sent[1].key).has_value());
  ASSERT_TRUE(one.on_answer(answer("S2", "^^^NA\\^^^K")).has_value());
  sent = one.take_sendable();
  ASSERT_EQ(sent.size(), 3u);  // results S2, quality control, query S3
  EXPECT_EQ(sent[0].kind, MessageKind::kResults);
  EXPECT_EQ(sent[1].kind, MessageKind::kQualityControl);
  const astm::Record order(sent[1].records[2], astm::Delimiters{});
  EXPECT_EQ(order.field(12), "Q");
  EXPECT_EQ(sent[1].measurements.size(), profile_.codes.size());
  EXPECT_EQ(queried_specimen(sent[2]), "S3");
  ASSERT_TRUE(one.on_delivered(sent[1].key).has_value());
  EXPECT_EQ(one.counters().qc_messages_delivered, 1u);
  EXPECT_EQ(one.counters().results_delivered, 2u);  // control values are not results
}

TEST_F(LaneTest, GivesAMessageUpAfterTheLastAttempt) {
  LaneOptions options;
  options.max_attempts = 2;
  Lane one = lane({"S1"}, options);
  std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 1u);
  one.on_failed(sent[0].key);
  sent = one.take_sendable();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].attempts, 2);
  one.on_failed(sent[0].key);
  EXPECT_TRUE(one.take_sendable().empty());
  EXPECT_EQ(one.counters().messages_failed, 1u);
  EXPECT_EQ(one.counters().results_failed, 2u);
  EXPECT_EQ(one.counters().results_delivered, 0u);
  EXPECT_TRUE(one.finished());
}

TEST_F(LaneTest, AbandoningCountsWhatWasNotRun) {
  Lane one = lane({"S1", "S2", "S3"});
  const std::vector<LaneMessage> sent = run_query(one, "S1");
  ASSERT_EQ(sent.size(), 2u);
  one.on_connection_lost();
  one.abandon();
  EXPECT_TRUE(one.finished());
  EXPECT_EQ(one.counters().results_failed, 2u);
  EXPECT_EQ(one.counters().specimens_not_run, 2u);  // S2 (its query) and S3
}

TEST_F(LaneTest, EachRoundAsksAboutEverySpecimenAgain) {
  LaneOptions options;
  options.rounds = 2;
  Lane one = lane({"S1"}, options);
  for (int round = 0; round < 2; ++round) {
    const std::vector<LaneMessage> sent = one.take_sendable();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(queried_specimen(sent[0]), "S1");
    ASSERT_TRUE(one.on_delivered(sent[0].key).has_value());
    ASSERT_TRUE(one.on_answer(nothing_ordered()).has_value());
  }
  EXPECT_TRUE(one.take_sendable().empty());
  EXPECT_TRUE(one.finished());
  EXPECT_EQ(one.counters().queries_answered, 2u);
}

TEST_F(LaneTest, AnEmptyRackIsFinishedAtOnce) {
  LaneOptions options;
  options.rounds = 3;
  Lane empty = lane({}, options);
  EXPECT_TRUE(empty.take_sendable().empty());
  EXPECT_TRUE(empty.finished());
}

}  // namespace
}  // namespace aliquot::simulate
