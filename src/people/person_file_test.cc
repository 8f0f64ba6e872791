#include "people/person_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"
#include "support/diagnostics.h"

namespace aliquot::people {
namespace {

using test_support::date;

TEST(PersonFile, ReadsRoleEducationCertificationsAndLicences) {
  const PersonFile file = read_person_file(R"toml(
[person]
id = "jdoe"
name = "Jane Doe"
role = "technician"

[education]
degree = "baccalaureate"
semester_hours_total = 124
semester_hours = { biology = 20, chemistry = 8.5 }
experience_months = 13
military_courses = ["advanced-blood-bank"]

[[education.program]]
kind = "NAACLS-MLT"
completed = "2021-05-15"

[[education.military_course]]
kind = "50-week-medical-laboratory"
completed = "2015-06-12"

[[education.experience]]
laboratory = "County Hospital core laboratory"
from = "2021-08-02"
to = "2023-01-31"
full_time_share = 0.5
areas = ["chemistry", "hematology"]

[[education.experience]]
laboratory = "St. Luke's"
from = "2023-02-01"

[[certification]]
credential = "MLT(ASCP)"
number = "123456"
issued = "2021-07-01"
expires = "2027-06-30"

[[licence]]
state = "ca"
type = "MLT"
number = "MLT-777"
expires = "2027-03-31"
)toml",
                                           "jdoe.toml");
  ASSERT_TRUE(file.person.has_value()) << test_support::error_texts(file.diagnostics).front();
  const core::PersonRecord& person = *file.person;
  EXPECT_EQ(person.person, "jdoe");
  EXPECT_EQ(person.name, "Jane Doe");
  EXPECT_EQ(person.role, core::Role::kTechnician);
  EXPECT_EQ(person.education.degree, core::DegreeLevel::kBaccalaureate);
  EXPECT_EQ(person.education.semester_hours.at("chemistry"), 8.5);
  EXPECT_EQ(person.education.undated_experience_months, 13);
  ASSERT_EQ(person.education.military_courses.size(), 2u);
  EXPECT_EQ(person.education.military_courses[0].kind, "advanced-blood-bank");
  EXPECT_FALSE(person.education.military_courses[0].completed.has_value());
  EXPECT_EQ(person.education.military_courses[1].completed, date("2015-06-12"));
  ASSERT_EQ(person.education.experience.size(), 2u);
  const core::ExperiencePeriod& county = person.education.experience[0];
  EXPECT_EQ(county.laboratory, "County Hospital core laboratory");
  EXPECT_EQ(county.from, date("2021-08-02"));
  EXPECT_EQ(county.to, date("2023-01-31"));
  EXPECT_EQ(county.full_time_share, 0.5);
  EXPECT_EQ(county.areas, (std::vector<std::string>{"chemistry", "hematology"}));
  const core::ExperiencePeriod& continuing = person.education.experience[1];
  EXPECT_FALSE(continuing.to.has_value());
  EXPECT_EQ(continuing.full_time_share, 1);
  EXPECT_TRUE(continuing.areas.empty());
  ASSERT_EQ(person.education.programs.size(), 1u);
  EXPECT_EQ(person.education.programs[0].completed, date("2021-05-15"));
  ASSERT_EQ(person.certifications.size(), 1u);
  EXPECT_EQ(person.certifications[0].issued, date("2021-07-01"));
  EXPECT_EQ(person.certifications[0].expires, date("2027-06-30"));
  ASSERT_EQ(person.licences.size(), 1u);
  EXPECT_EQ(person.licences[0].state, "CA");
}

TEST(PersonFile, NamesEveryProblemAtItsPlace) {
  const PersonFile file = read_person_file(
      "[person]\nid = \"jdoe\"\nrole = \"tech\"\n"
      "[education]\ndegree = \"bachelor\"\nexperience_months = -1\n"
      "[[certification]]\ncredential = \"MLT(ASCP)\"\nexpires = \"2027-06-31\"\n",
      "jdoe.toml");
  EXPECT_FALSE(file.person.has_value());
  const std::vector<std::string> texts = test_support::error_texts(file.diagnostics);
  ASSERT_EQ(texts.size(), 4u);
  EXPECT_EQ(texts[0].rfind("jdoe.toml:3:8: key 'role' of [person] ", 0), 0u) << texts[0];
  EXPECT_EQ(texts[1],
            "jdoe.toml:5:10: key 'degree' of [education] must be none, associate, baccalaureate, "
            "master or doctorate, not 'bachelor'");
  EXPECT_EQ(texts[2],
            "jdoe.toml:6:21: key 'experience_months' of [education] must not be negative");
  EXPECT_EQ(texts[3],
            "jdoe.toml:9:11: key 'expires' of certification 'MLT(ASCP)' must be a date "
            "YYYY-MM-DD, not '2027-06-31'");
}

TEST(PersonFile, NamesEveryProblemOfAPeriodOfExperience) {
  const PersonFile file = read_person_file(
      "[person]\nid = \"jdoe\"\nrole = \"technician\"\n"
      "[[education.experience]]\nfrom = \"2023-02-01\"\nto = \"2023-01-31\"\n"
      "full_time_share = 1.5\n"
      "[[education.experience]]\nlaboratory = \"Clinic\"\nfrom = \"2024-02-30\"\n"
      "[[education.military_course]]\ncompleted = \"2015-06-12\"\n",
      "jdoe.toml");
  EXPECT_FALSE(file.person.has_value());
  const std::vector<std::string> texts = test_support::error_texts(file.diagnostics);
  for (const std::string& text : texts) SCOPED_TRACE(text);
  ASSERT_EQ(texts.size(), 5u);
  EXPECT_NE(texts[0].find("'laboratory'"), std::string::npos) << texts[0];
  EXPECT_EQ(texts[1],
            "jdoe.toml:6:6: key 'to' of experience 1 of [education] is before 'from' "
            "(2023-02-01)");
  EXPECT_EQ(texts[2],
            "jdoe.toml:7:19: key 'full_time_share' of experience 1 of [education] must be more "
            "than 0 and at most 1 (full time), not 1.5");
  EXPECT_EQ(texts[3],
            "jdoe.toml:10:8: key 'from' of experience 2 of [education] must be a date "
            "YYYY-MM-DD, not '2024-02-30'");
  EXPECT_NE(texts[4].find("'kind'"), std::string::npos) << texts[4];
}

}  // namespace
}  // namespace aliquot::people
