#include <gtest/gtest.h>

#include <string>

#include "lab/people_records.h"
#include "people/continuing_education.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"
#include "support/xlsx_reader.h"

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

TEST_F(PeopleRoutesTest, AnyoneSignedInReadsTheCeRulesInForce) {
  const http::Response response = get("/api/ce-rules", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  const json rules = body_of(response);
  const people::CeRules& built_in = people::default_ce_rules();
  EXPECT_EQ(rules["name"], built_in.name());
  ASSERT_EQ(rules["categories"].size(), built_in.categories().size());
  EXPECT_EQ(rules["categories"][0]["code"], built_in.categories()[0].code);
  ASSERT_FALSE(rules["programs"].empty());
  EXPECT_EQ(rules["programs"][0]["cycle_years"], built_in.programs()[0].cycle_years);
}

TEST_F(PeopleRoutesTest, ExportsTheInspectionWorkbookAndOneSheetAsCsv) {
  const http::Response workbook = get("/api/people/export", "super");
  ASSERT_EQ(workbook.status, 200) << workbook.body;
  EXPECT_EQ(workbook.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(http::find_header(workbook.headers, "Content-Disposition"),
            "attachment; filename=\"staff-2026-03-10.xlsx\"");
  const test_support::XlsxWorkbook book = test_support::read_xlsx(workbook.body);
  EXPECT_EQ(book.value("Credentials", "C2"), "MLS(ASCP)");
  EXPECT_EQ(book.value("Credentials", "H2"), "45");
  EXPECT_EQ(book.value("Expiring", "F2"), "60 days");

  const http::Response later =
      get("/api/people/export?format=csv&sheet=expiring&on=2026-04-25", "super");
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(later.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(later.body,
            "Person,Kind,What,Due,Days left,Window\r\n"
            "mls,certification,MLS(ASCP) 4711,2026-04-24,-1,lapsed\r\n");

  EXPECT_EQ(get("/api/people/export?format=pdf", "super").status, 400);
  const http::Response no_sheet = get("/api/people/export?format=csv", "super");
  EXPECT_EQ(no_sheet.status, 400);
  EXPECT_NE(no_sheet.body.find("query parameter 'sheet'"), std::string::npos) << no_sheet.body;
  EXPECT_EQ(get("/api/people/export?on=tomorrow", "super").status, 400);
  EXPECT_EQ(get("/api/people/export", "tech").status, 403);
}

TEST_F(PeopleRoutesTest, SavesARecordSentAsItsTomlFile) {
  const std::string toml =
      "[person]\nid = \"tech\"\nname = \"Terry Tech\"\nrole = \"technician\"\n"
      "[[certification]]\ncredential = \"MLT(ASCP)\"\nnumber = \"9\"\nexpires = \"2027-01-31\"\n";
  const http::Response saved =
      call(http::Method::kPut, "/api/people/tech", "admin", {{"toml", toml}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(body_of(saved)["certifications"][0]["credential"], "MLT(ASCP)");
  EXPECT_EQ(body_of(get("/api/people/tech", "tech"))["person"]["name"], "Terry Tech");

  const http::Response elsewhere =
      call(http::Method::kPut, "/api/people/mls", "admin", {{"toml", toml}});
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_NE(elsewhere.body.find("the record's [person] id is 'tech', not 'mls'"), std::string::npos)
      << elsewhere.body;
  const http::Response broken = call(http::Method::kPut, "/api/people/tech", "admin",
                                     {{"toml", "[person]\nid = \"tech\"\nrole = \"wizard\"\n"}});
  EXPECT_EQ(broken.status, 400);
  ASSERT_EQ(body_of(broken)["diagnostics"].size(), 1u) << broken.body;
  EXPECT_EQ(body_of(broken)["diagnostics"][0]["line"], 3);
  EXPECT_EQ(call(http::Method::kPut, "/api/people/tech", "mls", {{"toml", toml}}).status, 403);
}

TEST_F(PeopleRoutesTest, RecordsCompetencyContinuingEducationExceptionsAndThePolicy) {
  const http::Response started =
      post("/api/people/mls/competency-events", "super",
           {{"test_system", "cobas-c311"}, {"event", "started"}, {"date", "2025-01-06"}});
  ASSERT_EQ(started.status, 201) << started.body;
  const http::Response partial =
      post("/api/people/mls/competency-events", "super",
           {{"test_system", "cobas-c311"},
            {"event", "assessed"},
            {"date", "2026-03-01"},
            {"assessor", "super"},
            {"elements", {{"direct-observation", "observed three runs"}}}});
  EXPECT_EQ(partial.status, 400);
  EXPECT_NE(partial.body.find("monitoring-reporting"), std::string::npos) << partial.body;
  EXPECT_EQ(post("/api/people/mls/competency-events", "mls",
                 {{"test_system", "K"}, {"event", "started"}, {"date", "2025-01-06"}})
                .status,
            403);

  const http::Response own_ce = post(
      "/api/people/mls/ce-activities", "mls",
      {{"date", "2026-02-02"}, {"category", "chemistry"}, {"points", 1.5}, {"provider", "ASCLS"}});
  ASSERT_EQ(own_ce.status, 201) << own_ce.body;
  EXPECT_EQ(body_of(own_ce)["points"], 1.5);
  EXPECT_EQ(post("/api/people/mls/ce-activities", "tech",
                 {{"date", "2026-02-02"}, {"category", "chemistry"}, {"points", 1}})
                .status,
            403);

  const http::Response granted = post("/api/people/mls/exceptions", "super",
                                      {{"section", "chemistry"},
                                       {"until", "2026-03-20"},
                                       {"reason", "renewal confirmed, card in the mail"}});
  ASSERT_EQ(granted.status, 201) << granted.body;
  EXPECT_EQ(body_of(granted)["from"], "2026-03-10");
  const http::Response too_long =
      post("/api/people/mls/exceptions", "super",
           {{"section", "chemistry"}, {"until", "2026-12-31"}, {"reason", "long leave"}});
  EXPECT_EQ(too_long.status, 400) << too_long.body;

  const http::Response summary = get("/api/people/mls", "super");
  // Started in January 2025 and never assessed: the 6-month assessment is overdue.
  EXPECT_EQ(body_of(summary)["competency"][0]["state"], "overdue") << summary.body;
  EXPECT_EQ(body_of(summary)["competency"][0]["due"], "2025-07-06");
  EXPECT_EQ(body_of(summary)["ce_activities"].size(), 1u);
  EXPECT_EQ(body_of(summary)["exceptions"].size(), 1u);

  EXPECT_EQ(body_of(get("/api/qualification-policy", "super"))["enforced"], false);
  const http::Response enforced = call(http::Method::kPut, "/api/qualification-policy", "super",
                                       {{"enforce", true}, {"state", "ca"}});
  ASSERT_EQ(enforced.status, 200) << enforced.body;
  EXPECT_EQ(body_of(enforced), (nlohmann::json{{"enforced", true}, {"state", "CA"}}));
  EXPECT_EQ(
      call(http::Method::kPut, "/api/qualification-policy", "mls", {{"enforce", false}}).status,
      403);
  EXPECT_EQ(body_of(get("/api/qualification-policy", "admin"))["enforced"], true);
}

}  // namespace
}  // namespace aliquot::server::api
