#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "ingest/instrument_profile.h"
#include "lab/lab_setup.h"
#include "lab/lab_test_fixture.h"
#include "lab/personnel_setup.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

constexpr const char* kConfigRulesText = R"toml(
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

constexpr const char* kConfigPolicyText = R"toml([qc_policy]
name = "api QC"
version = "2026.1"
rules = "1-3s,2-2s,R-4s"
interval = "12h"
after_rejection = "release"

[[analyte]]
code = "K"
rules = "1-3s"
)toml";

// The test catalog as version `version`.
std::string catalog_version(const std::string& version) {
  std::string text = lab::kTestCatalogText;
  text.replace(text.find("version = \"t1\""), 14, "version = \"" + version + "\"");
  return text;
}

class ConfigRoutesTest : public ApiTest {
 protected:
  ConfigRoutesTest() { use(config_routes(api())); }

  std::string catalog_in_store() { return must(lab::current_catalog(*store_)).version(); }
};

TEST_F(ConfigRoutesTest, ListsTheCatalogInForceWholeOrBySection) {
  const http::Response response = get("/api/catalog", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["catalog"]["name"], "test menu");
  EXPECT_EQ(body["catalog"]["version"], "t1");
  EXPECT_EQ(body["tests"].size(), catalog_->tests().size());
  EXPECT_EQ(body["panels"].size(), catalog_->panels().size());

  const json hematology = body_of(get("/api/catalog?section=hematology", "clerk"));
  ASSERT_EQ(hematology["tests"].size(), 1u);
  EXPECT_EQ(hematology["tests"][0]["code"], "HGB");
  EXPECT_TRUE(hematology["panels"].empty());

  const http::Response unknown = get("/api/catalog?section=virology", "clerk");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body_of(unknown)["error"].get<std::string>().rfind("no section 'virology'", 0), 0u);
}

