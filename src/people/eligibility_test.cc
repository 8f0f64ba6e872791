#include "people/eligibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using test_support::date;

const std::vector<std::string> kAllAreas{"blood-banking", "chemistry",  "hematology",
                                         "microbiology",  "immunology", "urinalysis"};

core::ExperiencePeriod work(const char* from, std::optional<const char*> to,
                            std::vector<std::string> areas = kAllAreas, double share = 1) {
  core::ExperiencePeriod period;
  period.laboratory = "County lab";
  period.from = date(from);
  if (to) period.to = date(*to);
  period.full_time_share = share;
  period.areas = std::move(areas);
  return period;
}

// An MLT on the way to MLS: MLT(ASCP) since 2021, a baccalaureate with 20 semester hours of
// biology and 8 of chemistry, and since 24 October 2025 full-time work rotating through every
// area: 13 months on 23 November 2026.
core::PersonRecord mlt() {
  core::PersonRecord person;
  person.person = "jdoe";
  person.role = core::Role::kTechnician;
  person.certifications = {{"MLT(ASCP)", "123456", date("2027-06-30"), date("2021-07-01")}};
  person.education.degree = core::DegreeLevel::kBaccalaureate;
  person.education.semester_hours_total = 124;
  person.education.semester_hours = {{"biology", 20}, {"chemistry", 8}};
  person.education.programs = {{"NAACLS-MLT", date("2021-05-15")}};
  person.education.experience = {work("2025-10-24", std::nullopt)};
  return person;
}

std::vector<std::string> answers(const core::PersonRecord& person, const char* credential,
                                 const char* on = "2026-11-23") {
  std::vector<std::string> out;
  for (const RouteAnswer& answer :
       check_eligibility(default_certification_routes(), person, date(on), credential)) {
    out.push_back(answer.to_string());
  }
  return out;
}

TEST(Eligibility, TellsAnMltWhatEachMlsRouteStillNeeds) {
  EXPECT_EQ(answers(mlt(), "MLS(ASCP)"),
            (std::vector<std::string>{
                "MLS(ASCP) route 1: needs a completed NAACLS-MLS program within the last 5 years "
                "(none recorded)",
                "MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 11 more months of "
                "full-time clinical experience (met on 2027-10-24 if the present work continues)",
                "MLS(ASCP) route 4: needs 8 more semester hours of chemistry and 47 more months of "
                "full-time clinical experience (met on 2030-10-24 if the present work continues)",
            }));
  const std::vector<RouteAnswer> routes =
      check_eligibility(default_certification_routes(), mlt(), date("2026-11-23"), "MLS(ASCP)");
  EXPECT_FALSE(routes[0].experience_months.has_value());
  EXPECT_NEAR(*routes[1].experience_months, 13.01, 0.01);
  EXPECT_EQ(routes[1].experience_met_on, date("2027-10-24"));
  // Without continuing work no day can be foretold.
  core::PersonRecord left = mlt();
  left.education.experience[0].to = date("2026-11-23");
  EXPECT_EQ(answers(left, "MLS(ASCP)")[1],
            "MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 11 more months of "
            "full-time clinical experience");
}

TEST(Eligibility, NamesTheAreasTheExperienceHasNotCovered) {
  core::PersonRecord person = mlt();
  person.education.semester_hours["chemistry"] = 16;
  person.education.experience = {work("2024-01-01", "2025-12-31", {"chemistry", "hematology"}),
                                 work("2026-01-01", std::nullopt, {"Urinalysis", "immunology"})};
  EXPECT_EQ(answers(person, "MLS(ASCP)")[1],
            "MLS(ASCP) route 2: needs clinical experience in blood-banking and microbiology");
  // Months recorded without dates count for the months, but show no area.
  person.education.experience.clear();
  person.education.undated_experience_months = 30;
  EXPECT_EQ(answers(person, "MLS(ASCP)")[1],
            "MLS(ASCP) route 2: needs clinical experience in blood-banking, chemistry, "
            "hematology, microbiology, immunology and urinalysis");
}

TEST(Eligibility, ARecentProgramStandsForAYearOfExperience) {
  core::PersonRecord person = mlt();
  person.education.semester_hours["chemistry"] = 16;
  // Completed on 23 November 2021: within the last 5 years on 23 November 2026, not the day after.
  person.education.programs = {{"NAACLS-MLT", date("2021-11-23")}};
  EXPECT_EQ(answers(person, "MLS(ASCP)")[1], "MLS(ASCP) route 2: eligible");
  EXPECT_EQ(answers(person, "MLS(ASCP)", "2026-11-24")[1],
            "MLS(ASCP) route 2: needs 11 more months of full-time clinical experience (met on "
            "2027-10-24 if the present work continues)");
  // Route 4 gives no such credit.
  EXPECT_EQ(answers(person, "MLS(ASCP)")[2],
            "MLS(ASCP) route 4: needs 47 more months of full-time clinical experience (met on "
            "2030-10-24 if the present work continues)");
}

