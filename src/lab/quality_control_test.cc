// Quality control through the use cases: control materials and targets, QC runs judged by the
// Westgard rules of the lab's policy, and the gate that holds patient results when QC fails —
// from the instrument's post through the rejection, the corrective action and the rerun to the
// release.

#include "lab/quality_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "lab/instrument_tasks.h"
#include "lab/lab_test_fixture.h"
#include "lab/lab_time_zone.h"
#include "lab/outbound.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"

namespace aliquot::lab {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr const char* kInstrument = "c311";

// 1-2s is configured so that warnings can be seen; potassium's held results may be released
// by a technologist once QC passes again, glucose's must be measured again.
const char* const kQcPolicyText = R"toml(
[qc_policy]
name = "test QC policy"
version = "q1"
rules = "1-2s,1-3s,2-2s,R-4s,4-1s,10-x"
interval = "24h"
after_rejection = "rerun"
establish_minimum = 20

[[analyte]]
code = "K"
after_rejection = "release"
)toml";

// Chemistry autoverifies: a value that nothing holds is released by autoverification.
rules::RuleSet qc_chemistry_rules() {
  return rules::RuleSetBuilder()
      .name("lab rules")
      .version("r1")
      .discipline({"chemistry", true, true, 0})
      .informational_flag("N")
      .build();
}

class QcTest : public LabTest {
 protected:
  QcTest() {
    // Expiry dates are days of the lab's calendar: the tests read them in UTC.
    must(write([&](store::Transaction& tx) {
      return set_outbound_setting(tx, as("admin"), {std::string(kLabTimeZone), "UTC"});
    }));
    must(add_material("L1", "1"));
    must(add_material("L1", "2"));
    // Glucose (mg/dL) and potassium (mmol/L) controls at two levels, as on a package insert.
    must(set_target("L1", "1", "GLU", 100, 2));
    must(set_target("L1", "2", "GLU", 300, 5));
    must(set_target("L1", "1", "K", 4.0, 0.1));
    must(set_target("L1", "2", "K", 6.0, 0.2));
  }

  Context qc_context(const std::string& user) const {
    Context context = as(user);
    context.rules = &rules_;
    context.qc_policy = &policy_;
    return context;
  }

  Result<core::QcMaterial> add_material(const std::string& lot, const std::string& level,
                                        core::Date expires_on = date("2027-12-31"),
                                        const std::string& user = "mls") {
    AddQcMaterial command{"Lyphochek Assayed Chemistry", "Bio-Rad", lot, level, expires_on};
    return write(
        [&](store::Transaction& tx) { return add_qc_material(tx, qc_context(user), command); });
  }

  Result<core::QcTarget> set_target(const std::string& lot, const std::string& level,
                                    const std::string& code, double mean, double sd,
                                    const std::string& user = "mls") {
    SetQcTarget command;
    command.material = {lot, level, ""};
    command.instrument = kInstrument;
    command.test_code = code;
    command.mean = mean;
    command.sd = sd;
    return write(
        [&](store::Transaction& tx) { return set_qc_target(tx, qc_context(user), command); });
  }

  Result<RecordedQcRun> record(const std::string& code, std::vector<QcValueInput> values,
                               const std::string& user = "tech",
                               std::optional<core::Instant> measured_at = std::nullopt) {
    RecordQcRun command;
    command.instrument = kInstrument;
    command.test_code = code;
    command.values = std::move(values);
    command.measured_at = measured_at;
    return write(
        [&](store::Transaction& tx) { return record_qc_run(tx, qc_context(user), command); });
  }

  // A run of lot L1 at levels 1 and 2, measured now.
  RecordedQcRun run(const std::string& code, const std::string& level_1,
                    const std::string& level_2) {
    return must(record(
        code, {{{"L1", "1", ""}, level_1, "level 1"}, {{"L1", "2", ""}, level_2, "level 2"}}));
  }
  // A run of lot L1 at level 1 only.
  RecordedQcRun run(const std::string& code, const std::string& level_1) {
    return must(record(code, {{{"L1", "1", ""}, level_1, "level 1"}}));
  }

  Result<core::QcRun> correct(std::int64_t run_id, const std::string& action,
                              const std::string& user = "tech") {
    return write([&](store::Transaction& tx) {
      return document_corrective_action(tx, qc_context(user), {run_id, action});
    });
  }

  Result<ReleasedQcHeld> release_held(std::int64_t run_id, const std::string& user = "mls") {
    return write([&](store::Transaction& tx) {
      return release_qc_held_results(tx, qc_context(user), {run_id});
    });
  }

  enum class Autoverify { kYes, kNo };

  // The instrument reports one value, measured now unless `measured_at` says otherwise; with
  // Autoverify::kNo the lab has no autoverification rules and the value waits for a person.
  Result<PostedResults> post(const std::string& accession_number, const std::string& code,
                             const std::string& value, std::vector<std::string> flags = {},
                             std::optional<core::Instant> measured_at = std::nullopt,
                             Autoverify autoverify = Autoverify::kYes) {
    PostResults command;
    command.accession_number = accession_number;
    command.values = {{code, value, "", "R1", std::move(flags)}};
    command.source = "cobas c311";
    command.instrument = kInstrument;
    command.measured_at = measured_at;
    Context context = qc_context("analyzer");
    if (autoverify == Autoverify::kNo) context.rules = nullptr;
    return write([&](store::Transaction& tx) { return post_results(tx, context, command); });
  }
  Result<PostedResults> post_without_rules(const std::string& accession_number,
                                           const std::string& code, const std::string& value) {
    return post(accession_number, code, value, {}, std::nullopt, Autoverify::kNo);
  }

