#include <gtest/gtest.h>

#include <string>

#include "lab/people_records.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;

// The fixture's lab opens on 2026-03-10: mls's certification lapses in 45 days.
class PeopleRoutesTest : public ApiTest {
 protected:
  PeopleRoutesTest() {
    use(people_routes(api()));
    core::PersonRecord mls;
    mls.person = "mls";
    mls.role = core::Role::kTechnologist;
    mls.certifications.push_back({"MLS(ASCP)", "4711", lab::date("2026-04-24"), std::nullopt});
    mls.education.degree = core::DegreeLevel::kBaccalaureate;
    must(write([&](store::Transaction& tx) {
      must(tx.set_setting("lab.time_zone", "UTC"));
      return lab::save_person(tx, as("super"), mls);
    }));
  }
};

TEST_F(PeopleRoutesTest, ListsThePeopleForThoseWhoKeepTheRecords) {
  const http::Response listed = get("/api/people", "super");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(body_of(listed)["people"].size(), 1u);
  EXPECT_EQ(body_of(listed)["people"][0]["person"], "mls");
  EXPECT_EQ(body_of(listed)["people"][0]["certifications"][0]["expires"], "2026-04-24");
  EXPECT_EQ(get("/api/people", "tech").status, 403);
}

TEST_F(PeopleRoutesTest, TheDashboardShowsWhatLapsesWithinTheWindowAsked) {
  const http::Response within_60 = get("/api/people/expiring?within=60", "super");
  ASSERT_EQ(within_60.status, 200) << within_60.body;
  EXPECT_EQ(body_of(within_60)["on"], "2026-03-10");
  ASSERT_EQ(body_of(within_60)["items"].size(), 1u);
  EXPECT_EQ(body_of(within_60)["items"][0]["days_left"], 45);
  const http::Response within_30 = get("/api/people/expiring?within=30", "super");
  EXPECT_TRUE(body_of(within_30)["items"].empty()) << within_30.body;
  const http::Response bad = get("/api/people/expiring?within=soon", "super");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("query parameter 'within'"), std::string::npos) << bad.body;
}

TEST_F(PeopleRoutesTest, APersonReadsTheirOwnSummaryAndEligibilityButNotAnothersRecord) {
  const http::Response own = get("/api/people/mls", "mls");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(body_of(own)["person"]["role"], "technologist");
  EXPECT_TRUE(body_of(own)["competency"].empty());
  const http::Response routes = get("/api/people/mls/eligibility?credential=MLS(ASCP)", "mls");
  ASSERT_EQ(routes.status, 200) << routes.body;
  EXPECT_FALSE(body_of(routes)["routes"].empty());
  EXPECT_EQ(body_of(routes)["routes"][0]["credential"], "MLS(ASCP)");
  EXPECT_EQ(get("/api/people/mls", "tech").status, 403);
  EXPECT_EQ(get("/api/people/nobody", "super").status, 404);
}

}  // namespace
}  // namespace aliquot::server::api
