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

[[education.program]]
kind = "NAACLS-MLT"
completed = "2021-05-15"

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
  EXPECT_EQ(person.education.experience_months, 13);
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

}  // namespace
}  // namespace aliquot::people