TEST(Eligibility, PartTimeWorkCountsAtItsShare) {
  core::PersonRecord person = mlt();
  person.education.semester_hours["chemistry"] = 16;
  // Two years at half time are one year of full-time experience.
  person.education.experience = {work("2024-11-24", "2026-11-23", kAllAreas, 0.5)};
  EXPECT_EQ(answers(person, "MLS(ASCP)")[1],
            "MLS(ASCP) route 2: needs 13 more months of full-time clinical experience");
}

TEST(Eligibility, FindsTheRoutesAPersonMeets) {
  core::PersonRecord person = mlt();
  person.education.semester_hours["chemistry"] = 16;
  person.education.experience = {work("2024-11-23", std::nullopt)};  // 731 days: 24 months
  const std::vector<RouteAnswer> routes =
      check_eligibility(default_certification_routes(), person, date("2026-11-23"), "mls(ascp)");
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_FALSE(routes[0].eligible());
  EXPECT_TRUE(routes[1].eligible());
  EXPECT_EQ(routes[1].to_string(), "MLS(ASCP) route 2: eligible");
  EXPECT_TRUE(routes[1].route->verify);

  // Route 2 needs the MLT certification current on the day.
  EXPECT_EQ(answers(person, "MLS(ASCP)", "2027-07-01")[1],
            "MLS(ASCP) route 2: needs a current MLT(ASCP) certification");
}

TEST(Eligibility, AnAccreditedProgramCountsForFiveYearsFromTheDayAsked) {
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kNone;
  person.education.semester_hours_total = 64;
  person.education.programs = {{"ABHES-MLT", date("2021-11-23")}};
  EXPECT_EQ(answers(person, "MLT(ASCP)", "2026-11-23")[0], "MLT(ASCP) route 1: eligible");
  EXPECT_EQ(answers(person, "MLT(ASCP)", "2026-11-24")[0],
            "MLT(ASCP) route 1: needs a completed NAACLS-MLT or ABHES-MLT program within the last "
            "5 years (ABHES-MLT completed 2021-11-23)");
  // Sixty semester hours count instead of the associate degree; fewer do not.
  person.education.semester_hours_total = 59.5;
  EXPECT_EQ(answers(person, "MLT(ASCP)", "2026-11-23")[0],
            "MLT(ASCP) route 1: needs an associate degree or 60 semester hours (has no degree and "
            "59.5 semester hours)");
}

TEST(Eligibility, TheMilitaryRouteNeedsTheCourseWithinTenYears) {
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kAssociate;
  person.education.semester_hours = {{"biology", 6}, {"chemistry", 6}};
  EXPECT_EQ(answers(person, "MLT(ASCP)")[1],
            "MLT(ASCP) route 3: needs the 50-week-medical-laboratory military course within the "
            "last 10 years");
  person.education.military_courses = {{"50-week-medical-laboratory", std::nullopt}};
  EXPECT_EQ(answers(person, "MLT(ASCP)")[1],
            "MLT(ASCP) route 3: needs the 50-week-medical-laboratory military course within the "
            "last 10 years (its completion date is not recorded)");
  person.education.military_courses = {{"50-week-medical-laboratory", date("2016-11-23")}};
  EXPECT_EQ(answers(person, "MLT(ASCP)")[1], "MLT(ASCP) route 3: eligible");
  EXPECT_EQ(answers(person, "MLT(ASCP)", "2026-11-24")[1],
            "MLT(ASCP) route 3: needs the 50-week-medical-laboratory military course within the "
            "last 10 years (completed 2016-11-23)");
}

TEST(Eligibility, TheExperienceRouteCountsOnlyTheLastTenYearsInEveryArea) {
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kAssociate;
  person.education.semester_hours = {{"biology", 6}, {"chemistry", 6}};
  person.education.experience = {work("2012-01-01", "2019-12-31")};
  person.education.undated_experience_months = 12;
  const std::vector<RouteAnswer> routes =
      check_eligibility(default_certification_routes(), person, date("2026-11-23"), "MLT(ASCP)");
  ASSERT_EQ(routes.size(), 3u);
  // From 23 November 2016 through 2019: 37.3 months.
  EXPECT_EQ(routes[2].to_string(),
            "MLT(ASCP) route 4: eligible (to confirm: the experience was in a laboratory in the "
            "U.S. or Canada, or an accredited one)");
  EXPECT_NEAR(*routes[2].experience_months, 37.26, 0.01);
  // A year and a half later only 2017-2019 count, and the undated months never do.
  EXPECT_EQ(answers(person, "MLT(ASCP)", "2027-01-01")[2],
            "MLT(ASCP) route 4: needs 1 more month of full-time clinical experience within the "
            "last 10 years (12 months recorded without dates cannot be counted) (to confirm: the "
            "experience was in a laboratory in the U.S. or Canada, or an accredited one)");
  // Microbiology done only before the ten years does not cover the area.
  person.education.experience = {
      work("2010-01-01", "2012-12-31", {"microbiology"}),
      work("2016-01-01", std::nullopt,
           {"blood-banking", "chemistry", "hematology", "immunology", "urinalysis"})};
  EXPECT_EQ(
      check_eligibility(default_certification_routes(), person, date("2026-11-23"), "MLT(ASCP)")[2]
          .missing,
      (std::vector<std::string>{"clinical experience in microbiology within the last 10 "
                                "years"}));
}