  std::string specimen_for(const std::string& code) {
    return received_order("MRN-1", {code})[0].accession_number;
  }

  std::vector<core::HoldReason> holds(const std::string& accession_number,
                                      const std::string& code) {
    const std::int64_t id = result_of(accession_number, code).id;
    return must(read([&](store::Transaction& tx) { return tx.holds_for_result(id); }));
  }
  std::vector<core::QcHold> open_qc_holds(const std::string& accession_number,
                                          const std::string& code) {
    const std::int64_t id = result_of(accession_number, code).id;
    return must(read([&](store::Transaction& tx) { return tx.open_qc_holds_for_result(id); }));
  }
  std::vector<core::QcHold> holds_of_run(std::int64_t run_id) {
    return must(read([&](store::Transaction& tx) { return tx.qc_holds_for_run(run_id); }));
  }

  Result<core::TestResult> release_as(const std::string& accession_number, const std::string& code,
                                      const std::string& user = "mls") {
    ReleaseResult command{accession_number, code};
    return write(
        [&](store::Transaction& tx) { return release_result(tx, qc_context(user), command); });
  }

  QcFinding finding(const std::string& instrument, const std::string& code, core::Instant at) {
    return must(read([&](store::Transaction& tx) {
      return qc_finding(tx, qc_context("tech"), instrument, code, at);
    }));
  }

  std::vector<std::string> actions_since(std::size_t size) {
    std::vector<std::string> actions;
    for (const core::AuditEntry& entry : audit_since(size)) actions.push_back(entry.action);
    return actions;
  }

  rules::RuleSet rules_ = qc_chemistry_rules();
  qc::QcPolicy policy_ = must(qc::QcPolicy::parse(kQcPolicyText, "test-qc-policy.toml"));
};

// --- materials, targets and sample ids ---------------------------------------------------

TEST_F(QcTest, AddsAControlMaterialAudited) {
  const std::size_t before = audit_size();
  const core::QcMaterial material = must(add_material("26451", "3", date("2027-03-31")));
  EXPECT_GT(material.id, 0);
  EXPECT_EQ(material.created_by, "mls");
  EXPECT_EQ(material.expires_on, date("2027-03-31"));
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "qc.material.add");
  EXPECT_EQ(entries[0].entity_key, "26451/3");
}

TEST_F(QcTest, RefusesASecondMaterialOfTheSameLotAndLevel) {
  const Result<core::QcMaterial> again = add_material("L1", "2");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(),
            "control lot L1 level 2 already exists (Lyphochek Assayed Chemistry, expires "
            "2027-12-31)");
}

TEST_F(QcTest, RefusesAMaterialWithoutLotOrLevel) {
  const Result<core::QcMaterial> refused = add_material(" ", "");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "a control material needs a product, a lot and a level: lot, level missing");
}

TEST_F(QcTest, OnlyTechnologistsAndAboveManageMaterialsAndTargets) {
  const Result<core::QcMaterial> material = add_material("L7", "1", date("2027-12-31"), "tech");
  ASSERT_FALSE(material.has_value());
  EXPECT_EQ(material.error().code(), ErrorCode::kPermissionDenied);
  const Result<core::QcTarget> target = set_target("L1", "1", "GLU", 101, 2, "tech");
  ASSERT_FALSE(target.has_value());
  EXPECT_EQ(target.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(QcTest, RefusesATargetWithoutAPositiveSdOrForAnUnknownMaterialOrTest) {
  const Result<core::QcTarget> flat = set_target("L1", "1", "GLU", 100, 0);
  ASSERT_FALSE(flat.has_value());
  EXPECT_EQ(flat.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(flat.error().message(),
            "the target SD of control lot L1 level 1 for GLU on c311 must be a number greater "
            "than 0, not 0");
  const Result<core::QcTarget> unknown = set_target("L9", "1", "GLU", 100, 2);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "no control material lot L9 level 1");
  const Result<core::QcTarget> test = set_target("L1", "1", "XYZ", 100, 2);
  ASSERT_FALSE(test.has_value());
  EXPECT_EQ(test.error().code(), ErrorCode::kNotFound);
}

TEST_F(QcTest, ATargetIsAuditedWithTheOneItReplaces) {
  const std::size_t before = audit_size();
  const core::QcTarget target = must(set_target("L1", "1", "GLU", 101, 2.5));
  EXPECT_EQ(target.source, core::QcTargetSource::kPackageInsert);
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "qc.target.set");
  EXPECT_EQ(entries[0].entity_key, "c311/GLU");
  EXPECT_NE(entries[0].before.find("\"mean\":100"), std::string::npos) << entries[0].before;
  EXPECT_NE(entries[0].after.find("\"mean\":101"), std::string::npos) << entries[0].after;
}

TEST_F(QcTest, AnInstrumentReportsControlsUnderTheirSampleIds) {
  must(write([&](store::Transaction& tx) {
    return set_qc_sample_id(tx, qc_context("mls"), {kInstrument, "QC-2", "L1", "2"});
  }));
  const RecordedQcRun recorded =
      must(record("GLU", {{{"", "", "QC-2"}, "301", "R record 1"}}, "analyzer"));
  ASSERT_EQ(recorded.run.values.size(), 1u);
  EXPECT_EQ(recorded.run.values[0].level, "2");
  EXPECT_EQ(recorded.run.values[0].target_mean, 300);

  const Result<RecordedQcRun> unknown =
      record("GLU", {{{"", "", "QC-9"}, "301", "R record 1"}}, "analyzer");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(),
            "R record 1: no control material under sample id 'QC-9' on c311");
}

