// Qualifications wired into release_result and point-of-care ingestion (lab/qualification_check.h),
// and the people use cases that feed them (lab/people_records.h).

#include "lab/qualification_check.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"
#include "lab/people_records.h"
#include "people/continuing_education.h"
#include "people/requirements.h"

namespace aliquot::lab {
namespace {

// The fixture's clock starts on 2026-03-10.
core::PersonRecord technologist_record(const std::string& username) {
  core::PersonRecord person;
  person.person = username;
  person.role = core::Role::kTechnologist;
  person.certifications.push_back({"MLS(ASCP)", "MLS-1", date("2027-06-30"), date("2024-07-01")});
  return person;
}

class QualificationTest : public LabTest {
 protected:
  QualificationTest() { clock_.set(at("2026-03-10T12:00:00Z")); }

  void enforce(std::optional<std::string> state = std::nullopt) {
    SetQualificationPolicy command;
    command.enforce = true;
    command.lab_state = std::move(state);
    must(write([&](store::Transaction& tx) {
      return set_qualification_policy(tx, as("super"), command);
    }));
  }

  void save(const core::PersonRecord& person) {
    must(write([&](store::Transaction& tx) { return save_person(tx, as("super"), person); }));
  }

  Result<core::CompetencyEvent> record_event(const std::string& person,
                                             const std::string& test_system,
                                             core::CompetencyEventKind kind, const char* on,
                                             const std::string& actor = "super") {
    core::CompetencyEvent event;
    event.person = person;
    event.test_system = test_system;
    event.kind = kind;
    event.on = date(on);
    if (kind == core::CompetencyEventKind::kAssessed) {
      event.assessor = "super";
      for (std::string_view element : core::kCompetencyElements) {
        event.elements[std::string(element)] = "observed";
      }
    }
    return write(
        [&](store::Transaction& tx) { return record_competency_event(tx, as(actor), event); });
  }

  // Started on `test_system` two years ago, assessed at 6 and 12 months and last on 2025-12-01:
  // the annual assessment is due on 2026-12-01.
  void competent(const std::string& person, const std::string& test_system) {
    must(record_event(person, test_system, core::CompetencyEventKind::kStarted, "2024-01-02"));
    must(record_event(person, test_system, core::CompetencyEventKind::kAssessed, "2024-07-01"));
    must(record_event(person, test_system, core::CompetencyEventKind::kAssessed, "2025-01-02"));
    must(record_event(person, test_system, core::CompetencyEventKind::kAssessed, "2025-12-01"));
  }

  // A K value entered by the technician on a new specimen: its accession number.
  std::string entered_potassium(const std::string& mrn = "MRN-1") {
    const core::Specimen serum = received_order(mrn, {"K"})[0];
    enter(serum.accession_number, "K", "4.1");
    return serum.accession_number;
  }

  Result<core::TestResult> try_release(const std::string& accession_number, const std::string& user,
                                       const Context* context = nullptr) {
    ReleaseResult command{accession_number, "K"};
    return write([&](store::Transaction& tx) {
      return release_result(tx, context != nullptr ? *context : as(user), command);
    });
  }

  Result<PostedResults> post_point_of_care(const std::string& accession_number,
                                           const std::string& operator_id,
                                           const people::Requirements* personnel = nullptr) {
    PostResults command;
    command.accession_number = accession_number;
    command.values = {{"K", "4.2", "mmol/L", "OBX(1)", {}, operator_id}};
    command.source = "i-STAT 1";
    command.instrument = "istat-1";
    command.point_of_care = true;
    Context analyzer = as("analyzer");
    analyzer.personnel = personnel;
    return write([&](store::Transaction& tx) { return post_results(tx, analyzer, command); });
  }

  // A technician "tech" and a technologist "mls", both with records, in a lab that enforces
  // qualifications.
  void technician_and_technologist() {
    enforce();
    core::PersonRecord technician;
    technician.person = "tech";
    technician.role = core::Role::kTechnician;
    save(technician);
    save(technologist_record("mls"));
  }

