#include "report/staff_workbook.h"

#include <gtest/gtest.h>

#include <chrono>

namespace aliquot::report {
namespace {

using namespace std::chrono_literals;

const Sheet& sheet_named(const std::vector<Sheet>& sheets, std::string_view name) {
  const Sheet* sheet = find_sheet(sheets, name);
  EXPECT_NE(sheet, nullptr) << name;
  static const Sheet kNone;
  return sheet != nullptr ? *sheet : kNone;
}

std::string text(const Cell& cell) {
  const auto* value = std::get_if<std::string>(&cell);
  return value != nullptr ? *value : "<not text>";
}

lab::StaffInspection inspection() {
  lab::StaffInspection inspection;
  inspection.on = 2026y / 11 / 23;

  lab::PersonSummary tech;
  tech.on = inspection.on;
  tech.person.person = "tech1";
  tech.person.name = "Terry Tech";
  tech.person.role = core::Role::kTechnician;
  tech.person.employment_start = 2025y / 1 / 6;
  tech.person.education.degree = core::DegreeLevel::kAssociate;
  tech.person.education.semester_hours_total = 64;
  tech.person.education.programs = {{"NAACLS-MLT", 2024y / 12 / 15}};
  // Half time for the first year, then full time: 6 + about 10.6 months through the day.
  tech.person.education.experience = {
      {"County lab", 2025y / 1 / 6, 2026y / 1 / 5, 0.5, {"chemistry", "urinalysis"}},
      {"County lab", 2026y / 1 / 6, std::nullopt, 1, {"chemistry", "hematology"}}};
  tech.person.education.undated_experience_months = 2;
  // Expired yesterday: valid through its expiry day only.
  tech.person.certifications = {{"MLT(ASCP)", "MLT-1", 2026y / 11 / 22, 2025y / 1 / 1}};
  tech.person.licences = {{"CA", "MLT", "CA-9", 2027y / 1 / 15}};
  people::CompetencyStatus overdue;
  overdue.state = people::CompetencyState::kOverdue;
  overdue.due = 2026y / 11 / 1;
  overdue.requirement = "annual assessment";
  overdue.last_assessed = 2025y / 11 / 1;
  tech.competency = {{"cobas-c311", overdue, {}}, {"manual-diff", std::nullopt, {}}};
  tech.ce_activities = {{1, "tech1", 2025y / 6 / 1, "chemistry", 2, "ASCLS", "Lipids"},
                        {2, "tech1", 2024y / 6 / 1, "safety", 5, "ASCP", "before the cycle"}};
  tech.exceptions = {{1,
                      "tech1",
                      "chemistry",
                      "",
                      2026y / 11 / 20,
                      2026y / 12 / 19,
                      "renewal in the mail",
                      "super",
                      {}}};
  inspection.people.push_back(tech);

  inspection.expiring = {
      {"tech1", people::ExpiringKind::kCertification, "MLT(ASCP) MLT-1", 2026y / 11 / 22, -1},
      {"tech1", people::ExpiringKind::kLicence, "CA licence MLT CA-9", 2027y / 1 / 15, 53}};
  return inspection;
}

TEST(StaffWorkbook, HasTheSheetsAnInspectorAsksFor) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  std::vector<std::string> names;
  for (const Sheet& sheet : sheets) names.push_back(sheet.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Staff", "Experience", "Credentials", "Competency",
                                             "Continuing education", "Exceptions", "Expiring"}));
  const Sheet& staff = sheet_named(sheets, "Staff");
  ASSERT_EQ(staff.rows.size(), 1u);
  EXPECT_EQ(text(staff.rows[0][2]), "technician");
  EXPECT_EQ(std::get<core::Date>(staff.rows[0][3]), core::Date{2025y / 1 / 6});
  EXPECT_EQ(text(staff.rows[0][4]), "associate");
  EXPECT_EQ(text(staff.rows[0][7]), "NAACLS-MLT 2024-12-15");
  // 365 days at half time, 322 days full time (through 23 November), and 2 undated months.
  EXPECT_DOUBLE_EQ(std::get<double>(staff.rows[0][6]), 18.6);
}