TEST(Eligibility, ConditionsTheRecordCannotShowAreListedNeverJudged) {
  const RoutesLoad load = load_certification_routes(
      "[certification_routes]\nname = \"r\"\nversion = \"1\"\n"
      "[[route]]\ncredential = \"MLT(ASCP)\"\nroute = 4\nsummary = \"s\"\n"
      "confirm = [\"\"]\n",
      "routes.toml");
  EXPECT_EQ(test_support::error_texts(load.diagnostics),
            (std::vector<std::string>{
                "routes.toml:8:12: element 1 of key 'confirm' of MLT(ASCP) route 4 must be a "
                "non-empty string, not an empty string"}));
  // Route 1 has nothing to confirm; route 4 lists what it has.
  EXPECT_TRUE(default_certification_routes().routes()[2].confirm.empty());
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kAssociate;
  EXPECT_EQ(
      check_eligibility(default_certification_routes(), person, date("2026-11-23"), "MLT(ASCP)")[2]
          .route->confirm.size(),
      1u);
}

TEST(CertificationRoutes, NameEveryProblemOfExperienceAndCourseLimits) {
  const RoutesLoad load = load_certification_routes(
      "[certification_routes]\nname = \"r\"\nversion = \"1\"\n"
      "[[route]]\ncredential = \"MLT(ASCP)\"\nroute = 3\nsummary = \"s\"\n"
      "military_course_years = 10\nexperience_years = 10\n"
      "program_credit = { programs = [\"NAACLS-MLT\"], within_years = 5, months = 12 }\n"
      "[[route]]\ncredential = \"MLT(ASCP)\"\nroute = 4\nsummary = \"s\"\n"
      "experience_months = 6\nexperience_years = 0\n"
      "program_credit = { within_years = 5, months = 12 }\n",
      "routes.toml");
  EXPECT_FALSE(load.routes.has_value());
  const std::vector<std::string> texts = test_support::error_texts(load.diagnostics);
  for (const std::string& text : texts) SCOPED_TRACE(text);
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "routes.toml:8:25: key 'military_course_years' of MLT(ASCP) route 3 limits "
                       "the age of the military course, but the route asks for none",
                       "routes.toml:9:20: key 'experience_years' of MLT(ASCP) route 3 limits the "
                       "age of the experience, but the route asks for none",
                       "routes.toml:10:18: key 'program_credit' of MLT(ASCP) route 3 stands for "
                       "months of experience, but the route asks for none",
                       "routes.toml:16:20: key 'experience_years' of MLT(ASCP) route 4 must be 1 "
                       "to 50, not 0",
                       "routes.toml:17:18: program_credit of MLT(ASCP) route 4 is missing "
                       "required key 'programs'",
                       "routes.toml:17:47: key 'months' of program_credit of MLT(ASCP) route 4 "
                       "stands for more than the route's 6 months",
                   }));
}

TEST(CertificationRoutes, NameEveryProblemAtItsPlace) {
  const RoutesLoad load = load_certification_routes(
      "[certification_routes]\nname = \"r\"\nversion = \"1\"\n"
      "[[route]]\ncredential = \"MLS(ASCP)\"\nroute = 1\nsummary = \"s\"\ndegree = \"bachelor\"\n"
      "program_years = 5\nsemester_hours = { chemistry = \"16\" }\n"
      "[[route]]\ncredential = \"MLS(ASCP)\"\nroute = 1\nsummary = \"s\"\n"
      "or_semester_hours = 60\nexperience_months = 0\n",
      "routes.toml");
  EXPECT_FALSE(load.routes.has_value());
  EXPECT_EQ(test_support::error_texts(load.diagnostics),
            (std::vector<std::string>{
                "routes.toml:8:10: key 'degree' of MLS(ASCP) route 1 must be associate, "
                "baccalaureate, master or doctorate, not 'bachelor'",
                "routes.toml:9:17: key 'program_years' of MLS(ASCP) route 1 limits the age of a "
                "program, but the route lists none",
                "routes.toml:10:18: key 'semester_hours' of MLS(ASCP) route 1 gives 'chemistry' "
                "hours that are not a number greater than 0",
                "routes.toml:13:9: key 'route' of MLS(ASCP) route 1 is given twice",
                "routes.toml:15:21: key 'or_semester_hours' of MLS(ASCP) route 1 counts instead "
                "of a degree, but the route asks for none",
                "routes.toml:16:21: key 'experience_months' of MLS(ASCP) route 1 must be greater "
                "than 0",
            }));
}

}  // namespace
}  // namespace aliquot::people
