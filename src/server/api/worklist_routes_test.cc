#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class WorklistRoutesTest : public ApiTest {
 protected:
  WorklistRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(worklist_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  PatientReadLog read_log_;
};

TEST_F(WorklistRoutesTest, ListsTheSectionsOpenTestsStatFirstWithHoldsAndNames) {
  const core::Specimen routine = received_order("MRN-1", {"K", "HGB"})[0];
  const core::Specimen stat = received_order("MRN-2", {"NA"}, core::Priority::kStat)[0];
  const core::TestResult potassium = enter(routine.accession_number, "K", "6.0");
  must(write([&](store::Transaction& tx) {
    core::HoldReason hold;
    hold.category = "delta-check";
    hold.rule = "K delta";
    hold.message = "compare with the previous value";
    return tx.replace_result_holds(potassium.id, {hold});
  }));

  const http::Response response = get("/api/worklist?section=Chemistry", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["section"], "chemistry");
  const json& rows = body["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["specimen"]["accession_number"], stat.accession_number);
  EXPECT_EQ(rows[0]["order"]["priority"], "stat");
  EXPECT_EQ(rows[0]["test_name"], "Sodium");
  EXPECT_EQ(rows[0]["unit"], "mmol/L");
  EXPECT_TRUE(rows[0]["holds"].empty());
  EXPECT_EQ(rows[1]["result"]["test_code"], "K");
  EXPECT_EQ(rows[1]["result"]["status"], "preliminary");
  EXPECT_EQ(rows[1]["result"]["value"]["reported"], "6.0");
  EXPECT_EQ(rows[1]["result"]["entered_by"], "tech");
  EXPECT_EQ(rows[1]["patient"]["mrn"], "MRN-1");
  ASSERT_EQ(rows[1]["holds"].size(), 1u);
  EXPECT_EQ(rows[1]["holds"][0]["rule"], "K delta");

  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 2u);
  std::vector<std::string> mrns;
  for (const core::PatientDataRead& entry : logged) {
    EXPECT_EQ(entry.what, "worklist chemistry");
    EXPECT_EQ(entry.username, "tech");
    mrns.push_back(entry.mrn);
  }
  std::sort(mrns.begin(), mrns.end());
  EXPECT_EQ(mrns, (std::vector<std::string>{"MRN-1", "MRN-2"}));
}

TEST_F(WorklistRoutesTest, ListsEverySectionWithoutASectionAndLogsEachPatientOnce) {
  received_order("MRN-1", {"K", "NA", "HGB"});
  const http::Response response = get("/api/worklist", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["section"], "");
  EXPECT_EQ(body_of(response)["rows"].size(), 3u);
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "worklist all sections");
}

TEST_F(WorklistRoutesTest, PagesTheListWithATotalAndACursorUntilItEnds) {
  received_order("MRN-1", {"K", "NA"});
  received_order("MRN-2", {"K"}, core::Priority::kStat);
  received_order("MRN-3", {"NA"});
  const json first = body_of(get("/api/worklist?section=chemistry&limit=3", "tech"));
  EXPECT_EQ(first["total"], 4);
  ASSERT_EQ(first["rows"].size(), 3u);
  EXPECT_EQ(first["rows"][0]["patient"]["mrn"], "MRN-2");
  ASSERT_TRUE(first["next"].is_string());
  const json rest = body_of(get(
      "/api/worklist?section=chemistry&limit=3&after=" + first["next"].get<std::string>(), "tech"));
  EXPECT_EQ(rest["total"], 4);
  ASSERT_EQ(rest["rows"].size(), 1u);
  EXPECT_EQ(rest["rows"][0]["patient"]["mrn"], "MRN-3");
  EXPECT_TRUE(rest["next"].is_null());
  // The default page holds every row of so short a list.
  const json whole = body_of(get("/api/worklist?section=chemistry", "tech"));
  EXPECT_EQ(whole["rows"].size(), 4u);
  EXPECT_TRUE(whole["next"].is_null());
}

TEST_F(WorklistRoutesTest, RefusesALimitOutOfRangeOrACursorItDidNotGiveNamingTheParameter) {
  for (const char* limit : {"0", "501", "ten"}) {
    const http::Response refused = get(std::string("/api/worklist?limit=") + limit, "tech");
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(body_of(refused)["error"], std::string("query parameter 'limit': '") + limit +
                                             "' is not a number from 1 to 500");
  }
  const http::Response refused = get("/api/worklist?after=abc", "tech");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(body_of(refused)["error"],
            "query parameter 'after': 'abc' is not a cursor the worklist gave as 'next'");
  EXPECT_TRUE(reads().empty());
}

TEST_F(WorklistRoutesTest, AnswersNotFoundForAnUnknownSectionAndForbiddenForAnInactiveUser) {
  received_order("MRN-1", {"K"});
  const http::Response unknown = get("/api/worklist?section=virology", "tech");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body_of(unknown)["error"].get<std::string>().rfind("unknown section 'virology'", 0),
            0u);
  const http::Response refused = get("/api/worklist?section=chemistry", "gone");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'gone' is inactive and may not view records");
  EXPECT_TRUE(reads().empty());
}

TEST_F(WorklistRoutesTest, GivesTheCatalogSectionsToAnySignedInUser) {
  const http::Response response = get("/api/catalog/sections", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json sections = body_of(response)["sections"];
  ASSERT_EQ(sections.size(), catalog_->sections().size());
  EXPECT_EQ(sections[0], json({{"code", "chemistry"}, {"name", "Chemistry"}}));
  EXPECT_EQ(sections[2]["code"], "urinalysis");
  EXPECT_EQ(get("/api/catalog/sections", "").status, 401);
}

TEST_F(WorklistRoutesTest, GivesTheCatalogTestsAndPanelsToAnySignedInUser) {
  const http::Response response = get("/api/catalog/tests", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  ASSERT_EQ(body["tests"].size(), catalog_->tests().size());
  const json& potassium = body["tests"][1];
  EXPECT_EQ(potassium["code"], "K");
  EXPECT_EQ(potassium["name"], "Potassium");
  EXPECT_EQ(potassium["unit"], "mmol/L");
  EXPECT_EQ(potassium["section"], "chemistry");
  EXPECT_EQ(potassium["specimen_type"], "serum");
  EXPECT_EQ(potassium["container"], "sst");
  EXPECT_EQ(potassium["loinc"], "2823-3");
  EXPECT_EQ(potassium["calculated"], false);
  EXPECT_EQ(potassium["decimals"], 1);
  const json& nitrite = body["tests"][5];
  EXPECT_EQ(nitrite["code"], "UNIT");
  EXPECT_EQ(nitrite["kind"], "coded");
  EXPECT_EQ(nitrite["answers"], json({"negative", "positive"}));
  ASSERT_EQ(body["panels"].size(), 1u);
  EXPECT_EQ(body["panels"][0]["code"], "BMP");
  EXPECT_EQ(body["panels"][0]["tests"], json({"NA", "K", "GLU"}));
  EXPECT_EQ(get("/api/catalog/tests", "").status, 401);
}

}  // namespace
}  // namespace aliquot::server::api
