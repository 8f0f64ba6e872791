// The lab's people in its database through `aliquot people save|competency-event|show|policy|
// expiring|eligibility|export`, and the qualification check a release then meets, as a lab's
// administrator and supervisor script them.

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "core/time.h"
#include "support/xlsx_reader.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSupervisor = "sup1";

// A day counted from the real today, since the commands run on the machine's clock.
std::string day_from_today(int days) {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return core::format_date(core::Date(today + std::chrono::days(days)));
}

class PeopleInTheLab : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    succeed({"user", "add", kSupervisor, "--role", "supervisor"}, kAdmin);
  }

  std::string technologist_file(const std::string& expires) {
    return lab_.write_file("mls1.toml",
                           "[person]\n"
                           "id = \"mls1\"\n"
                           "name = \"Maria Lopez\"\n"
                           "role = \"technologist\"\n"
                           "employment_start = \"2020-02-03\"\n"
                           "[education]\n"
                           "degree = \"baccalaureate\"\n"
                           "[[certification]]\n"
                           "credential = \"MLS(ASCP)\"\n"
                           "number = \"MLS-4711\"\n"
                           "expires = \"" +
                               expires + "\"\n");
  }

  // Started on the manual K procedure three years ago; last assessed 100 days ago.
  void competent_on_potassium() {
    succeed({"people", "competency-event", "mls1", "--test-system", "K", "--event", "started",
             "--date", day_from_today(-1100)},
            kSupervisor);
    for (const int ago : {-950, -750, -100}) {
      succeed({"people",
               "competency-event",
               "mls1",
               "--test-system",
               "K",
               "--event",
               "assessed",
               "--date",
               day_from_today(ago),
               "--assessor",
               kSupervisor,
               "--element",
               "direct-observation=observed patient runs",
               "--element",
               "monitoring-reporting=reviewed reports",
               "--element",
               "record-review=QC and maintenance records",
               "--element",
               "maintenance-observation=not applicable: manual procedure",
               "--element",
               "blind-samples=two PT samples",
               "--element",
               "problem-solving=quiz"},
              kSupervisor);
    }
  }

  // A K value entered by the technician: the specimen's accession number.
  std::string entered_potassium(const std::string& mrn) {
    const nlohmann::json specimens = received_order(mrn, "K");
    const std::string serum = accession_with(specimens, "K");
    succeed({"result", "enter", serum, "K", "4.2"}, kTechnician);
    return serum;
  }
};

TEST_F(PeopleInTheLab, AReleaseNeedsTheRecordTheCertificationAndTheCompetencyOnceEnforced) {
  const nlohmann::json policy =
      succeed_json({"people", "policy", "--enforce", "on", "--state", "TX"}, kSupervisor);
  EXPECT_EQ(policy["enforced"], true);
  EXPECT_EQ(policy["state"], "TX");

  const std::string serum = entered_potassium("MRN-1");
  const CommandOutput no_record = lab_.run({"result", "release", serum, "K"}, kTechnologist);
  EXPECT_NE(no_record.exit_code, 0);
  EXPECT_THAT(no_record.err,
              HasSubstr("user 'mls1' may not release K on " + serum + ": no personnel record"));

  succeed({"people", "save", technologist_file(day_from_today(400))}, kAdmin);
  const CommandOutput no_competency = lab_.run({"result", "release", serum, "K"}, kTechnologist);
  EXPECT_NE(no_competency.exit_code, 0);
  EXPECT_THAT(no_competency.err, HasSubstr("competency on K: none recorded"));

  competent_on_potassium();
  succeed({"result", "release", serum, "K"}, kTechnologist);

  // A certification that lapsed yesterday stops the next release, naming it.
  succeed({"people", "save", technologist_file(day_from_today(-1))}, kAdmin);
  const std::string next = entered_potassium("MRN-2");
  const CommandOutput lapsed = lab_.run({"result", "release", next, "K"}, kTechnologist);
  EXPECT_NE(lapsed.exit_code, 0);
  EXPECT_THAT(lapsed.err, HasSubstr("MLS(ASCP) MLS-4711 expired on " + day_from_today(-1)));

  // Until the renewal arrives, the supervisor lets them work for a week, documented.
  succeed({"people", "exception", "mls1", "--section", "chemistry", "--until", day_from_today(6),
           "--reason", "renewal confirmed by ASCP, card in the mail"},
          kSupervisor);
  succeed({"result", "release", next, "K"}, kTechnologist);
  const CommandOutput trail = succeed({"audit", "show", "--specimen", next}, kTechnologist);
  EXPECT_THAT(trail.out, HasSubstr("qualification exception"));
}