  std::vector<core::HoldReason> holds_of(std::int64_t result_id) {
    return must(read([&](store::Transaction& tx) { return tx.holds_for_result(result_id); }));
  }
};

std::string message_of(const Error& error) { return error.message(); }

TEST_F(QualificationTest, NothingChangesUntilTheLabEnforcesQualifications) {
  const std::string accession = entered_potassium();
  EXPECT_TRUE(try_release(accession, "mls").has_value());
}

TEST_F(QualificationTest, AnEnforcingLabRefusesAReleaseBySomeoneWithoutARecord) {
  enforce();
  const std::string accession = entered_potassium();
  const Result<core::TestResult> refused = try_release(accession, "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(message_of(refused.error())
                .find("user 'mls' may not release K on " + accession + ": no personnel record"),
            std::string::npos)
      << refused.error().message();
  EXPECT_EQ(result_of(accession, "K").status, core::ResultStatus::kPreliminary);
}

TEST_F(QualificationTest, AQualifiedTechnologistReleasesAndCompetencyIsPerTestSystem) {
  enforce();
  save(technologist_record("mls"));
  const std::string accession = entered_potassium();
  // Competent on another test system only: the manual K entry is its own test system.
  competent("mls", "NA");
  const Result<core::TestResult> refused = try_release(accession, "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error()).find("competency on K: none recorded"), std::string::npos)
      << refused.error().message();
  competent("mls", "K");
  const core::TestResult released = must(try_release(accession, "mls"));
  EXPECT_EQ(released.status, core::ResultStatus::kFinal);
  EXPECT_EQ(released.released_by, "mls");
}

TEST_F(QualificationTest, AnAmtScientistQualifiesUnderTheCredentialsNewName) {
  enforce();
  core::PersonRecord person = technologist_record("mls");
  person.certifications[0].credential = "MLS(AMT)";
  save(person);
  competent("mls", "K");
  EXPECT_TRUE(try_release(entered_potassium(), "mls").has_value());
}

TEST_F(QualificationTest, ACertificationIsValidThroughItsExpiryDayAndNotTheDayAfter) {
  enforce();
  core::PersonRecord person = technologist_record("mls");
  person.certifications[0].expires = date("2026-03-10");  // today
  save(person);
  competent("mls", "K");
  EXPECT_TRUE(try_release(entered_potassium("MRN-1"), "mls").has_value());

  person.certifications[0].expires = date("2026-03-09");  // yesterday
  save(person);
  const Result<core::TestResult> refused = try_release(entered_potassium("MRN-2"), "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error())
                .find("needs a current MLS(ASCP), MT(AMT) or MLS(AMT) certification (MLS(ASCP) "
                      "MLS-1 expired on 2026-03-09)"),
            std::string::npos)
      << refused.error().message();
}

TEST_F(QualificationTest, ALabInALicensureStateNeedsItsLicenceAndOthersDoNot) {
  enforce("TX");  // no licensure of laboratory personnel
  core::PersonRecord person = technologist_record("mls");
  save(person);
  competent("mls", "K");
  EXPECT_TRUE(try_release(entered_potassium("MRN-1"), "mls").has_value());

  enforce("CA");
  const std::string accession = entered_potassium("MRN-2");
  const Result<core::TestResult> refused = try_release(accession, "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error()).find("needs a current CA licence (none recorded)"),
            std::string::npos)
      << refused.error().message();
  person.licences.push_back({"ca", "CLS", "CLS-9", date("2027-01-31")});
  save(person);
  EXPECT_TRUE(try_release(accession, "mls").has_value());
}

TEST_F(QualificationTest, ASupervisorsExceptionLetsThemReleaseAndIsNamedInTheAuditTrail) {
  enforce();
  save(technologist_record("mls"));
  const std::string accession = entered_potassium();
  core::QualificationException exception;
  exception.person = "mls";
  exception.section = "chemistry";
  exception.test_system = "K";
  exception.from = date("2026-03-10");
  exception.until = date("2026-03-20");
  exception.reason = "assessment booked for 2026-03-18";
  const core::QualificationException granted = must(write([&](store::Transaction& tx) {
    return grant_qualification_exception(tx, as("super"), exception);
  }));
  EXPECT_EQ(granted.granted_by, "super");
  const std::size_t before = audit_size();
  must(try_release(accession, "mls"));
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "result.release");
  EXPECT_NE(entries[0].reason.find("released under qualification exception " +
                                   std::to_string(granted.id) +
                                   " granted by super through "
                                   "2026-03-20: assessment booked for 2026-03-18"),
            std::string::npos)
      << entries[0].reason;

  // The day after it ends, it no longer covers them.
  clock_.set(at("2026-03-21T12:00:00Z"));
  EXPECT_FALSE(try_release(entered_potassium("MRN-2"), "mls").has_value());
}

TEST_F(QualificationTest, ExceptionsAreLimitedDocumentedNotBackdatedAndNotSelfGranted) {
  save(technologist_record("mls"));
  core::PersonRecord supervisor = technologist_record("super");
  supervisor.role = core::Role::kSupervisor;
  save(supervisor);
  core::QualificationException exception;
  exception.person = "mls";
  exception.section = "chemistry";
  exception.from = date("2026-03-10");
  exception.until = date("2026-04-08");  // 30 days: the most the default requirements allow
  exception.reason = "licence renewal in the mail";
  const auto grant = [&](const core::QualificationException& asked, const std::string& actor) {
    return write([&](store::Transaction& tx) {
      return grant_qualification_exception(tx, as(actor), asked);
    });
  };
  EXPECT_TRUE(grant(exception, "super").has_value());

  core::QualificationException too_long = exception;
  too_long.until = date("2026-04-09");
  const Result<core::QualificationException> refused = grant(too_long, "super");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error()).find("it lasts 31 days, more than the 30"),
            std::string::npos)
      << refused.error().message();

