#include "people/qualification.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"

namespace aliquot::people {
namespace {

using core::Role;

using test_support::date;

// Licensure in CA (from 1 January 2020 in this file) and NY; technicians hold an MLT or MLS
// certification and a licence; pathologists need neither; microbiology is for technologists, and
// chemistry results of technicians are reviewed.
Requirements requirements() {
  RequirementsLoad loaded = load_requirements(
      "[personnel]\nname = \"test\"\nversion = \"1\"\n"
      "[[licensure]]\nstate = \"CA\"\neffective = \"2020-01-01\"\n"
      "[[licensure]]\nstate = \"NY\"\n"
      "[[role]]\nrole = \"technician\"\ncredentials = [\"MLT(ASCP)\", \"MLS(ASCP)\"]\n"
      "[[role]]\nrole = \"technologist\"\ncredentials = [\"MLS(ASCP)\"]\n"
      "[[role]]\nrole = \"pathologist\"\ncredentials = []\nlicence = false\n"
      "[[section]]\nsection = \"microbiology\"\nroles = [\"technologist\", \"pathologist\"]\n"
      "[[review]]\nperformed_by = \"technician\"\nsections = [\"chemistry\"]\n"
      "reviewed_by = [\"technologist\"]\n",
      "personnel.toml");
  EXPECT_TRUE(loaded.requirements.has_value());
  return std::move(*loaded.requirements);
}

CompetencyHistory current_competency() {
  CompetencyHistory history;
  history.started_testing = date("2020-01-06");
  history.assessments = {date("2020-07-01"), date("2021-01-04"), date("2026-06-01")};
  return history;
}

core::PersonRecord technician() {
  core::PersonRecord person;
  person.person = "jdoe";
  person.role = Role::kTechnician;
  person.certifications = {{"MLT(ASCP)", "12345", date("2026-11-23"), std::nullopt}};
  person.licences = {{"CA", "MLT", "MLT-777", date("2027-03-31")}};
  return person;
}

QualificationQuestion chemistry_in(const char* state, const char* on) {
  QualificationQuestion question;
  question.section = "chemistry";
  question.test_system = "CHEM";
  question.competency = current_competency();
  question.lab_state = state;
  question.on = date(on);
  return question;
}

TEST(ValidOn, IsValidThroughTheDayItExpires) {
  EXPECT_TRUE(core::valid_on(date("2026-11-23"), date("2026-11-23")));
  EXPECT_FALSE(core::valid_on(date("2026-11-22"), date("2026-11-23")));
  EXPECT_TRUE(core::valid_on(std::nullopt, date("2026-11-23")));
}

TEST(CheckQualification, AQualifiedTechnicianIsQualifiedWithTheReviewTheLabAsksFor) {
  const QualificationAnswer answer =
      check_qualification(requirements(), technician(), chemistry_in("CA", "2026-11-23"));
  EXPECT_TRUE(answer.qualified()) << answer.missing.front();
  EXPECT_EQ(answer.reviewed_by, std::vector<Role>{Role::kTechnologist});
}

TEST(CheckQualification, ACertificationThatExpiredYesterdayIsMissingWithItsNumberAndDate) {
  const QualificationAnswer answer =
      check_qualification(requirements(), technician(), chemistry_in("CA", "2026-11-24"));
  EXPECT_EQ(answer.missing,
            std::vector<std::string>{"needs a current MLT(ASCP) or MLS(ASCP) certification "
                                     "(MLT(ASCP) 12345 expired on 2026-11-23)"});
}

TEST(CheckQualification, ALaterCertificationThatIsCurrentQualifies) {
  core::PersonRecord person = technician();
  person.certifications.push_back({"MLS(ASCP)", "99", std::nullopt, std::nullopt});
  EXPECT_TRUE(
      check_qualification(requirements(), person, chemistry_in("CA", "2027-01-01")).qualified());
}

TEST(CheckQualification, ALicenceIsNeededOnlyWhereAndWhenTheStateLicenses) {
  core::PersonRecord person = technician();
  person.licences.clear();
  EXPECT_EQ(check_qualification(requirements(), person, chemistry_in("CA", "2026-11-23")).missing,
            std::vector<std::string>{"needs a current CA licence (none recorded)"});
  // Before California's licensure took effect in this file, and in a state without licensure.
  QualificationQuestion before = chemistry_in("CA", "2019-12-31");
  before.competency->started_testing = date("2019-09-01");
  EXPECT_TRUE(check_qualification(requirements(), person, before).qualified());
  EXPECT_TRUE(
      check_qualification(requirements(), person, chemistry_in("TX", "2026-11-23")).qualified());
  // A licence of another state does not count.
  person.licences = {{"CA", "MLT", "MLT-777", date("2027-03-31")}};
  EXPECT_EQ(check_qualification(requirements(), person, chemistry_in("NY", "2026-11-23")).missing,
            std::vector<std::string>{"needs a current NY licence (none recorded)"});
  person.licences.push_back({"NY", "CLT", "0042", date("2026-10-31")});
  EXPECT_EQ(check_qualification(requirements(), person, chemistry_in("NY", "2026-11-23")).missing,
            std::vector<std::string>{"needs a current NY licence (NY licence CLT 0042 expired on "
                                     "2026-10-31)"});
}

TEST(CheckQualification, ARoleMayBeKeptOutOfASection) {
  QualificationQuestion micro = chemistry_in("TX", "2026-11-23");
  micro.section = "microbiology";
  EXPECT_EQ(
      check_qualification(requirements(), technician(), micro).missing,
      std::vector<std::string>{"role technician may not perform or release microbiology tests"});
}

TEST(CheckQualification, ARoleWithoutRequirementsMayNotReleaseAtAll) {
  core::PersonRecord clerk = technician();
  clerk.role = Role::kClerk;
  EXPECT_EQ(check_qualification(requirements(), clerk, chemistry_in("CA", "2026-11-23")).missing,
            std::vector<std::string>{"role clerk may not perform or release tests"});
}

TEST(CheckQualification, CompetencyMustBeRecordedAndUnexpired) {
  QualificationQuestion question = chemistry_in("TX", "2027-06-02");
  EXPECT_EQ(check_qualification(requirements(), technician(), question).missing,
            (std::vector<std::string>{
                "needs a current MLT(ASCP) or MLS(ASCP) certification (MLT(ASCP) 12345 expired "
                "on 2026-11-23)",
                "competency on CHEM: annual assessment was due on 2027-06-01"}));
  question.on = date("2026-11-23");
  question.competency.reset();
  EXPECT_EQ(check_qualification(requirements(), technician(), question).missing,
            std::vector<std::string>{
                "competency on CHEM: none recorded (no start of testing or assessment)"});
  question.competency = current_competency();
  question.competency->method_changes = {date("2026-11-01")};
  EXPECT_EQ(check_qualification(requirements(), technician(), question).missing,
            std::vector<std::string>{"competency on CHEM: assessment before reporting with the "
                                     "method or instrument introduced on 2026-11-01"});
}

TEST(CheckQualification, APathologistNeedsNoCertificationOrLaboratoryLicence) {
  core::PersonRecord pathologist;
  pathologist.person = "drsmith";
  pathologist.role = Role::kPathologist;
  QualificationQuestion micro = chemistry_in("CA", "2026-11-23");
  micro.section = "microbiology";
  EXPECT_TRUE(check_qualification(requirements(), pathologist, micro).qualified());
}

}  // namespace
}  // namespace aliquot::people