TEST_F(PeopleInTheLab, ShowsAPersonsCompetencyAndListsWhatLapsesSoon) {
  succeed({"people", "save", technologist_file(day_from_today(45))}, kAdmin);
  competent_on_potassium();
  const nlohmann::json shown = succeed_json({"people", "show", "mls1"}, kSupervisor);
  EXPECT_EQ(shown["person"]["name"], "Maria Lopez");
  EXPECT_EQ(shown["person"]["employment_start"], "2020-02-03");
  ASSERT_EQ(shown["competency"].size(), 1u) << shown.dump(2);
  EXPECT_EQ(shown["competency"][0]["test_system"], "K");
  EXPECT_EQ(shown["competency"][0]["state"], "current");
  EXPECT_EQ(shown["competency"][0]["due"], day_from_today(-100 + 365));
  EXPECT_EQ(shown["competency"][0]["events"].size(), 4u);

  const nlohmann::json within_60 =
      succeed_json({"people", "expiring", "--within", "60"}, kSupervisor);
  ASSERT_EQ(within_60["items"].size(), 1u) << within_60.dump(2);
  EXPECT_EQ(within_60["items"][0]["person"], "mls1");
  EXPECT_EQ(within_60["items"][0]["days_left"], 45);
  const nlohmann::json within_30 =
      succeed_json({"people", "expiring", "--within", "30"}, kSupervisor);
  EXPECT_TRUE(within_30["items"].empty()) << within_30.dump(2);

  // A person reads their own record; a technician does not read others'.
  EXPECT_EQ(succeed_json({"people", "eligibility", "mls1"}, kTechnologist)["person"], "mls1");
  const CommandOutput refused = lab_.run({"people", "show", "mls1"}, kTechnician);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("may not view personnel records"));
}

TEST_F(PeopleInTheLab, RefusesAnIncompleteAssessmentNamingTheMissingElements) {
  succeed({"people", "save", technologist_file(day_from_today(400))}, kAdmin);
  const CommandOutput refused = lab_.run(
      {"people", "competency-event", "mls1", "--test-system", "K", "--event", "assessed", "--date",
       day_from_today(-1), "--assessor", kSupervisor, "--element", "direct-observation=observed"},
      kSupervisor);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("missing: monitoring-reporting, record-review, "
                                     "maintenance-observation, blind-samples, problem-solving"));
  const nlohmann::json shown = succeed_json({"people", "show", "mls1"}, kSupervisor);
  EXPECT_TRUE(shown["competency"].empty());
}