  core::QualificationException backdated = exception;
  backdated.from = date("2026-03-09");
  backdated.reason = "";
  const Result<core::QualificationException> undocumented = grant(backdated, "super");
  ASSERT_FALSE(undocumented.has_value());
  EXPECT_NE(message_of(undocumented.error()).find("the reason is missing"), std::string::npos);
  EXPECT_NE(message_of(undocumented.error()).find("never backdated"), std::string::npos);

  core::QualificationException own = exception;
  own.person = "super";
  EXPECT_EQ(grant(own, "super").error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(grant(exception, "mls").error().code(), ErrorCode::kPermissionDenied);
}

// Requirements under which a technologist reviews and releases what a technician performs in
// chemistry.
people::RequirementsLoad technician_review_requirements() {
  return people::load_requirements(R"(
[personnel]
name = "review test"
version = "1"

[[role]]
role = "technician"
credentials = []

[[role]]
role = "technologist"
credentials = []

[[review]]
performed_by = "technician"
sections = ["chemistry"]
reviewed_by = ["technologist", "supervisor"]
)",
                                   "review.toml");
}

TEST_F(QualificationTest, TheReviewPolicyKeepsTheReleaseForTheReviewingRole) {
  people::RequirementsLoad load = technician_review_requirements();
  ASSERT_TRUE(load.requirements.has_value());
  technician_and_technologist();
  competent("tech", "K");
  competent("mls", "K");
  const std::string accession = entered_potassium();
  Context tech = as("tech");
  tech.personnel = &*load.requirements;
  const Result<core::TestResult> refused = try_release(accession, "tech", &tech);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error())
                .find("technician results in chemistry are released by a technologist or "
                      "supervisor"),
            std::string::npos)
      << refused.error().message();
  Context mls = as("mls");
  mls.personnel = &*load.requirements;
  EXPECT_TRUE(try_release(accession, "mls", &mls).has_value());
}