TEST_F(ConfigRoutesTest, ChecksACatalogWithEveryProblemAtItsLine) {
  const http::Response good =
      post("/api/catalog/check", "clerk", {{"toml", catalog_version("t2")}, {"name", "t2.toml"}});
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(body_of(good)["ok"], true);
  EXPECT_EQ(body_of(good)["tests"], catalog_->tests().size());

  const http::Response bad =
      post("/api/catalog/check", "clerk",
           {{"toml", "[catalog]\nname = \"x\"\nversion = 3\n"}, {"name", "bad.toml"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  const json body = body_of(bad);
  EXPECT_EQ(body["ok"], false);
  ASSERT_FALSE(body["diagnostics"].empty());
  EXPECT_EQ(body["diagnostics"][0]["file"], "bad.toml");
  EXPECT_NE(body["error"].get<std::string>().find("bad.toml:"), std::string::npos) << body;
}

TEST_F(ConfigRoutesTest, LoadsACatalogVersionAndPutsItInForce) {
  const std::size_t trail = audit_size();
  const http::Response clerk = post("/api/catalog", "clerk", {{"toml", catalog_version("t2")}});
  EXPECT_EQ(clerk.status, 403) << clerk.body;
  EXPECT_EQ(audit_size(), trail);

  const http::Response bad =
      post("/api/catalog", "admin", {{"toml", "[catalog\n"}, {"name", "b.toml"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(body_of(bad)["error"].get<std::string>().find("b.toml:1"), std::string::npos)
      << bad.body;
  EXPECT_EQ(catalog_in_store(), "t1");

  const http::Response loaded =
      post("/api/catalog", "admin", {{"toml", catalog_version("t2")}, {"name", "t2.toml"}});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  const json body = body_of(loaded);
  EXPECT_EQ(body["version"], "t2");
  EXPECT_EQ(body["file"], "t2.toml");
  EXPECT_EQ(body["in_force"], true);
  EXPECT_EQ(body["message"], "catalog test menu t2 recorded and in force");
  EXPECT_EQ(catalog_in_store(), "t2");
  // The requests after the answer see it, without a restart.
  EXPECT_EQ(body_of(get("/api/catalog", "admin"))["catalog"]["version"], "t2");
  EXPECT_EQ(configuration_.current()->versions.catalog, 2);
}

// The server's instruments send troponin: a catalog without it would leave their results
// without a test, so it is refused before anything is recorded, and the check says why.
TEST_F(ConfigRoutesTest, RefusesACatalogThatTheServersInstrumentsNoLongerMapTo) {
  ingest::InstrumentProfile analyzer;
  analyzer.id = "immuno1";
  analyzer.file = "immuno1.toml";
  analyzer.codes["TNI"] = {"TROPI", ""};
  const ingest::InstrumentProfiles profiles({analyzer});
  configuration_.add_acceptance([&profiles](const lab::LabConfiguration& next) {
    return ingest::check_profiles_fit(profiles, next.catalog);
  });
  std::string without_troponin = catalog_version("t2");
  const std::size_t start = without_troponin.find("[[test]]\ncode = \"TROPI\"");
  ASSERT_NE(start, std::string::npos);
  without_troponin.erase(start, without_troponin.find("[[test]]", start + 1) - start);

  const http::Response check =
      post("/api/catalog/check", "clerk", {{"toml", without_troponin}, {"name", "t2.toml"}});
  EXPECT_EQ(check.status, 400) << check.body;
  EXPECT_EQ(body_of(check)["ok"], false);
  EXPECT_NE(check.body.find("immuno1.toml: instrument immuno1 maps code 'TNI' to 'TROPI', which "
                            "catalog 'test menu' version t2 does not have"),
            std::string::npos)
      << check.body;

  const std::size_t trail = audit_size();
  const http::Response load =
      post("/api/catalog", "admin", {{"toml", without_troponin}, {"name", "t2.toml"}});
  EXPECT_EQ(load.status, 409) << load.body;
  EXPECT_NE(load.body.find("maps code 'TNI' to 'TROPI'"), std::string::npos) << load.body;
  EXPECT_EQ(audit_size(), trail);
  EXPECT_EQ(catalog_in_store(), "t1");
  EXPECT_EQ(configuration_.current()->catalog.version(), "t1");
}

TEST_F(ConfigRoutesTest, LoadsRulesAsAdminOnlyAndRefusesRulesThatDoNotFit) {
  EXPECT_EQ(post("/api/rules", "mls", {{"toml", kConfigRulesText}}).status, 403);

  std::string typo = kConfigRulesText;
  typo.replace(typo.find("test = \"K\""), 10, "test = \"KX\"");
  const http::Response bad = post("/api/rules", "admin", {{"toml", typo}, {"name", "typo.toml"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(body_of(bad)["error"].get<std::string>().find("typo.toml:11"), std::string::npos)
      << bad.body;

  const http::Response loaded = post("/api/rules", "admin", {{"toml", kConfigRulesText}});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(body_of(loaded)["name"], "api rules");
  EXPECT_EQ(body_of(loaded)["analytes"], 1);
  EXPECT_EQ(body_of(loaded)["in_force"], true);
  EXPECT_TRUE(must(lab::current_rules(*store_, *catalog_)).has_value());
  ASSERT_TRUE(configuration_.current()->rules.has_value());
  EXPECT_EQ(configuration_.current()->rules->name(), "api rules");

  EXPECT_EQ(post("/api/rules", "admin", {{"toml", kConfigRulesText}}).status, 409);
}

// Recorded, but this server cannot put it in force: the answer says so rather than claim it.
TEST_F(ConfigRoutesTest, SaysWhenALoadIsRecordedButNotInForce) {
  configuration_.add_acceptance([](const lab::LabConfiguration& next) -> Result<void> {
    if (!next.rules) return ok();
    return failed_precondition("rules refused by this server for the test");
  });
  const http::Response loaded = post("/api/rules", "admin", {{"toml", kConfigRulesText}});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(body_of(loaded)["in_force"], false);
  EXPECT_EQ(body_of(loaded)["message"],
            "rules api rules r1 recorded but not in force: rules refused by this server for the "
            "test");
  EXPECT_FALSE(configuration_.current()->rules.has_value());
}

TEST_F(ConfigRoutesTest, ChecksAndLoadsAQcPolicy) {
  const http::Response good = post("/api/qc/policy/check", "clerk", {{"toml", kConfigPolicyText}});
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(body_of(good)["policy"]["name"], "api QC");

  std::string typo = kConfigPolicyText;
  typo.replace(typo.find("rules = \"1-3s\""), 14, "rules = \"1-9s\"");
  const http::Response bad =
      post("/api/qc/policy/check", "clerk", {{"toml", typo}, {"name", "typo-qc.toml"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(body_of(bad)["diagnostics"][0]["file"], "typo-qc.toml");
  EXPECT_EQ(body_of(bad)["diagnostics"][0]["line"], 10);
  EXPECT_TRUE(body_of(bad)["policy"].is_null());

  const std::size_t trail = audit_size();
  EXPECT_EQ(post("/api/qc/policy", "clerk", {{"toml", kConfigPolicyText}}).status, 403);
  EXPECT_EQ(audit_size(), trail);

  const http::Response loaded = post("/api/qc/policy", "mls", {{"toml", kConfigPolicyText}});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(body_of(loaded)["lab_version"], 1);
  EXPECT_EQ(body_of(loaded)["in_force"], true);
  ASSERT_TRUE(must(lab::current_qc_policy(*store_)).has_value());
  EXPECT_EQ(must(lab::current_qc_policy(*store_))->name(), "api QC");
  EXPECT_EQ(configuration_.current()->qc_policy_in_force().name(), "api QC");
}

TEST_F(ConfigRoutesTest, LoadsTheLabsPersonnelRequirementsAndCeRules) {
  const std::string requirements =
      "[personnel]\nname = \"api personnel\"\nversion = \"1\"\n"
      "[[section]]\nsection = \"hematology\"\nroles = [\"technologist\"]\n";
  EXPECT_EQ(post("/api/personnel-requirements", "admin", {{"toml", requirements}}).status, 403);
  std::string misspelt = requirements;
  misspelt.replace(misspelt.find("hematology"), 10, "hematolgy");
  const http::Response refused = post("/api/personnel-requirements", "super", {{"toml", misspelt}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("did you mean 'hematology'?"), std::string::npos) << refused.body;
  const http::Response loaded =
      post("/api/personnel-requirements", "super", {{"toml", requirements}});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(body_of(loaded)["name"], "api personnel");
  EXPECT_EQ(body_of(loaded)["in_force"], true);
  EXPECT_EQ(must(lab::current_personnel_requirements(*store_))->name(), "api personnel");
  EXPECT_EQ(configuration_.current()->personnel_in_force().name(), "api personnel");

  const std::string ce =
      "[continuing_education]\nname = \"api CE\"\nversion = \"1\"\n"
      "[[category]]\ncode = \"chemistry\"\nname = \"chemistry\"\n"
      "[[program]]\nname = \"in-house\"\nsource = \"lab policy\"\n"
      "credentials = [\"MLS(ASCP)\"]\ncycle_years = 2\npoints = 12\n";
  EXPECT_EQ(post("/api/ce-rules", "tech", {{"toml", ce}}).status, 403);
  const http::Response ce_loaded = post("/api/ce-rules", "admin", {{"toml", ce}});
  ASSERT_EQ(ce_loaded.status, 201) << ce_loaded.body;
  EXPECT_EQ(body_of(ce_loaded)["categories"], 1);
  EXPECT_EQ(must(lab::current_ce_rules(*store_))->name(), "api CE");
  EXPECT_EQ(configuration_.current()->ce_rules_in_force().name(), "api CE");
}

}  // namespace
}  // namespace aliquot::server::api
