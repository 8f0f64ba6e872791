// Autoverification through the use cases: post_results releases what passes and stores the
// reasons of what is held; enter_result stores reasons but never releases; release_result
// refuses a suppressed value.

#include "lab/verification.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"
#include "lab/outbound.h"
#include "lab/quality_control.h"
#include "rules/duration.h"

namespace aliquot::lab {
namespace {

rules::RuleSet test_rules() {
  rules::AnalyteRules potassium;
  potassium.test_code = "K";
  potassium.absurd = {0.5, 15.0};
  potassium.measuring_range = {1.5, 10.0};
  potassium.deltas.push_back(
      {rules::DeltaMode::kAbsolute, 1.0, 7 * 86400, rules::DeltaScope::kResult, "", 0});
  potassium.indices.hemolysis = {50.0, 200.0};
  rules::AnalyteRules sodium;
  sodium.test_code = "NA";
  sodium.deltas.push_back({rules::DeltaMode::kAbsolute, 8.0, 7 * 86400,
                           rules::DeltaScope::kSpecimen, "possible mix-up", 0});
  return rules::RuleSetBuilder()
      .name("lab rules")
      .version("r1")
      .analyte(potassium)
      .analyte(sodium)
      .discipline({"chemistry", true, true, 0})
      .informational_flag("N")
      .build();
}

class VerificationTest : public LabTest {
 protected:
  Context with_rules(const std::string& user) const {
    Context context = as(user);
    context.rules = &rules_;
    return context;
  }
  Result<PostedResults> post(const std::string& accession_number, std::vector<PostedValue> values,
                             rules::SerumIndices indices = {}) {
    PostResults command;
    command.accession_number = accession_number;
    command.values = std::move(values);
    command.source = "cobas-1";
    command.indices = indices;
    return write(
        [&](store::Transaction& tx) { return post_results(tx, with_rules("analyzer"), command); });
  }
  std::vector<core::HoldReason> holds(const std::string& accession_number,
                                      const std::string& code) {
    const std::int64_t id = result_of(accession_number, code).id;
    return must(read([&](store::Transaction& tx) { return tx.holds_for_result(id); }));
  }
  // A released potassium of `value` on an earlier specimen of MRN-1.
  core::Instant result_collected(const std::string& accession_number) {
    return must(read([&](store::Transaction& tx) {
             return tx.find_specimen_by_accession(accession_number);
           }))
        ->collected_at;
  }
  void earlier_potassium(const std::string& value) {
    const core::Specimen serum = received_order("MRN-1", {"K"})[0];
    earlier_collected_ = serum.collected_at;
    must(post(serum.accession_number, {{"K", value, "", "R1", {}}}));
    ASSERT_TRUE(core::is_released(result_of(serum.accession_number, "K").status));
    clock_.advance(std::chrono::hours(24));
  }

  rules::RuleSet rules_ = test_rules();
  core::Instant earlier_collected_{};
};

TEST_F(VerificationTest, AValuePassingEveryRuleIsReleasedByAutoverification) {
  must(write([&](store::Transaction& tx) {
    return set_outbound_setting(tx, as("admin"), {std::string(kOutboundResultsDestination), "ehr"});
  }));
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const std::size_t before = audit_size();
  const PostedResults posted =
      must(post(serum.accession_number, {{"K", "4.2", "", "R1", {}}, {"NA", "140", "", "R2", {}}}));
  EXPECT_EQ(posted.recorded, 2);
  EXPECT_EQ(posted.autoverified, 2);
  const core::TestResult potassium = result_of(serum.accession_number, "K");
  EXPECT_EQ(potassium.status, core::ResultStatus::kFinal);
  EXPECT_EQ(potassium.released_by, "autoverification");
  EXPECT_EQ(potassium.released_at, clock_.now());
  EXPECT_EQ(potassium.entered_by, "analyzer");
  EXPECT_TRUE(holds(serum.accession_number, "K").empty());

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 2u);  // one entry per result: entered and released in one step
  EXPECT_EQ(entries[0].action, "result.autoverify");
  EXPECT_EQ(entries[0].reason, "reported by cobas-1; autoverified by rules 'lab rules' version r1");
  const std::vector<store::OutboxMessage> outbox =
      must(read([&](store::Transaction& tx) { return tx.list_outbox_messages(std::nullopt, 10); }));
  EXPECT_EQ(outbox.size(), 2u);  // each released result is reported
}

TEST_F(VerificationTest, AHeldValueStaysPreliminaryWithItsReasonsStoredAndAudited) {
  earlier_potassium("4.0");
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const std::size_t before = audit_size();
  const PostedResults posted = must(
      post(serum.accession_number, {{"K", "5.3", "", "R1", {"W"}}, {"NA", "140", "", "R2", {}}}));
  EXPECT_EQ(posted.autoverified, 1);  // sodium
  const core::TestResult potassium = result_of(serum.accession_number, "K");
  EXPECT_EQ(potassium.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(potassium.released_by, "");

  const std::vector<core::HoldReason> reasons = holds(serum.accession_number, "K");
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].category, "instrument-flag");
  EXPECT_EQ(reasons[0].observed, "W");
  EXPECT_EQ(reasons[1].category, "delta-check");
  // The earlier specimen was collected a day and the fixture's steps earlier.
  const std::string apart =
      rules::duration_text(std::chrono::duration_cast<std::chrono::seconds>(
                               result_collected(serum.accession_number) - earlier_collected_)
                               .count());
  EXPECT_EQ(reasons[1].observed,
            "5.3 mmol/L, previous 4.0 mmol/L " + apart + " earlier: +1.30 mmol/L");
  EXPECT_FALSE(reasons[1].suppresses);

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "result.enter");
  EXPECT_EQ(entries[0].reason,
            "reported by cobas-1; held: the instrument flagged K with 'W'; K changed by +1.30 "
            "mmol/L since the result of " +
                apart + " earlier (limit change at most 1 mmol/L within 7d)");

  // A technologist who reviewed it releases it; the reasons stay with the result.
  release(serum.accession_number, "K", "mls");
  EXPECT_EQ(holds(serum.accession_number, "K").size(), 2u);
}