// --- recording and judging runs ------------------------------------------------------------

TEST_F(QcTest, EveryProblemOfARunIsNamedAndNothingIsRecorded) {
  must(add_material("L0", "1", date("2026-03-01")));  // expired before today
  must(set_target("L0", "1", "GLU", 100, 2));
  must(add_material("L2", "3"));  // no glucose target
  const Result<RecordedQcRun> refused = record("GLU", {{{"L0", "1", ""}, "100", "R1"},
                                                       {{"L1", "2", ""}, "nan", "R2"},
                                                       {{"L2", "3", ""}, "5", "R3"},
                                                       {{"L9", "9", ""}, "5", "R4"},
                                                       {{"L1", "2", ""}, "300", "R5"}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "R1: control lot L0 level 1 expired on 2026-03-01; the run was measured on "
            "2026-03-10\n"
            "R2: 'nan' is not a number\n"
            "R3: control lot L2 level 3 has no target for GLU on c311 in force at "
            "2026-03-10T08:05:00Z; set one first\n"
            "R4: no control material lot L9 level 9\n"
            "R5: level 2 is given twice in the run");
  const std::optional<core::QcRun> last = must(read([&](store::Transaction& tx) {
    return tx.last_qc_run(kInstrument, "GLU", clock_.now(), std::nullopt);
  }));
  EXPECT_FALSE(last.has_value());
}

TEST_F(QcTest, RefusesAValueThatIsNotANumber) {
  for (const char* text : {"NaN", "inf", "5.4 mg/dL", ""}) {
    const Result<RecordedQcRun> refused = record("GLU", {{{"L1", "1", ""}, text, "level 1"}});
    ASSERT_FALSE(refused.has_value()) << text;
    EXPECT_EQ(refused.error().message(), "level 1: '" + std::string(text) + "' is not a number");
  }
}

TEST_F(QcTest, OnlyBenchStaffAndInstrumentsRecordRuns) {
  const Result<RecordedQcRun> clerk = record("GLU", {{{"L1", "1", ""}, "100", "level 1"}}, "clerk");
  ASSERT_FALSE(clerk.has_value());
  EXPECT_EQ(clerk.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(record("GLU", {{{"L1", "1", ""}, "100", "level 1"}}, "analyzer").has_value());
}

TEST_F(QcTest, ARunWithinTheLimitsIsAcceptedAndAudited) {
  const std::size_t before = audit_size();
  const RecordedQcRun recorded = run("GLU", "100.5", "299");
  EXPECT_EQ(recorded.run.status, core::QcRunStatus::kAccept);
  EXPECT_EQ(recorded.run.violations, "[]");
  EXPECT_EQ(recorded.run.rules, "1-2s,1-3s,2-2s,R-4s,4-1s,10-x");
  EXPECT_EQ(recorded.run.source, "manual");
  EXPECT_EQ(recorded.run.recorded_by, "tech");
  ASSERT_EQ(recorded.run.values.size(), 2u);
  EXPECT_EQ(recorded.run.values[0].target_sd, 2);
  EXPECT_EQ(recorded.run.values[1].target_mean, 300);
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "qc.run.record");
  EXPECT_EQ(entries[0].entity_key, "c311/GLU run " + std::to_string(recorded.run.id));
  EXPECT_EQ(entries[0].reason, "accept; source manual");
}

TEST_F(QcTest, AValueBeyondTwoSdOnlyWarns) {
  const RecordedQcRun recorded = run("GLU", "104.5", "300");
  EXPECT_EQ(recorded.run.status, core::QcRunStatus::kWarning);
  const nlohmann::json violations = nlohmann::json::parse(recorded.run.violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0]["rule"], "1-2s");
  EXPECT_EQ(violations[0]["action"], "warning");
  EXPECT_EQ(violations[0]["levels"], nlohmann::json::array({1}));
  EXPECT_EQ(audit_trail().back().reason, "warning: 1-2s level 1; source manual");
}

TEST_F(QcTest, AValueBeyondThreeSdRejectsTheRunWithTheViolationStored) {
  const RecordedQcRun recorded = run("GLU", "100", "316");
  EXPECT_EQ(recorded.run.status, core::QcRunStatus::kReject);
  EXPECT_EQ(recorded.evaluation.status, qc::RunStatus::kReject);
  const nlohmann::json violations = nlohmann::json::parse(recorded.run.violations);
  ASSERT_EQ(violations.size(), 2u);  // 1-2s warns on the same value
  const nlohmann::json& rejecting = violations[1];
  EXPECT_EQ(rejecting["rule"], "1-3s");
  EXPECT_EQ(rejecting["action"], "reject");
  EXPECT_EQ(rejecting["scope"], "within run");
  EXPECT_EQ(rejecting["levels"], nlohmann::json::array({2}));
  EXPECT_EQ(rejecting["runs"], nlohmann::json::array({"2026-03-10T08:05:00Z"}));
  ASSERT_EQ(rejecting["values"].size(), 1u);
  EXPECT_EQ(rejecting["values"][0]["level"], 2);
  EXPECT_EQ(rejecting["values"][0]["value"], 316.0);
  EXPECT_DOUBLE_EQ(rejecting["values"][0]["z"].get<double>(), 3.2);
  EXPECT_EQ(audit_trail().back().reason,
            "reject: 1-3s level 2; results held: 0; released results to review: 0; source "
            "manual");
}