TEST_F(QualificationTest, PointOfCareValuesOfAnOperatorNotQualifiedAreHeldAtIngestion) {
  enforce();
  save(technologist_record("mls"));
  competent("mls", "istat-1");
  core::PersonRecord lapsed = technologist_record("path");
  lapsed.role = core::Role::kPathologist;
  lapsed.certifications.clear();
  save(lapsed);

  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  const PostedResults qualified = must(post_point_of_care(first.accession_number, "mls"));
  EXPECT_TRUE(holds_of(qualified.results[0].id).empty());

  const core::Specimen second = received_order("MRN-2", {"K"})[0];
  const PostedResults held = must(post_point_of_care(second.accession_number, "path"));
  EXPECT_EQ(held.autoverified, 0);
  const std::vector<core::HoldReason> holds = holds_of(held.results[0].id);
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].category, kOperatorQualificationHold);
  EXPECT_NE(holds[0].message.find("operator path may not perform chemistry tests on istat-1: "),
            std::string::npos)
      << holds[0].message;
  EXPECT_NE(holds[0].message.find("competency on istat-1: none recorded"), std::string::npos)
      << holds[0].message;

  const core::Specimen third = received_order("MRN-3", {"K"})[0];
  const PostedResults anonymous = must(post_point_of_care(third.accession_number, ""));
  const std::vector<core::HoldReason> unidentified = holds_of(anonymous.results[0].id);
  ASSERT_EQ(unidentified.size(), 1u);
  EXPECT_NE(unidentified[0].message.find("did not identify its operator"), std::string::npos);
}

TEST_F(QualificationTest, PointOfCareValuesTheLabReviewsWaitForTheReviewerAndNameThePerformer) {
  people::RequirementsLoad load = technician_review_requirements();
  ASSERT_TRUE(load.requirements.has_value());
  technician_and_technologist();
  competent("tech", "istat-1");
  competent("mls", "istat-1");

  // The technologist's own value is not reviewed by anyone.
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  const PostedResults by_mls =
      must(post_point_of_care(first.accession_number, "mls", &*load.requirements));
  EXPECT_TRUE(holds_of(by_mls.results[0].id).empty());
  EXPECT_EQ(result_of(first.accession_number, "K").performed_by, "mls");

  // The technician is qualified on the device, and their chemistry results are reviewed.
  const core::Specimen second = received_order("MRN-2", {"K"})[0];
  const PostedResults by_tech =
      must(post_point_of_care(second.accession_number, "tech", &*load.requirements));
  EXPECT_EQ(by_tech.autoverified, 0);
  const std::vector<core::HoldReason> holds = holds_of(by_tech.results[0].id);
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].category, kOperatorReviewHold);
  EXPECT_EQ(holds[0].action, "review");
  EXPECT_EQ(holds[0].observed, "operator tech, technician");
  EXPECT_EQ(holds[0].message,
            "performed by tech: technician results in chemistry are released by a technologist "
            "or supervisor");
  const core::TestResult stored = result_of(second.accession_number, "K");
  EXPECT_EQ(stored.performed_by, "tech");
  EXPECT_EQ(stored.instrument, "istat-1");
  EXPECT_EQ(stored.entered_by, "analyzer");

  Context tech = as("tech");
  tech.personnel = &*load.requirements;
  EXPECT_EQ(try_release(second.accession_number, "tech", &tech).error().code(),
            ErrorCode::kPermissionDenied);
  Context mls = as("mls");
  mls.personnel = &*load.requirements;
  const core::TestResult released = must(try_release(second.accession_number, "mls", &mls));
  EXPECT_EQ(released.released_by, "mls");
  EXPECT_EQ(released.performed_by, "tech");  // the reviewer releases; the performer stays
}

TEST_F(QualificationTest, AValueEnteredByHandIsPerformedByWhoeverEnteredIt) {
  const std::string accession = entered_potassium();
  const core::TestResult entered = result_of(accession, "K");
  EXPECT_EQ(entered.performed_by, entered.entered_by);
  EXPECT_FALSE(entered.performed_by.empty());
  EXPECT_EQ(entered.instrument, "");
}

