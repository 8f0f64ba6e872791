// Calculated tests in the results path: computed when their inputs are on the order with values,
// held while an input is not released, released by autoverification with their inputs, the
// reason instead of a value when the calculation must not be reported, corrected with their
// inputs, and never entered.

#include "lab/calculated_results.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "hl7/message.h"
#include "lab/lab_setup.h"
#include "lab/lab_test_fixture.h"
#include "lab/outbound.h"
#include "rules/rule_set.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::lab {
namespace {

// Measured lipids and creatinine with calculated LDL (Friedewald) and eGFR (CKD-EPI 2021), as in
// catalog/core-menu.toml.
const char* const kCalculatedMenu = R"toml(
[catalog]
name = "calculated menu"
version = "c1"

[[section]]
code = "chemistry"
name = "Chemistry"

[[specimen_type]]
code = "serum"
name = "Serum"

[[container]]
code = "sst"
name = "Serum separator tube"
draw_order = 3

[[test]]
code = "CREAT"
name = "Creatinine"
loinc = "2160-0"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 2
reference = [{ low = 0.59, high = 1.04 }]

[[test]]
code = "CHOL"
name = "Cholesterol, total"
loinc = "2093-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0

[[test]]
code = "TRIG"
name = "Triglycerides"
loinc = "2571-8"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0

[[test]]
code = "HDL"
name = "HDL cholesterol"
loinc = "2085-9"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0

[[test]]
code = "EGFR"
name = "eGFR, CKD-EPI 2021 creatinine"
loinc = "98979-8"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mL/min/{1.73_m2}"
decimals = 0
reference = [{ low = 60 }]
calculation = { name = "egfr-ckd-epi-2021", inputs = { creatinine = "CREAT" } }

[[test]]
code = "LDL-C"
name = "LDL cholesterol, calculated"
loinc = "13457-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0
reference = [{ high = 99 }]
calculation = { name = "ldl-friedewald", inputs = { tc = "CHOL", hdl = "HDL", tg = "TRIG" } }

[[test]]
code = "NA"
name = "Sodium"
loinc = "2951-2"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0

[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1

[[test]]
code = "CL"
name = "Chloride"
loinc = "2075-0"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0

[[test]]
code = "CO2"
name = "Carbon dioxide, total"
loinc = "2028-9"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0

[[test]]
code = "AGAP-K"
name = "Anion gap with potassium"
loinc = "1863-0"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0
calculation = { name = "anion-gap", inputs = { na = "NA", cl = "CL", hco3 = "CO2", k = "K" } }

[[panel]]
code = "LIPID"
name = "Lipid panel"
members = ["CHOL", "TRIG", "HDL", "LDL-C"]
)toml";

rules::RuleSet chemistry_rules() {
  return rules::RuleSetBuilder()
      .name("lab rules")
      .version("r1")
      .discipline({"chemistry", true, true, 0})
      .informational_flag("N")
      .build();
}

// CKD-EPI 2021 creatinine (Inker, NEJM 2021) for a woman, written out independently of the
// calculation engine.
double egfr_female(double creatinine, int age) {
  const double ratio = creatinine / 0.7;
  return 142 * std::pow(std::min(ratio, 1.0), -0.241) * std::pow(std::max(ratio, 1.0), -1.200) *
         std::pow(0.9938, age) * 1.012;
}

class CalculatedResultsTest : public LabTest {
 protected:
  CalculatedResultsTest() : LabTest(kCalculatedMenu) {}