TEST_F(QcTest, AShiftKeepsRejectingUntilTheCorrectiveActionRestartsTheHistory) {
  EXPECT_EQ(run("GLU", "105").run.status, core::QcRunStatus::kWarning);  // +2.5 SD
  clock_.advance(hours(1));
  const RecordedQcRun second = run("GLU", "105");  // 2-2s across runs
  EXPECT_EQ(second.run.status, core::QcRunStatus::kReject);
  EXPECT_NE(second.run.violations.find("\"2-2s\""), std::string::npos);
  clock_.advance(hours(1));
  const RecordedQcRun third = run("GLU", "105");  // the shift persists
  EXPECT_EQ(third.run.status, core::QcRunStatus::kReject);
  const core::QcRun corrected = must(correct(third.run.id, "reagent lot changed, recalibrated"));
  EXPECT_EQ(corrected.corrective_action, "reagent lot changed, recalibrated");
  EXPECT_EQ(corrected.corrected_by, "tech");
  clock_.advance(hours(1));
  // Judged only with the runs after the corrective action: 1-2s warns, nothing rejects.
  EXPECT_EQ(run("GLU", "105").run.status, core::QcRunStatus::kWarning);
}

TEST_F(QcTest, ACorrectiveActionNeedsARejectedRunAndIsDocumentedOnce) {
  const RecordedQcRun accepted = run("GLU", "100", "300");
  const Result<core::QcRun> not_rejected = correct(accepted.run.id, "nothing");
  ASSERT_FALSE(not_rejected.has_value());
  EXPECT_EQ(not_rejected.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(not_rejected.error().message(),
            "QC run " + std::to_string(accepted.run.id) +
                " of GLU on c311 was not rejected (accept): only a rejected run takes a "
                "corrective action");
  clock_.advance(minutes(30));
  const RecordedQcRun rejected = run("GLU", "100", "316");
  const Result<core::QcRun> empty = correct(rejected.run.id, "  ");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  const std::size_t before = audit_size();
  must(correct(rejected.run.id, "new reagent pack"));
  EXPECT_EQ(actions_since(before), std::vector<std::string>{"qc.run.correct"});
  const Result<core::QcRun> twice = correct(rejected.run.id, "again");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code(), ErrorCode::kFailedPrecondition);
  const Result<core::QcRun> unknown = correct(9999, "x");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

// --- establishing a target from the lab's own runs ------------------------------------------

class EstablishTargetTest : public QcTest {
 protected:
  // `count` accepted runs of level 1, one an hour, cycling 99..103 mg/dL (mean 101, and the
  // deviations -2..+2 give an SD of sqrt(10 * count / 5 / (count - 1))).
  void runs_of_level_1(int count) {
    const char* values[] = {"99", "100", "101", "102", "103"};
    for (int i = 0; i < count; ++i) {
      EXPECT_NE(run("GLU", values[i % 5]).run.status, core::QcRunStatus::kReject);
      clock_.advance(hours(1));
    }
  }
  Result<core::QcTarget> establish(core::Instant from, bool keep_insert_mean = false) {
    EstablishQcTarget command;
    command.material = {"L1", "1", ""};
    command.instrument = kInstrument;
    command.test_code = "GLU";
    command.from = from;
    command.to = clock_.now();
    command.keep_insert_mean = keep_insert_mean;
    return write([&](store::Transaction& tx) {
      return establish_qc_target(tx, qc_context("mls"), command);
    });
  }
};

TEST_F(EstablishTargetTest, TwentyValuesGiveTheLabsMeanAndSd) {
  const core::Instant from = clock_.now();
  runs_of_level_1(20);
  const core::QcTarget target = must(establish(from));
  EXPECT_DOUBLE_EQ(target.mean, 101);
  EXPECT_DOUBLE_EQ(target.sd, std::sqrt(40.0 / 19.0));
  EXPECT_EQ(target.source, core::QcTargetSource::kEstablished);
  EXPECT_EQ(target.established_from, 20);
  EXPECT_EQ(target.effective_from, clock_.now());
  EXPECT_EQ(audit_trail().back().action, "qc.target.set");
}

TEST_F(EstablishTargetTest, NineteenValuesAreNotEnough) {
  const core::Instant from = clock_.now();
  runs_of_level_1(19);
  const Result<core::QcTarget> refused = establish(from);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "cannot establish a target of control lot L1 level 1 for GLU on c311 from "
            "2026-03-10T08:05:00Z to 2026-03-11T03:05:00Z: 19 values; at least 20 are needed");
}

TEST_F(EstablishTargetTest, TheValuesOfRejectedRunsAreLeftOut) {
  const core::Instant from = clock_.now();
  runs_of_level_1(19);
  EXPECT_EQ(run("GLU", "110").run.status, core::QcRunStatus::kReject);
  clock_.advance(hours(1));
  const Result<core::QcTarget> refused = establish(from);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find(": 19 values; at least 20"), std::string::npos)
      << refused.error().message();
  runs_of_level_1(1);
  const core::QcTarget target = must(establish(from));
  EXPECT_EQ(target.established_from, 20);
  // 99..103 three times, 99..102, and 99 again: 2016 / 20.
  EXPECT_NEAR(target.mean, 100.8, 1e-9);
}

