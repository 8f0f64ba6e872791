#include "people/eligibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using test_support::date;

// An MLT on the way to MLS: MLT(ASCP) since 2021, a baccalaureate with 20 semester hours of
// biology and 8 of chemistry, 13 months of full-time clinical experience.
core::PersonRecord mlt() {
  core::PersonRecord person;
  person.person = "jdoe";
  person.role = core::Role::kTechnician;
  person.certifications = {{"MLT(ASCP)", "123456", date("2027-06-30"), date("2021-07-01")}};
  person.education.degree = core::DegreeLevel::kBaccalaureate;
  person.education.semester_hours_total = 124;
  person.education.semester_hours = {{"biology", 20}, {"chemistry", 8}};
  person.education.programs = {{"NAACLS-MLT", date("2021-05-15")}};
  person.education.experience_months = 13;
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
                "full-time clinical experience",
                "MLS(ASCP) route 4: needs 8 more semester hours of chemistry and 47 more months of "
                "full-time clinical experience",
            }));
}

TEST(Eligibility, FindsTheRoutesAPersonMeets) {
  core::PersonRecord person = mlt();
  person.education.semester_hours["chemistry"] = 16;
  person.education.experience_months = 24;
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

TEST(Eligibility, TheMilitaryRouteNeedsTheCourse) {
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kAssociate;
  person.education.semester_hours = {{"biology", 6}, {"chemistry", 6}};
  EXPECT_EQ(answers(person, "MLT(ASCP)")[1],
            "MLT(ASCP) route 3: needs the 50-week-medical-laboratory military course (to confirm: "
            "the military course was completed within the last 10 years)");
  person.education.military_courses = {"50-week-medical-laboratory"};
  // The record keeps no date of the course: the ten-year limit is left for a person to confirm.
  EXPECT_EQ(answers(person, "MLT(ASCP)")[1],
            "MLT(ASCP) route 3: eligible (to confirm: the military course was completed within the "
            "last 10 years)");
}

TEST(Eligibility, ConditionsTheRecordCannotShowAreListedNeverJudged) {
  core::PersonRecord person;
  person.education.degree = core::DegreeLevel::kAssociate;
  person.education.semester_hours = {{"biology", 6}, {"chemistry", 6}};
  person.education.experience_months = 30;
  const std::vector<RouteAnswer> routes =
      check_eligibility(default_certification_routes(), person, date("2026-11-23"), "MLT(ASCP)");
  ASSERT_EQ(routes.size(), 3u);
  const RouteAnswer& experience = routes[2];
  EXPECT_EQ(experience.route->number, 4);
  EXPECT_EQ(experience.missing,
            (std::vector<std::string>{"6 more months of full-time clinical experience"}));
  EXPECT_EQ(experience.route->confirm.size(), 2u);
  EXPECT_EQ(experience.to_string(),
            "MLT(ASCP) route 4: needs 6 more months of full-time clinical experience (to confirm: "
            "the clinical experience is within the last 10 years; it covers blood banking, "
            "chemistry, hematology, microbiology, immunology and urinalysis or body fluids)");
  // Route 1 has nothing to confirm.
  EXPECT_TRUE(routes[0].route->confirm.empty());

  const RoutesLoad load = load_certification_routes(
      "[certification_routes]\nname = \"r\"\nversion = \"1\"\n"
      "[[route]]\ncredential = \"MLT(ASCP)\"\nroute = 4\nsummary = \"s\"\n"
      "confirm = [\"\"]\n",
      "routes.toml");
  EXPECT_EQ(test_support::error_texts(load.diagnostics),
            (std::vector<std::string>{
                "routes.toml:8:12: element 1 of key 'confirm' of MLT(ASCP) route 4 must be a "
                "non-empty string, not an empty string"}));
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