  Context with_rules(const std::string& user) const {
    Context context = as(user);
    context.rules = &rules_;
    return context;
  }
  Result<PostedResults> post(const std::string& accession_number, std::vector<PostedValue> values) {
    PostResults command;
    command.accession_number = accession_number;
    command.values = std::move(values);
    command.source = "cobas-1";
    return write(
        [&](store::Transaction& tx) { return post_results(tx, with_rules("analyzer"), command); });
  }
  Result<core::TestResult> release_with_rules(const std::string& accession_number,
                                              const std::string& code) {
    ReleaseResult command{accession_number, code};
    return write(
        [&](store::Transaction& tx) { return release_result(tx, with_rules("mls"), command); });
  }
  std::vector<core::HoldReason> holds(const std::string& accession_number,
                                      const std::string& code) {
    const std::int64_t id = result_of(accession_number, code).id;
    return must(read([&](store::Transaction& tx) { return tx.holds_for_result(id); }));
  }
  // The serum specimen of a new order of `codes` for MRN (registered with `sex` and `birth`).
  core::Specimen serum(std::vector<std::string> codes,
                       core::AdministrativeSex sex = core::AdministrativeSex::kFemale,
                       core::Date birth = date("1980-05-01")) {
    patient("MRN-1", sex, birth);
    const std::vector<core::Specimen> specimens = received_order("MRN-1", std::move(codes));
    EXPECT_EQ(specimens.size(), 1u);
    return specimens.front();
  }
  std::vector<std::string> actions_since(std::size_t size) {
    std::vector<std::string> actions;
    for (const core::AuditEntry& entry : audit_since(size)) {
      actions.push_back(entry.action + " " + entry.test_code);
    }
    return actions;
  }

  rules::RuleSet rules_ = chemistry_rules();
};

TEST_F(CalculatedResultsTest, ComputesAndReleasesTheCalculatedTestWhenItsInputsArriveInOnePost) {
  must(write([&](store::Transaction& tx) {
    return set_outbound_setting(tx, as("admin"), {std::string(kOutboundResultsDestination), "ehr"});
  }));
  const core::Specimen lipids = serum({"LIPID"});
  const std::size_t before = audit_size();
  const PostedResults posted = must(post(
      lipids.accession_number,
      {{"CHOL", "200", "", "R1", {}}, {"TRIG", "150", "", "R2", {}}, {"HDL", "50", "", "R3", {}}}));
  EXPECT_EQ(posted.autoverified, 3);
  ASSERT_EQ(posted.calculated.size(), 1u);

  const core::TestResult ldl = result_of(lipids.accession_number, "LDL-C");
  EXPECT_EQ(posted.calculated[0].id, ldl.id);
  ASSERT_TRUE(ldl.value.has_value());
  EXPECT_EQ(ldl.value->kind, core::ResultKind::kNumeric);
  EXPECT_DOUBLE_EQ(ldl.value->number, 200 - 50 - 150 / 5.0);
  EXPECT_EQ(core::format_reported(*ldl.value), "120");
  EXPECT_EQ(ldl.flag, core::AbnormalFlag::kHigh);  // above the optimal 99
  EXPECT_EQ(ldl.status, core::ResultStatus::kFinal);
  EXPECT_EQ(ldl.entered_by, "calculation");
  EXPECT_EQ(ldl.released_by, "autoverification");
  EXPECT_TRUE(holds(lipids.accession_number, "LDL-C").empty());

  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[3].action, "result.calculate");
  EXPECT_EQ(entries[3].test_code, "LDL-C");
  EXPECT_EQ(entries[3].reason,
            "calculated by ldl-friedewald from CHOL 200 mg/dL, HDL 50 mg/dL, TRIG 150 mg/dL");
  EXPECT_EQ(entries[4].action, "result.autoverify");
  EXPECT_EQ(entries[4].reason,
            "calculated by ldl-friedewald from CHOL 200 mg/dL, HDL 50 mg/dL, TRIG 150 mg/dL; "
            "autoverified by rules 'lab rules' version r1");
  const std::vector<store::OutboxMessage> outbox =
      must(read([&](store::Transaction& tx) { return tx.list_outbox_messages(std::nullopt, 10); }));
  EXPECT_EQ(outbox.size(), 4u);  // the three measured results and the calculated one
}

TEST_F(CalculatedResultsTest, WaitsForEveryInputAcrossPosts) {
  const core::Specimen lipids = serum({"LIPID"});
  const PostedResults first = must(
      post(lipids.accession_number, {{"CHOL", "200", "", "R1", {}}, {"HDL", "50", "", "R2", {}}}));
  EXPECT_TRUE(first.calculated.empty());
  EXPECT_EQ(result_of(lipids.accession_number, "LDL-C").status, core::ResultStatus::kPending);
  EXPECT_FALSE(result_of(lipids.accession_number, "LDL-C").value.has_value());

  const PostedResults second = must(post(lipids.accession_number, {{"TRIG", "100", "", "R1", {}}}));
  ASSERT_EQ(second.calculated.size(), 1u);
  const core::TestResult ldl = result_of(lipids.accession_number, "LDL-C");
  EXPECT_EQ(core::format_reported(*ldl.value), "130");
  EXPECT_EQ(ldl.status, core::ResultStatus::kFinal);
}