TEST_F(EstablishTargetTest, KeepingTheInsertMeanTakesOnlyTheLabsSd) {
  const core::Instant from = clock_.now();
  runs_of_level_1(20);
  const core::QcTarget target = must(establish(from, true));
  EXPECT_DOUBLE_EQ(target.mean, 100);  // the insert's
  EXPECT_DOUBLE_EQ(target.sd, std::sqrt(40.0 / 19.0));
  EXPECT_EQ(target.source, core::QcTargetSource::kInsertMeanLabSd);
}

// --- the gate ---------------------------------------------------------------------------------

TEST_F(QcTest, ValuesAreStoredWithWhereAndWhenTheyWereMeasured) {
  run("GLU", "100.5", "299");
  const std::string accession = specimen_for("GLU");
  const core::Instant measured = clock_.now() - minutes(3);
  must(post(accession, "GLU", "90", {}, measured));
  const core::TestResult posted = result_of(accession, "GLU");
  EXPECT_EQ(posted.instrument, "c311");
  EXPECT_EQ(posted.measured_at, measured);

  const std::string typed = specimen_for("K");
  const core::TestResult entered = enter(typed, "K", "4.1");
  EXPECT_EQ(entered.instrument, "");
  EXPECT_EQ(entered.measured_at, clock_.now());
}

TEST_F(QcTest, AnAnalyteWithoutTargetsIsNotMonitored) {
  const std::string accession = specimen_for("NA");
  const PostedResults posted = must(post(accession, "NA", "140"));
  EXPECT_EQ(posted.autoverified, 1);
  EXPECT_EQ(finding(kInstrument, "NA", clock_.now()).state, rules::QcState::kNotMonitored);
  // A value no instrument measured is not QC's to judge.
  EXPECT_EQ(finding("", "GLU", clock_.now()).state, rules::QcState::kNotMonitored);
}

TEST_F(QcTest, WithATargetButNoRunYetValuesAreHeld) {
  const std::string accession = specimen_for("GLU");
  const PostedResults posted = must(post(accession, "GLU", "90"));
  EXPECT_EQ(posted.autoverified, 0);
  const std::vector<core::HoldReason> reasons = holds(accession, "GLU");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "quality-control");
  EXPECT_EQ(reasons[0].observed, "no QC run yet");
}

TEST_F(QcTest, AValueMeasuredLongerThanTheIntervalAfterTheLastAcceptedRunIsHeld) {
  run("GLU", "100.5", "299");  // 08:05
  const std::string accession = specimen_for("GLU");
  clock_.advance(hours(25));
  must(post(accession, "GLU", "90"));
  const core::TestResult held = result_of(accession, "GLU");
  EXPECT_EQ(held.status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> reasons = holds(accession, "GLU");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].observed, "QC not run since 2026-03-10T08:05:00Z");
  EXPECT_EQ(reasons[0].message,
            "quality control for GLU on this instrument: QC not run since 2026-03-10T08:05:00Z; "
            "the result cannot be trusted until QC passes and the run is repeated");
  // Within the interval the same analyte passes.
  EXPECT_EQ(finding(kInstrument, "GLU", at("2026-03-11T08:05:00Z")).state,
            rules::QcState::kAcceptable);
}

TEST_F(QcTest, AnOverdueCalibrationHoldsTheAnalytesValues) {
  AddInstrumentTask calibration;
  calibration.instrument = kInstrument;
  calibration.name = "GLU calibration";
  calibration.kind = core::InstrumentTaskKind::kCalibration;
  calibration.test_code = "GLU";
  calibration.frequency = core::TaskFrequency::kDaily;
  must(write(
      [&](store::Transaction& tx) { return add_instrument_task(tx, as("mls"), calibration); }));
  const core::Instant calibrated = clock_.now();
  must(write([&](store::Transaction& tx) {
    return log_instrument_task(tx, as("tech"),
                               {kInstrument, "GLU calibration", calibrated, "cal lot 77"});
  }));
  clock_.advance(hours(24) + minutes(20));
  run("GLU", "100.5", "299");  // QC itself is current
  const std::string accession = specimen_for("GLU");
  must(post(accession, "GLU", "90"));
  const std::vector<core::HoldReason> reasons = holds(accession, "GLU");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].observed, "calibration 'GLU calibration' overdue since " +
                                     core::format_instant(calibrated + hours(24)));

  // Not released by a person while the calibration is still overdue; once it is done, it is.
  const Result<core::TestResult> refused = release_as(accession, "GLU", "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("still is not (calibration 'GLU calibration' overdue"),
            std::string::npos)
      << refused.error().message();
  clock_.advance(minutes(5));
  must(write([&](store::Transaction& tx) {
    return log_instrument_task(tx, as("tech"),
                               {kInstrument, "GLU calibration", clock_.now(), "cal lot 78"});
  }));
  EXPECT_EQ(must(release_as(accession, "GLU", "mls")).status, core::ResultStatus::kFinal);
}

