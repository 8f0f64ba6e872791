#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "calc/default_calculation_set.h"
#include "lab/calculation_json.h"
#include "lab/rules_json.h"
#include "rules/loader.h"
#include "rules/rule_set.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

// Rules for the test catalog (lab/lab_test_fixture.h).
constexpr const char* kRulesText = R"toml(
[rules]
name = "api rules"
version = "r1"

[[discipline]]
section = "chemistry"
autoverify = true

[[analyte]]
test = "K"
absurd = { low = 0.5, high = 15 }
)toml";

class EngineRoutesTest : public ApiTest {
 protected:
  EngineRoutesTest() { use(engine_routes(api())); }

  // A POST with a text/plain body, as curl --data-binary @file sends it.
  http::Response post_text(const std::string& target, const std::string& username,
                           const std::string& text) {
    http::Request request;
    request.method = http::Method::kPost;
    request.target = target;
    EXPECT_TRUE(http::parse_target(target, request));
    request.body = text;
    request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    const http::Authenticate as_user = [username](const http::Request&) {
      return Result<http::Principal>(http::Principal{username, "technologist"});
    };
    return router_.dispatch(std::move(request), as_user).response;
  }
};

TEST_F(EngineRoutesTest, ComputesACalculationAsTheCommandLinePrintsIt) {
  const http::Response response =
      post("/api/calc/egfr-ckd-epi-2021", "clerk",
           {{"inputs", {{"creatinine", 1.0}, {"age", 50}, {"sex", "F"}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  // CKD-EPI 2021 for a woman of 50 with creatinine 1.0 mg/dL: 69 (`aliquot calc` help).
  EXPECT_EQ(body["reported"], "69");
  EXPECT_EQ(body["name"], "egfr-ckd-epi-2021");
  EXPECT_EQ(body["inputs"]["sex"], "F");
  EXPECT_EQ(body["inputs"]["creatinine"], 1.0);
  const lab::CalculationAnswer same =
      must(lab::calculate(calc::default_calculation_set(), "egfr-ckd-epi-2021",
                          {{"creatinine", "1.0"}, {"age", "50"}, {"sex", "F"}}));
  EXPECT_EQ(body, same.json);
}

TEST_F(EngineRoutesTest, AnswersANonReportableResultWith422AndTheReason) {
  // Friedewald is not valid at triglycerides of 400 mg/dL or more.
  const http::Response response = post("/api/calc/ldl-friedewald", "tech",
                                       {{"inputs", {{"tc", 250}, {"hdl", 50}, {"tg", 450}}}});
  ASSERT_EQ(response.status, 422) << response.body;
  const json body = body_of(response);
  EXPECT_TRUE(body["value"].is_null());
  EXPECT_TRUE(body["reported"].is_null());
  EXPECT_FALSE(body["reason"].get<std::string>().empty());
}

TEST_F(EngineRoutesTest, RefusesUnknownCalculationsAndInputs) {
  const http::Response unknown = post("/api/calc/no-such", "tech", {{"inputs", json::object()}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(body_of(unknown)["error"].get<std::string>().rfind("no calculation 'no-such'", 0), 0u);

  const http::Response input =
      post("/api/calc/egfr-ckd-epi-2021", "tech", {{"inputs", {{"weight", 70}}}});
  EXPECT_EQ(input.status, 400) << input.body;
  EXPECT_EQ(body_of(input)["error"].get<std::string>().rfind(
                "egfr-ckd-epi-2021 has no input 'weight'; its inputs are: ", 0),
            0u);

  const http::Response missing = post("/api/calc/egfr-ckd-epi-2021", "tech", json::object());
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(body_of(missing)["error"].get<std::string>().rfind("egfr-ckd-epi-2021 needs ", 0), 0u);

  const http::Response bad_type =
      post("/api/calc/egfr-ckd-epi-2021", "tech", {{"inputs", {{"age", true}}}});
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(body_of(bad_type)["error"], "field 'inputs.age': a number or a string");
}

TEST_F(EngineRoutesTest, JudgesQcRunsGivenAsJsonOrAsCsvAlike) {
  // Level 1 at 108 against mean 100, SD 2.5 is z = +3.2: 1-3s rejects the run.
  const json runs = json::array({{{"run", 1},
                                  {"values",
                                   {{{"level", 1}, {"value", 101}, {"mean", 100}, {"sd", 2.5}},
                                    {{"level", 2}, {"value", 250}, {"mean", 250}, {"sd", 6}}}}},
                                 {{"run", 2},
                                  {"values",
                                   {{{"level", 1}, {"value", 108}, {"mean", 100}, {"sd", 2.5}},
                                    {{"level", 2}, {"value", 251}, {"mean", 250}, {"sd", 6}}}}}});
  const http::Response response =
      post("/api/qc/evaluate", "clerk", {{"rules", "1-3s,2-2s"}, {"runs", runs}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["rules"], json::array({"1-3s", "2-2s"}));
  ASSERT_EQ(body["runs"].size(), 2u);
  EXPECT_EQ(body["runs"][0]["status"], "accept");
  EXPECT_EQ(body["runs"][1]["status"], "reject");
  EXPECT_EQ(body["runs"][1]["run"], 2);
  EXPECT_EQ(body["runs"][1]["violations"][0]["rule"], "1-3s");

  const std::string csv =
      "run,level,value,mean,sd\n1,1,101,100,2.5\n1,2,250,250,6\n2,1,108,100,2.5\n2,2,251,250,6\n";
  const http::Response from_csv =
      post("/api/qc/evaluate", "clerk", {{"rules", "1-3s,2-2s"}, {"csv", csv}});
  ASSERT_EQ(from_csv.status, 200) << from_csv.body;
  EXPECT_EQ(body_of(from_csv), body);
}

TEST_F(EngineRoutesTest, RefusesUnknownRulesAndMalformedRuns) {
  const http::Response rules =
      post("/api/qc/evaluate", "tech",
           {{"rules", "1-9s"},
            {"runs",
             {{{"run", 1}, {"values", {{{"level", 1}, {"value", 1}, {"mean", 1}, {"sd", 1}}}}}}}});
  EXPECT_EQ(rules.status, 400) << rules.body;

  const http::Response csv =
      post("/api/qc/evaluate", "tech", {{"csv", "run,level,value,mean,sd\n1,1,x,100,2\n"}});
  EXPECT_EQ(csv.status, 400) << csv.body;
  EXPECT_NE(body_of(csv)["error"].get<std::string>().find("csv:2"), std::string::npos) << csv.body;

  const http::Response none = post("/api/qc/evaluate", "tech", json::object());
  EXPECT_EQ(none.status, 400) << none.body;
}

TEST_F(EngineRoutesTest, SaysThereAreNoRulesWhenTheLabHasLoadedNone) {
  const http::Response none = get("/api/rules", "clerk");
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(body_of(none)["code"], "not_found");
}

// The server as started with the lab's rules in force.
class EngineRoutesWithRulesTest : public ApiTest {
 protected:
  EngineRoutesWithRulesTest() {
    configure([&](lab::LabConfiguration& next) {
      next.rules = std::move(*rules::load_rules(kRulesText, "api.toml", *catalog_).rules);
    });
    use(engine_routes(api()));
  }
};

TEST_F(EngineRoutesWithRulesTest, ShowsTheRulesInForceAsTheCommandLineListsThem) {
  const http::Response response = get("/api/rules", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["name"], "api rules");
  EXPECT_EQ(body["catalog"]["name"], "test menu");
  ASSERT_EQ(body["analytes"].size(), 1u);
  EXPECT_EQ(body["analytes"][0]["test"], "K");
  EXPECT_EQ(body["analytes"][0]["unit"], "mmol/L");
  EXPECT_EQ(body["analytes"][0]["absurd"]["high"], 15);
  EXPECT_EQ(body, lab::to_json(*configuration_.current()->rules, *catalog_));
}

TEST_F(EngineRoutesTest, ChecksARulesFileAgainstTheCatalogInForce) {
  const http::Response good =
      post("/api/rules/check", "tech", {{"toml", kRulesText}, {"name", "mine.toml"}});
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(body_of(good)["ok"], true);
  EXPECT_EQ(body_of(good)["file"], "mine.toml");
  EXPECT_EQ(body_of(good)["analytes"], 1);

  const http::Response as_text = post_text("/api/rules/check", "tech", kRulesText);
  ASSERT_EQ(as_text.status, 200) << as_text.body;
  EXPECT_EQ(body_of(as_text)["file"], "autoverification.toml");

  std::string typo = kRulesText;
  typo.replace(typo.find("test = \"K\""), 10, "test = \"KX\"");
  const http::Response bad =
      post("/api/rules/check", "tech", {{"toml", typo}, {"name", "typo.toml"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  const json body = body_of(bad);
  EXPECT_EQ(body["ok"], false);
  EXPECT_EQ(body["code"], "invalid_argument");
  ASSERT_EQ(body["diagnostics"].size(), 1u);
  EXPECT_EQ(body["diagnostics"][0]["file"], "typo.toml");
  EXPECT_EQ(body["diagnostics"][0]["line"], 11);
  EXPECT_EQ(body["error"].get<std::string>().rfind("typo.toml has 1 problem:\n  typo.toml:11:", 0),
            0u)
      << body["error"];

  const http::Response empty = post("/api/rules/check", "tech", json::object());
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(body_of(empty)["error"], "field 'toml': required, a string");
}

}  // namespace
}  // namespace aliquot::server::api