TEST_F(CalculatedResultsTest, HoldsTheCalculatedResultWhileAnInputIsHeldAndReleasesItAfter) {
  const core::Specimen lipids = serum({"LIPID"});
  must(post(lipids.accession_number, {{"CHOL", "200", "", "R1", {}},
                                      {"TRIG", "150", "", "R2", {"E"}},  // instrument error flag
                                      {"HDL", "50", "", "R3", {}}}));
  EXPECT_EQ(result_of(lipids.accession_number, "TRIG").status, core::ResultStatus::kPreliminary);
  const core::TestResult held = result_of(lipids.accession_number, "LDL-C");
  EXPECT_EQ(held.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(core::format_reported(*held.value), "120");
  const std::vector<core::HoldReason> reasons = holds(lipids.accession_number, "LDL-C");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "calculation");
  EXPECT_EQ(reasons[0].action, "review");
  EXPECT_EQ(reasons[0].rule, "LDL-C inputs");
  EXPECT_EQ(reasons[0].observed, "TRIG held");
  EXPECT_EQ(reasons[0].message,
            "LDL-C waits for its inputs: TRIG is not released yet; it is calculated again and "
            "judged when they are");

  // Nobody reports it before its inputs are verified.
  const Result<core::TestResult> refused = release_with_rules(lipids.accession_number, "LDL-C");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "result LDL-C on " + lipids.accession_number +
                                           " cannot be released: " + reasons[0].message);

  clock_.advance(std::chrono::minutes(3));
  must(release_with_rules(lipids.accession_number, "TRIG"));
  const core::TestResult released = result_of(lipids.accession_number, "LDL-C");
  EXPECT_EQ(released.status, core::ResultStatus::kFinal);
  EXPECT_EQ(released.released_by, "autoverification");
  EXPECT_EQ(released.released_at, clock_.now());
  EXPECT_TRUE(holds(lipids.accession_number, "LDL-C").empty());
}

TEST_F(CalculatedResultsTest, AnInputEnteredByAPersonHoldsTheCalculatedResultUntilReleased) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"});
  EnterResult command{kidney.accession_number, "CREAT", "1.00", ""};
  must(
      write([&](store::Transaction& tx) { return enter_result(tx, with_rules("tech"), command); }));
  EXPECT_EQ(holds(kidney.accession_number, "EGFR").at(0).observed, "CREAT held");
  must(release_with_rules(kidney.accession_number, "CREAT"));
  const core::TestResult egfr = result_of(kidney.accession_number, "EGFR");
  EXPECT_EQ(egfr.status, core::ResultStatus::kFinal);
  EXPECT_NEAR(egfr.value->number, egfr_female(1.00, 45), 1e-9);
  EXPECT_EQ(core::format_reported(*egfr.value), core::format_decimal(egfr_female(1.00, 45), 0));
}

TEST_F(CalculatedResultsTest, GivesTheReasonAsTheValueWhenFriedewaldIsNotValid) {
  const core::Specimen lipids = serum({"LIPID"});
  must(post(
      lipids.accession_number,
      {{"CHOL", "300", "", "R1", {}}, {"TRIG", "450", "", "R2", {}}, {"HDL", "40", "", "R3", {}}}));
  const core::TestResult ldl = result_of(lipids.accession_number, "LDL-C");
  ASSERT_TRUE(ldl.value.has_value());
  EXPECT_EQ(ldl.value->kind, core::ResultKind::kText);
  EXPECT_EQ(ldl.value->text,
            "Not calculated: Friedewald is not valid when triglycerides are 400 mg/dL or more "
            "(Friedewald 1972)");
  EXPECT_EQ(ldl.flag, core::AbnormalFlag::kNone);
  // Released inputs, but a text is read by a person: the rules hold it like any free text.
  EXPECT_EQ(ldl.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(holds(lipids.accession_number, "LDL-C").at(0).category, "text-result");
}

TEST_F(CalculatedResultsTest, DoesNotCalculateAnAdultEgfrForASeventeenYearOld) {
  const core::Specimen kidney =
      serum({"CREAT", "EGFR"}, core::AdministrativeSex::kFemale, date("2008-06-01"));
  must(post(kidney.accession_number, {{"CREAT", "0.80", "", "R1", {}}}));
  const core::TestResult egfr = result_of(kidney.accession_number, "EGFR");
  EXPECT_EQ(egfr.value->text,
            "Not calculated: CKD-EPI is validated for adults (18 years or older) only (Inker "
            "2021)");
}

TEST_F(CalculatedResultsTest, DoesNotCalculateEgfrForAPatientOfUnknownSex) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"}, core::AdministrativeSex::kUnknown);
  must(post(kidney.accession_number, {{"CREAT", "0.80", "", "R1", {}}}));
  EXPECT_EQ(result_of(kidney.accession_number, "EGFR").value->text,
            "Not calculated: the patient's sex is unknown; eGFR, CKD-EPI 2021 creatinine is "
            "defined for F or M only");
}