TEST_F(QcTest, AValueHeldBecauseNoQcWasRunIsReleasedOnlyOnceQcIsAccepted) {
  const std::string accession = specimen_for("GLU");
  must(post(accession, "GLU", "90"));
  ASSERT_EQ(holds(accession, "GLU").size(), 1u);
  const Result<core::TestResult> refused = release_as(accession, "GLU", "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("still is not (no QC run yet)"), std::string::npos)
      << refused.error().message();
  clock_.advance(minutes(5));
  run("GLU", "100.5", "299");
  EXPECT_EQ(must(release_as(accession, "GLU", "mls")).status, core::ResultStatus::kFinal);
}

TEST_F(QcTest, ARejectedRunHoldsWhatWasMeasuredSinceTheLastAcceptedRunUntilItIsMeasuredAgain) {
  run("GLU", "100.5", "299");

  // While QC is acceptable values autoverify; one is held for an instrument flag.
  const std::string released = specimen_for("GLU");
  EXPECT_EQ(must(post(released, "GLU", "90")).autoverified, 1);
  const std::string flagged = specimen_for("GLU");
  EXPECT_EQ(must(post(flagged, "GLU", "95", {"W"})).autoverified, 0);

  // The next run is rejected: it holds the flagged value and lists the released one.
  clock_.advance(minutes(10));
  const std::size_t before = audit_size();
  const RecordedQcRun rejected = run("GLU", "100", "316");
  const core::QcRun& run_r = rejected.run;
  const std::string run_id = std::to_string(run_r.id);
  const std::string rejected_at = core::format_instant(run_r.measured_at);
  ASSERT_EQ(run_r.status, core::QcRunStatus::kReject);
  ASSERT_EQ(rejected.held.size(), 1u);
  EXPECT_EQ(rejected.held[0].id, result_of(flagged, "GLU").id);
  ASSERT_EQ(rejected.released.size(), 1u);
  EXPECT_EQ(rejected.released[0].id, result_of(released, "GLU").id);
  EXPECT_EQ(actions_since(before),
            (std::vector<std::string>{"qc.run.record", "result.qc_hold", "result.qc_hold"}));
  EXPECT_EQ(audit_since(before)[0].reason,
            "reject: 1-3s level 2; results held: 1; released results to review: 1; source "
            "manual");

  const std::vector<core::HoldReason> flagged_holds = holds(flagged, "GLU");
  ASSERT_EQ(flagged_holds.size(), 2u);
  EXPECT_EQ(flagged_holds[0].category, "instrument-flag");
  EXPECT_EQ(flagged_holds[1].category, "quality-control");
  EXPECT_EQ(flagged_holds[1].action, "check-instrument");
  EXPECT_EQ(flagged_holds[1].rule, "GLU QC run " + run_id);
  EXPECT_EQ(flagged_holds[1].observed, "QC rejected at " + rejected_at + " (1-3s level 2)");
  EXPECT_EQ(flagged_holds[1].message,
            "QC run " + run_id + " of GLU on c311, rejected at " + rejected_at +
                " (1-3s level 2): the result cannot be trusted until the corrective action is "
                "documented and QC passes again");
  const std::vector<core::QcHold> run_holds = holds_of_run(run_r.id);
  ASSERT_EQ(run_holds.size(), 2u);
  EXPECT_EQ(run_holds[0].was_released, true);  // the released value, by result id
  EXPECT_EQ(run_holds[1].was_released, false);
  EXPECT_EQ(finding(kInstrument, "GLU", clock_.now()).detail,
            "QC rejected at " + rejected_at + " (1-3s level 2)");

  // A value measured while QC is rejected is held by that run.
  clock_.advance(minutes(5));
  const std::string during = specimen_for("GLU");
  EXPECT_EQ(must(post(during, "GLU", "92")).autoverified, 0);
  const std::vector<core::HoldReason> during_holds = holds(during, "GLU");
  ASSERT_EQ(during_holds.size(), 1u);  // the run's reason stands for the rules' QC reason
  EXPECT_EQ(during_holds[0].rule, "GLU QC run " + run_id);
  EXPECT_EQ(during_holds[0].observed, "QC rejected at " + rejected_at + " (1-3s level 2)");
  EXPECT_EQ(open_qc_holds(during, "GLU").size(), 1u);

  // Nobody releases it: not by hand, and not by releasing what the run held under "rerun".
  const Result<core::TestResult> by_hand = release_as(during, "GLU");
  ASSERT_FALSE(by_hand.has_value());
  EXPECT_EQ(by_hand.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(by_hand.error().message(),
            "result GLU on " + during + " is held by QC run " + run_id +
                " of GLU on c311, rejected at " + rejected_at +
                " (1-3s level 2): document the corrective action, rerun QC, then release the "
                "held results (aliquot qc release-held " +
                run_id + ") or measure the result again");
  const Result<ReleasedQcHeld> by_run = release_held(run_r.id);
  ASSERT_FALSE(by_run.has_value());
  EXPECT_EQ(by_run.error().message(),
            "policy for GLU is rerun: measure the held results again (QC run " + run_id +
                " of GLU on c311, rejected at " + rejected_at + " (1-3s level 2))");

  // The cause is corrected and QC passes again.
  must(correct(run_r.id, "reagent lot changed, recalibrated"));
  clock_.advance(minutes(20));
  const core::QcRun rerun = run("GLU", "100.5", "299").run;
  ASSERT_EQ(rerun.status, core::QcRunStatus::kAccept);
  EXPECT_EQ(finding(kInstrument, "GLU", clock_.now()).state, rules::QcState::kAcceptable);

  // Measured again, the held value autoverifies and its QC hold is resolved.
  clock_.advance(minutes(2));
  const std::size_t before_rerun = audit_size();
  EXPECT_EQ(must(post(during, "GLU", "93")).autoverified, 1);
  EXPECT_EQ(result_of(during, "GLU").status, core::ResultStatus::kFinal);
  EXPECT_TRUE(holds(during, "GLU").empty());
  EXPECT_TRUE(open_qc_holds(during, "GLU").empty());
  const std::vector<core::AuditEntry> rerun_entries = audit_since(before_rerun);
  ASSERT_FALSE(rerun_entries.empty());
  EXPECT_EQ(rerun_entries[0].action, "result.autoverify");
  EXPECT_EQ(rerun_entries[0].reason, "reported by cobas c311; QC hold of QC run " + run_id +
                                         " resolved: measured again after QC run " +
                                         std::to_string(rerun.id) + " passed at " +
                                         core::format_instant(rerun.measured_at) +
                                         "; autoverified by rules 'lab rules' version r1");
  for (const core::QcHold& hold : holds_of_run(run_r.id)) {
    if (hold.result_id != result_of(during, "GLU").id) continue;
    EXPECT_EQ(hold.resolution, "rerun");
    EXPECT_EQ(hold.resolved_by, "analyzer");
  }

  // The flagged value was not measured again: it stays held.
  EXPECT_EQ(open_qc_holds(flagged, "GLU").size(), 1u);
  EXPECT_FALSE(release_as(flagged, "GLU").has_value());

  // The value released before the failure was known is reviewed, whatever the policy.
  const std::size_t before_review = audit_size();
  const int reviewed = must(write([&](store::Transaction& tx) {
    return review_qc_released_results(tx, qc_context("mls"),
                                      {run_r.id, "consistent with the patient's history"});
  }));
  EXPECT_EQ(reviewed, 1);
  EXPECT_TRUE(open_qc_holds(released, "GLU").empty());
  const std::vector<core::AuditEntry> review = audit_since(before_review);
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0].action, "result.qc_review");
  EXPECT_EQ(review[0].accession_number, released);
  EXPECT_NE(review[0].reason.find("; consistent with the patient's history"), std::string::npos);
  // Nothing is left to review; the flagged value is still held, not reviewed.
  const Result<int> again = write([&](store::Transaction& tx) {
    return review_qc_released_results(tx, qc_context("mls"), {run_r.id, ""});
  });
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message().find("left no released result waiting for review"),
            std::string::npos);
  EXPECT_EQ(open_qc_holds(flagged, "GLU").size(), 1u);
}