TEST(StaffWorkbook, ExperienceListsEachPeriodWithTheMonthsItCounts) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  const Sheet& sheet = sheet_named(sheets, "Experience");
  ASSERT_EQ(sheet.rows.size(), 3u);
  EXPECT_EQ(text(sheet.rows[0][1]), "County lab");
  EXPECT_EQ(std::get<core::Date>(sheet.rows[0][3]), core::Date{2026y / 1 / 5});
  EXPECT_EQ(std::get<double>(sheet.rows[0][4]), 0.5);
  EXPECT_EQ(text(sheet.rows[0][5]), "chemistry, urinalysis");
  EXPECT_DOUBLE_EQ(std::get<double>(sheet.rows[0][6]), 6.0);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(sheet.rows[1][3]));  // continuing
  EXPECT_DOUBLE_EQ(std::get<double>(sheet.rows[1][6]), 10.6);
  EXPECT_EQ(text(sheet.rows[2][1]), "(recorded without dates)");
  EXPECT_EQ(std::get<double>(sheet.rows[2][6]), 2.0);
}

TEST(StaffWorkbook, CredentialsSayWhetherEachIsValidOnTheDayAndHowManyDaysAreLeft) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  const Sheet& credentials = sheet_named(sheets, "Credentials");
  ASSERT_EQ(credentials.rows.size(), 2u);
  EXPECT_EQ(text(credentials.rows[0][2]), "MLT(ASCP)");
  EXPECT_EQ(text(credentials.rows[0][6]), "expired");
  EXPECT_EQ(std::get<double>(credentials.rows[0][7]), -1);
  EXPECT_EQ(text(credentials.rows[1][2]), "CA licence MLT");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(credentials.rows[1][4])) << "no issue date";
  EXPECT_EQ(text(credentials.rows[1][6]), "valid");
  EXPECT_EQ(std::get<double>(credentials.rows[1][7]), 53);
}

TEST(StaffWorkbook, CompetencyShowsWhoMayNotReportAndWhereNoStartIsRecorded) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  const Sheet& competency = sheet_named(sheets, "Competency");
  ASSERT_EQ(competency.rows.size(), 2u);
  EXPECT_EQ(text(competency.rows[0][2]), "overdue");
  EXPECT_EQ(text(competency.rows[0][3]), "no");
  EXPECT_EQ(std::get<core::Date>(competency.rows[0][5]), core::Date{2026y / 11 / 1});
  EXPECT_EQ(text(competency.rows[1][1]), "manual-diff");
  EXPECT_EQ(text(competency.rows[1][2]), "no-start-recorded");
  EXPECT_EQ(text(competency.rows[1][3]), "no");
}

TEST(StaffWorkbook, ContinuingEducationCountsOnlyTheCurrentCycle) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  const Sheet& ce = sheet_named(sheets, "Continuing education");
  ASSERT_EQ(ce.rows.size(), 1u);
  EXPECT_EQ(std::get<core::Date>(ce.rows[0][3]), core::Date{2025y / 1 / 1});
  EXPECT_EQ(std::get<core::Date>(ce.rows[0][4]), core::Date{2027y / 12 / 31});
  EXPECT_EQ(std::get<double>(ce.rows[0][5]), 2) << "the 2024 activity is before the cycle";
  EXPECT_EQ(std::get<double>(ce.rows[0][6]), 36);
  EXPECT_EQ(std::get<double>(ce.rows[0][7]), 34);
  EXPECT_NE(text(ce.rows[0][8]).find("safety"), std::string::npos);
}

TEST(StaffWorkbook, ExceptionsAndTheDashboardWindows) {
  const std::vector<Sheet> sheets = staff_workbook(inspection(), people::default_ce_rules());
  const Sheet& exceptions = sheet_named(sheets, "Exceptions");
  ASSERT_EQ(exceptions.rows.size(), 1u);
  EXPECT_EQ(text(exceptions.rows[0][2]), "all");
  EXPECT_EQ(text(exceptions.rows[0][5]), "yes");
  const Sheet& expiring = sheet_named(sheets, "Expiring");
  ASSERT_EQ(expiring.rows.size(), 2u);
  EXPECT_EQ(text(expiring.rows[0][5]), "lapsed");
  EXPECT_EQ(text(expiring.rows[1][5]), "60 days");
}

TEST(StaffWorkbook, PropertiesNameTheDay) {
  EXPECT_EQ(staff_workbook_properties(inspection(), {}).title,
            "Staff qualifications on 2026-11-23");
}

}  // namespace
}  // namespace aliquot::report