TEST_F(CalculatedResultsTest, DoesNotCalculateFromAValueBelowTheMeasuringRange) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"});
  must(post(kidney.accession_number, {{"CREAT", "<0.10", "", "R1", {}}}));
  EXPECT_EQ(result_of(kidney.accession_number, "EGFR").value->text,
            "Not calculated: CREAT <0.10 mg/dL is a limit of the measuring range, not an exact "
            "value");
}

TEST_F(CalculatedResultsTest, CorrectsAReleasedCalculatedResultWhenAnInputIsCorrected) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"});
  must(post(kidney.accession_number, {{"CREAT", "1.00", "", "R1", {}}}));
  const core::TestResult first = result_of(kidney.accession_number, "EGFR");
  ASSERT_EQ(first.status, core::ResultStatus::kFinal);

  clock_.advance(std::chrono::hours(1));
  const std::size_t before = audit_size();
  CorrectResult command;
  command.accession_number = kidney.accession_number;
  command.test_code = "CREAT";
  command.value = "2.00";
  command.reason = "wrong dilution factor";
  must(write([&](store::Transaction& tx) { return correct_result(tx, as("mls"), command); }));

  const core::TestResult corrected = result_of(kidney.accession_number, "EGFR");
  EXPECT_EQ(corrected.status, core::ResultStatus::kCorrected);
  EXPECT_EQ(corrected.revision, 1);
  EXPECT_NEAR(corrected.value->number, egfr_female(2.00, 45), 1e-9);
  EXPECT_EQ(corrected.flag, core::AbnormalFlag::kLow);
  EXPECT_EQ(corrected.correction_reason,
            "calculated again after CREAT corrected: wrong dilution factor");
  const std::vector<core::ResultRevision> revisions =
      must(read([&](store::Transaction& tx) { return tx.revisions_for_result(corrected.id); }));
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].value.number, first.value->number);
  EXPECT_EQ(actions_since(before),
            (std::vector<std::string>{"result.correct CREAT", "result.correct EGFR"}));
}

TEST_F(CalculatedResultsTest, RefusesAValuePostedOrEnteredForACalculatedTest) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"});
  const Result<PostedResults> posted = post(
      kidney.accession_number, {{"CREAT", "1.00", "", "R1", {}}, {"EGFR", "70", "", "R2", {}}});
  ASSERT_FALSE(posted.has_value());
  EXPECT_EQ(posted.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(posted.error().message(), "R2: EGFR is calculated from CREAT; it cannot be entered");
  EXPECT_FALSE(result_of(kidney.accession_number, "CREAT").value.has_value());  // all or nothing

  EnterResult command{kidney.accession_number, "EGFR", "70", ""};
  const Result<core::TestResult> entered =
      write([&](store::Transaction& tx) { return enter_result(tx, as("tech"), command); });
  ASSERT_FALSE(entered.has_value());
  EXPECT_EQ(entered.error().message(), "EGFR is calculated from CREAT; it cannot be entered");
}

TEST_F(CalculatedResultsTest, LeavesCalculatedTestsPendingWithoutCalculations) {
  const core::Specimen kidney = serum({"CREAT", "EGFR"});
  Context without = with_rules("analyzer");
  without.calculations = nullptr;
  PostResults command;
  command.accession_number = kidney.accession_number;
  command.values = {{"CREAT", "1.00", "", "R1", {}}};
  const PostedResults posted =
      must(write([&](store::Transaction& tx) { return post_results(tx, without, command); }));
  EXPECT_TRUE(posted.calculated.empty());
  EXPECT_EQ(result_of(kidney.accession_number, "EGFR").status, core::ResultStatus::kPending);
}