TEST_F(QcTest, ReleasedResultsAreReviewedOnlyAfterTheCorrectiveActionAndAPassingRun) {
  run("GLU", "100.5", "299");
  const std::string released = specimen_for("GLU");
  EXPECT_EQ(must(post(released, "GLU", "90")).autoverified, 1);
  clock_.advance(minutes(10));
  const core::QcRun rejected = run("GLU", "100", "316").run;
  const auto review = [&](const std::string& user) {
    return write([&](store::Transaction& tx) {
      return review_qc_released_results(tx, qc_context(user), {rejected.id, ""});
    });
  };
  EXPECT_EQ(review("tech").error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(review("mls").error().message().find("document the corrective action"),
            std::string::npos);
  must(correct(rejected.id, "calibrated"));
  EXPECT_NE(review("mls").error().message().find("rerun QC first"), std::string::npos);
  clock_.advance(minutes(10));
  run("GLU", "100.5", "299");
  EXPECT_EQ(must(review("mls")), 1);
}

TEST_F(QcTest, TheSameValueMeasuredAgainAfterQcPassesResolvesTheHold) {
  const RecordedQcRun rejected = run("GLU", "100", "316");
  const std::string accession = specimen_for("GLU");
  const core::Instant first = clock_.now();
  must(post(accession, "GLU", "92", {}, first));
  must(correct(rejected.run.id, "calibrated"));
  clock_.advance(minutes(10));
  run("GLU", "100.5", "299");
  clock_.advance(minutes(5));
  // The first message sent again is no new measurement: nothing changes.
  const PostedResults resent = must(post(accession, "GLU", "92", {}, first));
  EXPECT_EQ(resent.unchanged, 1);
  EXPECT_EQ(open_qc_holds(accession, "GLU").size(), 1u);
  // Measured again, the same value is recorded and released.
  const PostedResults again = must(post(accession, "GLU", "92", {}, clock_.now()));
  EXPECT_EQ(again.autoverified, 1);
  EXPECT_TRUE(open_qc_holds(accession, "GLU").empty());
}

TEST_F(QcTest, AValueReportedAfterTheRejectionButMeasuredBeforeItIsHeld) {
  run("GLU", "100.5", "299");
  const std::string accession = specimen_for("GLU");
  const core::Instant measured = clock_.now();
  clock_.advance(minutes(10));
  const RecordedQcRun rejected = run("GLU", "100", "316");
  ASSERT_TRUE(rejected.held.empty());  // the value had not arrived yet
  clock_.advance(minutes(5));
  EXPECT_EQ(must(post(accession, "GLU", "90", {}, measured)).autoverified, 0);
  const std::vector<core::HoldReason> reasons = holds(accession, "GLU");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].rule, "GLU QC run " + std::to_string(rejected.run.id));
  EXPECT_EQ(open_qc_holds(accession, "GLU").size(), 1u);
}

TEST_F(QcTest, WithoutAutoverificationRulesAValueMeasuredDuringARejectionIsStillHeld) {
  run("GLU", "100", "316");
  const std::string accession = specimen_for("GLU");
  must(post_without_rules(accession, "GLU", "90"));
  const std::vector<core::HoldReason> reasons = holds(accession, "GLU");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "quality-control");
  EXPECT_FALSE(release_as(accession, "GLU").has_value());
}