TEST_F(VerificationTest, OnlyAReleasedEarlierResultOfTheSamePatientIsCompared) {
  // Another patient's potassium is not this patient's history.
  const core::Specimen other = received_order("MRN-2", {"K"})[0];
  must(post(other.accession_number, {{"K", "2.9", "", "R1", {}}}));
  clock_.advance(std::chrono::hours(1));
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  must(post(serum.accession_number, {{"K", "4.5", "", "R1", {}}}));
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
}

TEST_F(VerificationTest, AMixUpSuspicionHoldsEveryValueOfTheSpecimen) {
  const core::Specimen first = received_order("MRN-1", {"NA"})[0];
  must(post(first.accession_number, {{"NA", "140", "", "R1", {}}}));
  clock_.advance(std::chrono::hours(24));
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const PostedResults posted =
      must(post(serum.accession_number, {{"K", "4.2", "", "R1", {}}, {"NA", "149", "", "R2", {}}}));
  EXPECT_EQ(posted.autoverified, 0);
  const std::vector<core::HoldReason> reasons = holds(serum.accession_number, "K");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "specimen-held");
  EXPECT_EQ(reasons[0].action, "investigate-mix-up");
}

TEST_F(VerificationTest, AValueBelowTheMeasuringRangeIsStoredAsLessThanTheLimit) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const std::size_t before = audit_size();
  must(post(serum.accession_number, {{"K", "1.2", "", "R1", {}}}));
  const core::TestResult potassium = result_of(serum.accession_number, "K");
  ASSERT_TRUE(potassium.value.has_value());
  EXPECT_EQ(core::format_reported(*potassium.value), "<1.5");
  EXPECT_EQ(potassium.flag, core::AbnormalFlag::kCriticalLow);    // "<1.5" is judged by 1.5
  EXPECT_EQ(potassium.status, core::ResultStatus::kPreliminary);  // critical: a call first
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].reason.find("measured 1.2, reported as <1.5 (below the measuring range)"),
            std::string::npos);
}

TEST_F(VerificationTest, ASuppressedValueCannotBeReleased) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  must(post(serum.accession_number, {{"K", "5.0", "", "R1", {}}, {"NA", "140", "", "R2", {}}},
            rules::SerumIndices{250.0, std::nullopt, std::nullopt}));
  const std::vector<core::HoldReason> reasons = holds(serum.accession_number, "K");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_TRUE(reasons[0].suppresses);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kFinal);

  ReleaseResult command{serum.accession_number, "K"};
  const Result<core::TestResult> refused =
      write([&](store::Transaction& tx) { return release_result(tx, as("mls"), command); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "result K on " + serum.accession_number +
                " cannot be released: K is not reportable: hemolysis index 250 is above 200; "
                "recollect the specimen");
}

TEST_F(VerificationTest, ANewValueReplacesTheHoldsOfTheLastOne) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  must(post(serum.accession_number, {{"K", "12.0", "", "R1", {}}}));
  const std::vector<core::HoldReason> first = holds(serum.accession_number, "K");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].category, "measuring-range");
  EXPECT_EQ(first[1].category, "critical-value");
  must(post(serum.accession_number, {{"K", "4.4", "", "R1", {}}}));  // rerun after dilution
  EXPECT_TRUE(holds(serum.accession_number, "K").empty());
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
}

