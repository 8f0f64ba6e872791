#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class EnterResultTest : public LabTest {
 protected:
  Result<core::TestResult> enter_as(const std::string& user, const std::string& accession_number,
                                    const std::string& code, const std::string& value,
                                    const std::string& unit = "") {
    EnterResult command;
    command.accession_number = accession_number;
    command.test_code = code;
    command.value = value;
    command.unit = unit;
    return write([&](store::Transaction& tx) { return enter_result(tx, as(user), command); });
  }
  Result<core::TestResult> release_as(const std::string& user, const std::string& accession_number,
                                      const std::string& code) {
    ReleaseResult command;
    command.accession_number = accession_number;
    command.test_code = code;
    return write([&](store::Transaction& tx) { return release_result(tx, as(user), command); });
  }
};

TEST_F(EnterResultTest, RecordsAPreliminaryFlaggedValue) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const core::TestResult k = must(enter_as("tech", serum.accession_number, "k", "5.4", "mmol/L"));
  EXPECT_EQ(k.test_code, "K");
  EXPECT_EQ(k.status, core::ResultStatus::kPreliminary);
  ASSERT_TRUE(k.value.has_value());
  EXPECT_DOUBLE_EQ(k.value->number, 5.4);
  EXPECT_EQ(k.value->unit, "mmol/L");
  EXPECT_EQ(k.flag, core::AbnormalFlag::kHigh);
  EXPECT_EQ(k.reference_range, "3.5-5.1");
  EXPECT_EQ(k.entered_at, clock_.now());
  EXPECT_EQ(k.entered_by, "tech");
  EXPECT_EQ(result_of(serum.accession_number, "K").flag, core::AbnormalFlag::kHigh);
}

TEST_F(EnterResultTest, FlagsAgainstTheIntervalOfThePatientsSex) {
  patient("MRN-M", core::AdministrativeSex::kMale, date("1970-01-01"));
  patient("MRN-F", core::AdministrativeSex::kFemale, date("1970-01-01"));
  const core::Specimen male = received_order("MRN-M", {"HGB"})[0];
  const core::Specimen female = received_order("MRN-F", {"HGB"})[0];
  const core::TestResult m = enter(male.accession_number, "HGB", "13.0");
  const core::TestResult f = enter(female.accession_number, "HGB", "13.0");
  EXPECT_EQ(m.flag, core::AbnormalFlag::kLow);
  EXPECT_EQ(m.reference_range, "13.5-17.5");
  EXPECT_EQ(f.flag, core::AbnormalFlag::kNone);
  EXPECT_EQ(f.reference_range, "12.0-15.5");
}

TEST_F(EnterResultTest, UsesThePatientsAgeOnTheDayOfCollection) {
  // Born 2026-02-08: 29 days old on 2026-03-09 (newborn band [0, 30d)), 30 days on 2026-03-10.
  clock_.set(at("2026-03-09T23:00:00Z"));
  patient("MRN-BABY", core::AdministrativeSex::kMale, date("2026-02-08"));
  const core::Order order = this->order("MRN-BABY", {"HGB"});
  AccessionOrder command;
  command.order_number = order.order_number;
  const core::Specimen specimen = must(
      write([&](store::Transaction& tx) { return accession_order(tx, as("clerk"), command); }))[0];
  // Received and tested on 2026-03-10, when the baby is 30 days old: still the newborn band.
  clock_.set(at("2026-03-10T01:00:00Z"));
  receive(specimen.accession_number);
  const core::TestResult day_before = enter(specimen.accession_number, "HGB", "16.0");
  EXPECT_EQ(day_before.reference_range, "13.5-21.5");
  EXPECT_EQ(day_before.flag, core::AbnormalFlag::kNone);

  // Collected on the day of the band boundary: the male interval applies and 16.0 is normal but
  // 18.0 high.
  const core::Specimen next = received_order("MRN-BABY", {"HGB"})[0];
  const core::TestResult day_of = enter(next.accession_number, "HGB", "18.0");
  EXPECT_EQ(day_of.reference_range, "13.5-17.5");
  EXPECT_EQ(day_of.flag, core::AbnormalFlag::kHigh);
}