TEST_F(PeopleInTheLab, TheLabsOwnRequirementsDecideWhoReleasesOnceLoaded) {
  succeed({"people", "policy", "--enforce", "on"}, kSupervisor);
  succeed({"people", "save", technologist_file(day_from_today(400))}, kAdmin);
  competent_on_potassium();
  const std::string serum = entered_potassium("MRN-1");
  EXPECT_EQ(succeed_json({"people", "requirements", "show", "--lab"}, kSupervisor)["source"],
            "default");

  // The lab's direction keeps chemistry for supervisors.
  const std::string own = lab_.write_file("our-personnel.toml",
                                          "[personnel]\n"
                                          "name = \"our requirements\"\n"
                                          "version = \"2\"\n"
                                          "[[role]]\n"
                                          "role = \"technologist\"\n"
                                          "credentials = [\"MLS(ASCP)\"]\n"
                                          "[[role]]\n"
                                          "role = \"supervisor\"\n"
                                          "credentials = [\"MLS(ASCP)\"]\n"
                                          "[[section]]\n"
                                          "section = \"chemistry\"\n"
                                          "roles = [\"supervisor\"]\n");
  const CommandOutput not_theirs = lab_.run({"people", "requirements", "load", own}, kTechnologist);
  EXPECT_NE(not_theirs.exit_code, 0);
  EXPECT_THAT(not_theirs.err, HasSubstr("may not"));
  succeed({"people", "requirements", "load", own}, kSupervisor);
  const nlohmann::json shown =
      succeed_json({"people", "requirements", "show", "--lab"}, kTechnologist);
  EXPECT_EQ(shown["source"], "lab");
  EXPECT_EQ(shown["name"], "our requirements");

  const CommandOutput refused = lab_.run({"result", "release", serum, "K"}, kTechnologist);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("role technologist may not perform or release chemistry"));
}

TEST_F(PeopleInTheLab, ExportsAWorkbookForAnInspectionAndOneSheetAsCsv) {
  succeed({"people", "save", technologist_file(day_from_today(-1))}, kAdmin);
  competent_on_potassium();
  const std::string workbook = lab_.directory() + "/staff.xlsx";
  const nlohmann::json written = succeed_json({"people", "export", workbook}, kSupervisor);
  EXPECT_EQ(written["format"], "xlsx");
  EXPECT_EQ(written["sheets"].size(), 7u);

  std::ifstream in(workbook, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const test_support::XlsxWorkbook book = test_support::read_xlsx(bytes);
  EXPECT_EQ(book.sheet_names,
            (std::vector<std::string>{"Staff", "Experience", "Credentials", "Competency",
                                      "Continuing education", "Exceptions", "Expiring"}));
  EXPECT_EQ(book.value("Staff", "B2"), "Maria Lopez");
  EXPECT_EQ(book.value("Credentials", "C2"), "MLS(ASCP)");
  EXPECT_EQ(book.value("Credentials", "G2"), "expired");
  EXPECT_EQ(book.value("Credentials", "H2"), "-1");
  EXPECT_EQ(book.value("Competency", "B2"), "K");
  EXPECT_EQ(book.value("Competency", "C2"), "current");
  EXPECT_EQ(book.value("Expiring", "F2"), "lapsed");

  const CommandOutput csv =
      succeed({"people", "export", "--sheet", "credentials", "-"}, kSupervisor);
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n') + 1),
            "Person,Kind,Credential,Number,Issued,Expires,Status,Days left\r\n");
  EXPECT_THAT(csv.out, HasSubstr("mls1,certification,MLS(ASCP),MLS-4711,," + day_from_today(-1) +
                                 ",expired,-1\r\n"));

  const CommandOutput no_sheet = lab_.run({"people", "export", "staff.csv"}, kSupervisor);
  EXPECT_NE(no_sheet.exit_code, 0);
  EXPECT_THAT(no_sheet.err, HasSubstr("name it with --sheet"));
  const CommandOutput unknown =
      lab_.run({"people", "export", "--sheet", "payroll", "-"}, kSupervisor);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err,
              HasSubstr("the export's sheets are 'Staff', 'Experience', 'Credentials'"));
  const CommandOutput refused =
      lab_.run({"people", "export", lab_.directory() + "/mine.xlsx"}, kTechnician);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("may not view personnel records"));
  EXPECT_FALSE(std::ifstream(lab_.directory() + "/mine.xlsx").good()) << "nothing written";
}

}  // namespace
}  // namespace aliquot::cli_test