TEST_F(VerificationTest, AValueEnteredByAPersonIsJudgedButNeverReleasedByTheRules) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  EnterResult command{serum.accession_number, "K", "20", ""};
  must(
      write([&](store::Transaction& tx) { return enter_result(tx, with_rules("tech"), command); }));
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> reasons = holds(serum.accession_number, "K");
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0].category, "absurd-value");

  command.value = "4.1";
  must(
      write([&](store::Transaction& tx) { return enter_result(tx, with_rules("tech"), command); }));
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
  EXPECT_TRUE(holds(serum.accession_number, "K").empty());
}

TEST_F(VerificationTest, WithoutRulesNothingIsReleasedAutomatically) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  PostResults command;
  command.accession_number = serum.accession_number;
  command.values = {{"K", "4.2", "", "R1", {}}};
  const PostedResults posted = must(
      write([&](store::Transaction& tx) { return post_results(tx, as("analyzer"), command); }));
  EXPECT_EQ(posted.autoverified, 0);
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
}

// The gate asks the store: an analyte with a QC target whose last run was rejected is held on
// that instrument, under the default QC policy; an analyte without targets is not monitored.
TEST_F(VerificationTest, QualityControlHoldsTheValuesOfARejectedAnalyte) {
  must(write([&](store::Transaction& tx) {
    return add_qc_material(tx, as("mls"), {"Lyphochek", "Bio-Rad", "L1", "1", date("2027-12-31")});
  }));
  SetQcTarget target;
  target.material = {"L1", "1", ""};
  target.instrument = "cobas-1";
  target.test_code = "K";
  target.mean = 4.0;
  target.sd = 0.1;
  must(write([&](store::Transaction& tx) { return set_qc_target(tx, as("mls"), target); }));
  RecordQcRun run;
  run.instrument = "cobas-1";
  run.test_code = "K";
  run.values = {{{"L1", "1", ""}, "4.5", "level 1"}};  // +5 SD: 1-3s
  const RecordedQcRun rejected =
      must(write([&](store::Transaction& tx) { return record_qc_run(tx, as("tech"), run); }));
  ASSERT_EQ(rejected.run.status, core::QcRunStatus::kReject);

  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  PostResults command;
  command.accession_number = serum.accession_number;
  command.values = {{"K", "4.2", "", "R1", {}}, {"NA", "140", "", "R2", {}}};
  command.source = "cobas-1";
  command.instrument = "cobas-1";
  const PostedResults posted = must(write(
      [&](store::Transaction& tx) { return post_results(tx, with_rules("analyzer"), command); }));
  EXPECT_EQ(posted.autoverified, 1);  // sodium
  const std::vector<core::HoldReason> reasons = holds(serum.accession_number, "K");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "quality-control");
  EXPECT_EQ(reasons[0].observed,
            "QC rejected at " + core::format_instant(rejected.run.measured_at) + " (1-3s level 1)");
}

class ReflexThroughTheLabTest : public VerificationTest {
 protected:
  ReflexThroughTheLabTest() {
    rules::ReflexRule rule;
    rule.test_code = "K";
    rule.outside_reference = true;
    rule.add = {"GLU"};
    rule.reason = "potassium outside its interval: glucose";
    rules_ = rules::RuleSetBuilder()
                 .analyte(test_rules().analytes().front())
                 .discipline({"chemistry", true, true, 0})
                 .reflex(rule)
                 .build();
  }
};

TEST_F(ReflexThroughTheLabTest, AddsTheTestOnTheSameTubeAudited) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const std::size_t before = audit_size();
  const PostedResults posted = must(post(serum.accession_number, {{"K", "5.6", "", "R1", {}}}));
  ASSERT_EQ(posted.reflexed.size(), 1u);
  EXPECT_EQ(posted.reflexed[0].test_code, "GLU");
  EXPECT_EQ(posted.reflexed[0].specimen_id, serum.id);
  EXPECT_EQ(posted.reflexed[0].status, core::ResultStatus::kPending);
  EXPECT_EQ(result_of(serum.accession_number, "GLU").status, core::ResultStatus::kPending);

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].action, "result.order");
  EXPECT_EQ(entries[1].entity_key, serum.accession_number + "/GLU");
  EXPECT_EQ(entries[1].reason, "reflex: potassium outside its interval: glucose (K 5.6 on " +
                                   serum.accession_number + ")");

  // The message delivered again adds nothing more.
  EXPECT_TRUE(must(post(serum.accession_number, {{"K", "5.6", "", "R1", {}}})).reflexed.empty());
  EXPECT_EQ(results_of_order(must(read([&](store::Transaction& tx) {
                               return tx.find_order(serum.order_id);
                             }))->order_number)
                .size(),
            2u);
}

TEST_F(ReflexThroughTheLabTest, ANormalValueAddsNothing) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const PostedResults posted = must(post(serum.accession_number, {{"K", "4.2", "", "R1", {}}}));
  EXPECT_TRUE(posted.reflexed.empty());
}

}  // namespace
}  // namespace aliquot::lab