TEST(InitializeLab, RefusesACatalogWhoseCalculatedTestsDoNotFitTheCalculations) {
  std::string menu = kCalculatedMenu;
  const std::string link = R"(inputs = { creatinine = "CREAT" })";
  menu.replace(menu.find(link), link.size(), R"(inputs = { creatinine = "CRAET" })");
  const std::unique_ptr<store::Store> store = must(store::open_sqlite_store(":memory:"));
  const core::ManualClock clock(at("2026-03-10T08:00:00Z"));
  InitializeLab init;
  init.catalog_text = menu;
  init.catalog_file_name = "menu.toml";
  const Result<void> refused = initialize_lab(*store, clock, init);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find(
                "catalog 'menu.toml' does not fit the calculations 'aliquot default calculations' "
                "(1 problem):\nmenu.toml:"),
            std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find(
                "test 'EGFR' (calculation 'egfr-ckd-epi-2021') maps input 'creatinine' to unknown "
                "test 'CRAET' (did you mean 'CREAT'?)"),
            std::string::npos);
}

// A calculated result held only until its inputs are released is no work for anyone: it follows
// them. Held for anything else once they are, it is.
TEST_F(CalculatedResultsTest, WorklistsLeaveOutCalculatedTestsStillWaitingForTheirInputs) {
  rules::AnalyteRules ldl;
  ldl.test_code = "LDL-C";
  ldl.review.high = 100;
  rules_ = rules::RuleSetBuilder()
               .name("lab rules")
               .version("r2")
               .analyte(ldl)
               .discipline({"chemistry", true, true, 0})
               .informational_flag("N")
               .build();
  const auto worklist_codes = [&] {
    const std::vector<store::WorklistRow> rows =
        must(read([&](store::Transaction& tx) { return section_worklist(tx, as("tech"), ""); }));
    std::vector<std::string> codes;
    for (const store::WorklistRow& row : rows) codes.push_back(row.result.test_code);
    return core::join(codes);
  };
  const core::Specimen lipids = serum({"LIPID"});
  EXPECT_EQ(worklist_codes(), "CHOL, TRIG, HDL");  // LDL-C has no value yet

  must(post(lipids.accession_number, {{"CHOL", "200", "", "R1", {}},
                                      {"TRIG", "150", "", "R2", {"E"}},  // instrument error flag
                                      {"HDL", "50", "", "R3", {}}}));
  const core::TestResult waiting = result_of(lipids.accession_number, "LDL-C");
  ASSERT_TRUE(waiting.value.has_value());
  EXPECT_EQ(waiting.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(holds(lipids.accession_number, "LDL-C").at(0).category, "calculation");
  EXPECT_EQ(worklist_codes(), "TRIG");

  // TRIG released: LDL-C 120 is judged, and held above its review limit: now it is work.
  must(release_with_rules(lipids.accession_number, "TRIG"));
  EXPECT_EQ(result_of(lipids.accession_number, "LDL-C").status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(holds(lipids.accession_number, "LDL-C").at(0).category, "review-limits");
  EXPECT_EQ(worklist_codes(), "LDL-C");
}

// A calculated numeric test reported as the reason it was not calculated goes out as text: OBX-2
// ST, no unit, and neither the numeric reference range nor a flag that belong to numbers.
TEST_F(CalculatedResultsTest, SendsANotCalculatedResultAsTextInTheOru) {
  must(write([&](store::Transaction& tx) {
    return set_outbound_setting(tx, as("admin"), {std::string(kOutboundResultsDestination), "ehr"});
  }));
  const core::Specimen lipids = serum({"LIPID"});
  must(post(
      lipids.accession_number,
      {{"CHOL", "300", "", "R1", {}}, {"TRIG", "450", "", "R2", {}}, {"HDL", "40", "", "R3", {}}}));
  // Held as a text to read (rules "text-result"); a technologist reads it and releases it.
  must(release_with_rules(lipids.accession_number, "LDL-C"));

  const std::vector<store::OutboxMessage> outbox =
      must(read([&](store::Transaction& tx) { return tx.list_outbox_messages(std::nullopt, 10); }));
  const auto sent = std::find_if(outbox.begin(), outbox.end(), [&](const store::OutboxMessage& m) {
    return m.subject == lipids.accession_number + "/LDL-C";
  });
  ASSERT_NE(sent, outbox.end());
  EXPECT_EQ(sent->message_type, "ORU^R01");
  const hl7::Message oru = must(hl7::Message::parse(sent->payload));
  const auto field = [&](const char* path) {
    const Result<hl7::Value> value = oru.get(path);
    return value.has_value() ? value->text() : std::string();
  };
  EXPECT_EQ(field("OBX-2"), "ST");
  EXPECT_EQ(field("OBX-3.4"), "LDL-C");
  EXPECT_EQ(field("OBX-5"),
            "Not calculated: Friedewald is not valid when triglycerides are 400 mg/dL or more "
            "(Friedewald 1972)");
  EXPECT_EQ(field("OBX-6"), "");
  EXPECT_EQ(field("OBX-7"), "");
  EXPECT_EQ(field("OBX-8"), "");
  EXPECT_EQ(field("OBX-11"), "F");
}

// A cancelled input leaves no calculated test waiting for it: one that needs it is cancelled with
// the reason, one for which it is optional is computed without it.
TEST_F(CalculatedResultsTest, CancellingARequiredInputCancelsTheCalculatedTestWithTheReason) {
  const core::Specimen lipids = serum({"LIPID"});
  must(post(lipids.accession_number, {{"CHOL", "200", "", "R1", {}}, {"HDL", "50", "", "R2", {}}}));
  const std::size_t before = audit_size();
  const CancelledTest cancelled = must(write([&](store::Transaction& tx) {
    return cancel_test(tx, with_rules("tech"),
                       CancelTest{lipids.accession_number, "TRIG", "quantity not sufficient"});
  }));
  EXPECT_EQ(cancelled.result.test_code, "TRIG");
  ASSERT_EQ(cancelled.calculated.size(), 1u);
  EXPECT_EQ(cancelled.calculated[0].test_code, "LDL-C");
  const core::TestResult ldl = result_of(lipids.accession_number, "LDL-C");
  EXPECT_EQ(ldl.status, core::ResultStatus::kCancelled);
  EXPECT_EQ(ldl.cancel_reason,
            "LDL-C cannot be calculated: its input TRIG was cancelled (quantity not sufficient)");
  EXPECT_EQ(ldl.cancelled_by, "tech");
  EXPECT_EQ(actions_since(before),
            (std::vector<std::string>{"result.cancel TRIG", "result.cancel LDL-C"}));
  // The measured ones go on.
  EXPECT_EQ(result_of(lipids.accession_number, "CHOL").status, core::ResultStatus::kFinal);
}

TEST_F(CalculatedResultsTest, CancellingAnOptionalInputComputesTheCalculatedTestWithoutIt) {
  const core::Specimen electrolytes = serum({"NA", "K", "CL", "CO2", "AGAP-K"});
  must(post(
      electrolytes.accession_number,
      {{"NA", "140", "", "R1", {}}, {"CL", "104", "", "R2", {}}, {"CO2", "24", "", "R3", {}}}));
  // Potassium is ordered: the gap waits for it.
  EXPECT_FALSE(result_of(electrolytes.accession_number, "AGAP-K").value.has_value());

  const CancelledTest cancelled = must(write([&](store::Transaction& tx) {
    return cancel_test(tx, with_rules("tech"),
                       CancelTest{electrolytes.accession_number, "K", "hemolysed"});
  }));
  ASSERT_EQ(cancelled.calculated.size(), 1u);
  const core::TestResult gap = result_of(electrolytes.accession_number, "AGAP-K");
  EXPECT_EQ(cancelled.calculated[0].id, gap.id);
  ASSERT_TRUE(gap.value.has_value());
  EXPECT_EQ(core::format_reported(*gap.value), "12");  // 140 - (104 + 24), without potassium
  EXPECT_EQ(gap.status, core::ResultStatus::kFinal);   // its inputs were released
}

}  // namespace
}  // namespace aliquot::lab