TEST_F(EnterResultTest, MarksACriticalValue) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  EXPECT_EQ(enter(serum.accession_number, "K", "2.5").flag, core::AbnormalFlag::kCriticalLow);
  EXPECT_EQ(enter(serum.accession_number, "K", "2.6").flag, core::AbnormalFlag::kLow);
  EXPECT_EQ(enter(serum.accession_number, "K", "6.5").flag, core::AbnormalFlag::kCriticalHigh);
}

TEST_F(EnterResultTest, JudgesAValueBelowTheMeasuringRangeByItsLimit) {
  const core::Specimen serum = received_order("MRN-1", {"TROPI"})[0];
  const core::TestResult troponin = enter(serum.accession_number, "TROPI", "<0.01");
  EXPECT_EQ(troponin.flag, core::AbnormalFlag::kNone);
  EXPECT_EQ(troponin.value->comparator, "<");
  EXPECT_EQ(core::format_reported(*troponin.value), "<0.01");
}

TEST_F(EnterResultTest, FlagsAnAbnormalCodedAnswer) {
  const core::Specimen urine = received_order("MRN-1", {"UNIT"})[0];
  const core::TestResult nitrite = enter(urine.accession_number, "UNIT", "Positive");
  EXPECT_EQ(nitrite.value->text, "positive");
  EXPECT_EQ(nitrite.flag, core::AbnormalFlag::kAbnormal);
}

TEST_F(EnterResultTest, ReplacesAPreliminaryValueWithBothInTheAuditTrail) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  clock_.advance(std::chrono::minutes(2));
  const std::size_t before = audit_size();
  const core::TestResult again = enter(serum.accession_number, "K", "4.3", "mls");
  EXPECT_DOUBLE_EQ(again.value->number, 4.3);
  EXPECT_EQ(again.entered_by, "mls");
  EXPECT_EQ(again.revision, 0);  // no call was made: nothing was communicated
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "result.enter");
  EXPECT_EQ(added[0].entity_key, serum.accession_number + "/K");
  EXPECT_EQ(added[0].accession_number, serum.accession_number);
  EXPECT_EQ(added[0].test_code, "K");
  EXPECT_EQ(added[0].patient_mrn, "MRN-1");
  EXPECT_NE(added[0].before.find("\"reported\":\"4.1\""), std::string::npos);
  EXPECT_NE(added[0].after.find("\"reported\":\"4.3\""), std::string::npos);
}

TEST_F(EnterResultTest, RefusesASpecimenNotReceived) {
  patient("MRN-1");
  const core::Specimen collected = accession(order("MRN-1", {"K"}).order_number)[0];
  const Result<core::TestResult> refused = enter_as("tech", collected.accession_number, "K", "4.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(), "specimen " + collected.accession_number +
                                           " is not received yet; receive it before entering "
                                           "results");
}

TEST_F(EnterResultTest, RefusesAnUnknownTestCode) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<core::TestResult> refused = enter_as("tech", serum.accession_number, "KX", "4.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(),
            "unknown test code 'KX' (not in catalog '" + catalog_->name() + "')");
}

TEST_F(EnterResultTest, RefusesATestNotOrderedOnTheSpecimen) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<core::TestResult> refused = enter_as("tech", serum.accession_number, "NA", "140");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(),
            "test NA is not ordered on specimen " + serum.accession_number);
}

TEST_F(EnterResultTest, RefusesAReleasedResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  const Result<core::TestResult> refused = enter_as("tech", serum.accession_number, "K", "4.5");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "result K on " + serum.accession_number + " is already released; use correct");
}

TEST_F(EnterResultTest, RefusesAValueThatIsNotAPlainDecimalNamingTheTest) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<core::TestResult> refused = enter_as("tech", serum.accession_number, "K", "4,1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "value '4,1' for test K (Potassium) is not a plain decimal number: ',' is not "
            "accepted; use '.' as the decimal point and no separators");
}

