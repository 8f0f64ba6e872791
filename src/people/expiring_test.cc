#include "people/expiring.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"

namespace aliquot::people {
namespace {

using test_support::date;

std::vector<std::string> listed(const std::vector<ExpiringItem>& items) {
  std::vector<std::string> out;
  for (const ExpiringItem& item : items) {
    out.push_back(item.person + " " + std::string(to_code(item.kind)) + " " + item.what + " " +
                  core::format_date(item.due) + " " + std::to_string(item.days_left));
  }
  return out;
}

TEST(ExpiringWithin, ListsWhatLapsesWithinTheWindowAndWhatHasLapsedSoonestFirst) {
  core::PersonRecord jdoe;
  jdoe.person = "jdoe";
  jdoe.certifications = {{"MLT(ASCP)", "123456", date("2026-12-23"), std::nullopt},
                         {"PBT(ASCP)", "", std::nullopt, std::nullopt}};  // no expiry: never listed
  jdoe.licences = {{"CA", "MLT", "MLT-777", date("2027-03-31")}};
  core::PersonRecord asmith;
  asmith.person = "asmith";
  asmith.certifications = {{"MLS(ASCP)", "9", date("2026-11-22"), std::nullopt}};

  PersonOnSystem competency;
  competency.person = "jdoe";
  competency.test_system = "CHEM";
  competency.history.started_testing = date("2020-01-06");
  competency.history.assessments = {date("2020-07-01"), date("2021-01-04"), date("2026-02-01")};

  const std::vector<ExpiringItem> items =
      expiring_within({jdoe, asmith}, {competency}, date("2026-11-23"), 60);
  EXPECT_EQ(listed(items), (std::vector<std::string>{
                               "asmith certification MLS(ASCP) 9 2026-11-22 -1",
                               "jdoe certification MLT(ASCP) 123456 2026-12-23 30",
                           }));

  // Within 90 days, the competency due on 1 February comes in too (70 days); the licence, 128
  // days away, does not.
  EXPECT_EQ(listed(expiring_within({jdoe, asmith}, {competency}, date("2026-11-23"), 90)).size(),
            3u);
  EXPECT_EQ(listed(expiring_within({jdoe}, {competency}, date("2026-11-23"), 90))[1],
            "jdoe competency CHEM: annual assessment 2027-02-01 70");
  // Expires today: 0 days left, still valid.
  EXPECT_EQ(listed(expiring_within({asmith}, {}, date("2026-11-22"), 0)),
            std::vector<std::string>{"asmith certification MLS(ASCP) 9 2026-11-22 0"});
}

}  // namespace
}  // namespace aliquot::people