TEST_F(QualificationTest, ARecordBelongsToAUserAccountOfTheSameRole) {
  core::PersonRecord stranger = technologist_record("nobody");
  EXPECT_EQ(write([&](store::Transaction& tx) { return save_person(tx, as("super"), stranger); })
                .error()
                .code(),
            ErrorCode::kNotFound);
  core::PersonRecord wrong_role = technologist_record("tech");
  const Result<core::PersonRecord> refused =
      write([&](store::Transaction& tx) { return save_person(tx, as("super"), wrong_role); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(
      message_of(refused.error()).find("says technologist but the user account is technician"),
      std::string::npos);
  EXPECT_EQ(write([&](store::Transaction& tx) {
              return save_person(tx, as("tech"), technologist_record("mls"));
            })
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(QualificationTest, ARecordsPeriodsOfExperienceAreCheckedBeforeItIsStored) {
  core::PersonRecord person = technologist_record("mls");
  core::ExperiencePeriod backwards;
  backwards.laboratory = "County lab";
  backwards.from = date("2024-02-01");
  backwards.to = date("2024-01-31");
  core::ExperiencePeriod unnamed;
  unnamed.from = date("2024-02-01");
  unnamed.full_time_share = 1.5;
  person.education.experience = {backwards, unnamed};
  const Result<core::PersonRecord> refused =
      write([&](store::Transaction& tx) { return save_person(tx, as("super"), person); });
  ASSERT_FALSE(refused.has_value());
  const std::string message = message_of(refused.error());
  EXPECT_NE(message.find("experience 1 (County lab): ends on 2024-01-31, before it began on "
                         "2024-02-01"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("experience 2: the laboratory is missing"), std::string::npos) << message;
  EXPECT_NE(message.find("experience 2: the share of full time must be more than 0 and at "
                         "most 1"),
            std::string::npos)
      << message;
}

TEST_F(QualificationTest, CompetencyEventsAreCheckedBeforeTheyAreRecorded) {
  save(technologist_record("mls"));
  EXPECT_EQ(record_event("mls", "K", core::CompetencyEventKind::kStarted, "2026-03-01", "tech")
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  const Result<core::CompetencyEvent> future =
      record_event("mls", "K", core::CompetencyEventKind::kStarted, "2026-03-11");
  ASSERT_FALSE(future.has_value());
  EXPECT_NE(message_of(future.error()).find("after today (2026-03-10)"), std::string::npos);
  EXPECT_EQ(
      record_event("tech", "K", core::CompetencyEventKind::kStarted, "2026-03-01").error().code(),
      ErrorCode::kNotFound);
}

TEST_F(QualificationTest, PeopleRecordTheirOwnContinuingEducationAndSupervisorsAnyones) {
  save(technologist_record("mls"));
  core::CeActivity activity;
  activity.person = "mls";
  activity.date = date("2026-02-01");
  activity.category = "blood-banking";
  activity.points = 2;
  const auto record = [&](const core::CeActivity& asked, const std::string& actor) {
    return write([&](store::Transaction& tx) {
      return record_ce_activity(tx, as(actor), people::default_ce_rules(), asked);
    });
  };
  EXPECT_TRUE(record(activity, "mls").has_value());
  EXPECT_TRUE(record(activity, "super").has_value());
  EXPECT_EQ(record(activity, "tech").error().code(), ErrorCode::kPermissionDenied);
  core::CeActivity unknown = activity;
  unknown.category = "astrology";
  const Result<core::CeActivity> refused = record(unknown, "mls");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(message_of(refused.error()).find("unknown category 'astrology'"), std::string::npos);
  const PersonSummary summary =
      must(read([&](store::Transaction& tx) { return person_summary(tx, as("mls"), "mls", 30); }));
  EXPECT_EQ(summary.ce_activities.size(), 2u);
}

}  // namespace
}  // namespace aliquot::lab