TEST_F(EnterResultTest, RefusesAUnitOtherThanTheCatalogs) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<core::TestResult> refused =
      enter_as("tech", serum.accession_number, "K", "4.1", "mEq/L");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "unit 'mEq/L' does not match the unit 'mmol/L' of test K (Potassium)");
}

TEST_F(EnterResultTest, RefusesRolesThatMayNotEnterResults) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  for (const auto& [user, message] : std::vector<std::pair<std::string, std::string>>{
           {"clerk", "user 'clerk' (clerk) may not enter results"},
           {"doc", "user 'doc' (clinician) may not enter results"},
           {"admin", "user 'admin' (admin) may not enter results"},
           {"gone", "user 'gone' is inactive and may not enter results"}}) {
    const Result<core::TestResult> refused = enter_as(user, serum.accession_number, "K", "4.1");
    ASSERT_FALSE(refused.has_value()) << user;
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_EQ(refused.error().message(), message);
  }
  for (const char* user : {"tech", "mls", "super", "path"}) {
    EXPECT_TRUE(enter_as(user, serum.accession_number, "K", "4.1").has_value()) << user;
  }
}

TEST_F(EnterResultTest, ReleaseMakesAPreliminaryResultFinal) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  clock_.advance(std::chrono::minutes(7));
  const std::size_t before = audit_size();
  const core::TestResult released = must(release_as("tech", serum.accession_number, "K"));
  EXPECT_EQ(released.status, core::ResultStatus::kFinal);
  EXPECT_EQ(released.released_at, clock_.now());
  EXPECT_EQ(released.released_by, "tech");
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "result.release");
  EXPECT_EQ(added[0].entity_key, serum.accession_number + "/K");
  EXPECT_NE(added[0].after.find("\"status\":\"final\""), std::string::npos);
}

TEST_F(EnterResultTest, ReleaseRefusesAResultWithoutValue) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const Result<core::TestResult> refused = release_as("tech", serum.accession_number, "K");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "result K on " + serum.accession_number + " has no value to release");
}

TEST_F(EnterResultTest, ReleaseRefusesAResultAlreadyReleased) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  const Result<core::TestResult> again = release_as("tech", serum.accession_number, "K");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().message(),
            "result K on " + serum.accession_number + " is already released");
}

TEST_F(EnterResultTest, ReleaseRefusesACriticalResultWithoutADocumentedCall) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "2.4");
  const std::size_t before = audit_size();
  const Result<core::TestResult> refused = release_as("tech", serum.accession_number, "K");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "critical result K 2.4 mmol/L (LL) on " + serum.accession_number +
                " cannot be released before the call to a caregiver is documented with "
                "read-back");
  EXPECT_EQ(audit_size(), before);
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
}

TEST_F(EnterResultTest, ReleaseRefusesACancelledResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  RejectSpecimen reject;
  reject.accession_number = serum.accession_number;
  reject.reason = core::RejectionReason::kClotted;
  must(write([&](store::Transaction& tx) { return reject_specimen(tx, as("tech"), reject); }));
  const Result<core::TestResult> refused = release_as("tech", serum.accession_number, "K");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "result K on " + serum.accession_number + " is cancelled (specimen rejected: clotted)");
}

TEST_F(EnterResultTest, ReleaseRefusesRolesThatMayNotRelease) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  for (const auto& [user, message] : std::vector<std::pair<std::string, std::string>>{
           {"clerk", "user 'clerk' (clerk) may not release results"},
           {"doc", "user 'doc' (clinician) may not release results"},
           {"admin", "user 'admin' (admin) may not release results"}}) {
    const Result<core::TestResult> refused = release_as(user, serum.accession_number, "K");
    ASSERT_FALSE(refused.has_value()) << user;
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_EQ(refused.error().message(), message);
  }
  EXPECT_TRUE(release_as("path", serum.accession_number, "K").has_value());
}

}  // namespace
}  // namespace aliquot::lab