TEST_F(QcTest, UnderTheReleasePolicyATechnologistReleasesWhatTheRunHeld) {
  run("K", "4.02", "5.98");
  const std::string reviewed = specimen_for("K");
  EXPECT_EQ(must(post(reviewed, "K", "4.2")).autoverified, 1);
  const std::string only_qc = specimen_for("K");
  must(post_without_rules(only_qc, "K", "4.3"));
  const std::string flagged = specimen_for("K");
  must(post(flagged, "K", "4.4", {"W"}));
  const std::string critical = specimen_for("K");
  must(post_without_rules(critical, "K", "7.0"));

  clock_.advance(minutes(10));
  const RecordedQcRun rejected = run("K", "4.0", "6.7");
  const std::int64_t run_id = rejected.run.id;
  ASSERT_EQ(rejected.held.size(), 3u);
  ASSERT_EQ(rejected.released.size(), 1u);
  const std::string described = "QC run " + std::to_string(run_id) + " of K on c311, rejected at " +
                                core::format_instant(rejected.run.measured_at) + " (1-3s level 2)";

  const Result<ReleasedQcHeld> by_technician = release_held(run_id, "tech");
  ASSERT_FALSE(by_technician.has_value());
  EXPECT_EQ(by_technician.error().code(), ErrorCode::kPermissionDenied);
  const Result<ReleasedQcHeld> uncorrected = release_held(run_id);
  ASSERT_FALSE(uncorrected.has_value());
  EXPECT_EQ(uncorrected.error().message(),
            "document the corrective action of " + described + " before releasing what it held");
  must(correct(run_id, "probe cleaned"));
  const Result<ReleasedQcHeld> not_rerun = release_held(run_id);
  ASSERT_FALSE(not_rerun.has_value());
  EXPECT_EQ(not_rerun.error().message(),
            "no QC run of K on c311 has passed since " + described + ": rerun QC first");

  clock_.advance(minutes(10));
  const core::QcRun rerun = run("K", "4.01", "6.02").run;
  ASSERT_EQ(rerun.status, core::QcRunStatus::kAccept);
  const std::size_t before = audit_size();
  const ReleasedQcHeld outcome = must(release_held(run_id));
  ASSERT_EQ(outcome.released.size(), 1u);
  EXPECT_EQ(outcome.released[0].id, result_of(only_qc, "K").id);
  ASSERT_EQ(outcome.still_held.size(), 2u);
  EXPECT_EQ(outcome.still_held[0].id, result_of(flagged, "K").id);
  EXPECT_EQ(outcome.still_held[1].id, result_of(critical, "K").id);
  EXPECT_EQ(outcome.reviewed, 1);

  const core::TestResult released = result_of(only_qc, "K");
  EXPECT_EQ(released.status, core::ResultStatus::kFinal);
  EXPECT_EQ(released.released_by, "mls");
  EXPECT_TRUE(holds(only_qc, "K").empty());
  // The flagged value keeps its own reason, and only it.
  const std::vector<core::HoldReason> flagged_holds = holds(flagged, "K");
  ASSERT_EQ(flagged_holds.size(), 1u);
  EXPECT_EQ(flagged_holds[0].category, "instrument-flag");
  EXPECT_EQ(result_of(flagged, "K").status, core::ResultStatus::kPreliminary);
  // The critical value waits for its call, then may be released by hand.
  EXPECT_TRUE(open_qc_holds(critical, "K").empty());
  const Result<core::TestResult> uncalled = release_as(critical, "K");
  ASSERT_FALSE(uncalled.has_value());
  EXPECT_NE(uncalled.error().message().find("call to a caregiver"), std::string::npos);

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].action, "result.qc_review");
  for (std::size_t i = 1; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].action, "result.qc_release");
  }
  const std::string why = described + "; corrective action by tech: probe cleaned; QC run " +
                          std::to_string(rerun.id) + " accept at " +
                          core::format_instant(rerun.measured_at);
  EXPECT_EQ(entries[0].reason, "reviewed: released before " + why);
  EXPECT_EQ(entries[1].reason, "released after " + why);
  EXPECT_EQ(entries[2].accession_number, flagged);
  EXPECT_EQ(entries[2].reason.rfind("QC hold lifted (" + why + "); still held: ", 0), 0u)
      << entries[2].reason;
  EXPECT_EQ(entries[3].reason, "QC hold lifted (" + why +
                                   "); still held: critical 7.0 mmol/L (HH): document the call to "
                                   "a caregiver before release");
  for (const core::QcHold& hold : holds_of_run(run_id)) {
    EXPECT_TRUE(hold.resolved_at.has_value());
    EXPECT_EQ(hold.resolved_by, "mls");
    EXPECT_EQ(hold.resolution, hold.was_released ? "reviewed" : "released");
  }

  call(critical, "K");
  EXPECT_EQ(release(critical, "K", "mls").status, core::ResultStatus::kFinal);
  // Nothing is left to release.
  const ReleasedQcHeld again = must(release_held(run_id));
  EXPECT_TRUE(again.released.empty());
  EXPECT_TRUE(again.still_held.empty());
  EXPECT_EQ(again.reviewed, 0);
}

TEST_F(QcTest, OnlyARejectedRunHasResultsToRelease) {
  const RecordedQcRun accepted = run("K", "4.02", "5.98");
  const Result<ReleasedQcHeld> refused = release_held(accepted.run.id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "QC run " + std::to_string(accepted.run.id) +
                " of K on c311 was not rejected (accept): it holds no results");
}

}  // namespace
}  // namespace aliquot::lab
