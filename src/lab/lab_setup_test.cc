#include "lab/lab_setup.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "audit/chain.h"
#include "lab/lab_test_fixture.h"
#include "lab/use_cases.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::lab {
namespace {

std::string sha256_of(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

class LabSetupTest : public ::testing::Test {
 protected:
  LabSetupTest() : clock_(at("2026-03-10T07:00:00Z")) {
    store_ = must(store::open_sqlite_store(":memory:"));
  }
  InitializeLab command() const {
    InitializeLab init;
    init.lab_name = "Hillside Hospital Laboratory";
    init.catalog_text = kTestCatalogText;
    init.catalog_file_name = "test-menu.toml";
    init.admin_username = "it.admin";
    return init;
  }
  std::vector<core::AuditEntry> trail() {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
    return must(tx->audit_entries(1, 1000));
  }

  core::ManualClock clock_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(LabSetupTest, InitializeRecordsTheNameTheCatalogAndTheAdminAudited) {
  must(initialize_lab(*store_, clock_, command()));
  std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
  EXPECT_EQ(must(tx->get_setting("lab.name")), "Hillside Hospital Laboratory");
  const std::optional<core::User> admin = must(tx->find_user("it.admin"));
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->role, core::Role::kAdmin);
  EXPECT_TRUE(admin->active);
  const std::optional<store::CatalogVersion> version = must(tx->latest_catalog_version());
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(version->version, 1);
  EXPECT_EQ(version->name, "test-menu.toml");
  EXPECT_EQ(version->content, kTestCatalogText);
  EXPECT_EQ(version->sha256, sha256_of(kTestCatalogText));
  EXPECT_EQ(version->loaded_by, "it.admin");

  const std::vector<core::AuditEntry> entries = must(tx->audit_entries(1, 1000));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "setting.set");
  EXPECT_EQ(entries[0].entity_key, "lab.name");
  EXPECT_EQ(entries[1].action, "catalog.load");
  EXPECT_EQ(entries[1].entity_type, "catalog");
  EXPECT_NE(entries[1].after.find(version->sha256), std::string::npos);
  EXPECT_EQ(entries[2].action, "user.add");
  EXPECT_EQ(entries[2].entity_key, "it.admin");
  for (const core::AuditEntry& entry : entries) EXPECT_EQ(entry.actor, "it.admin");
  EXPECT_TRUE(must(audit::verify(*tx)).intact);
}

TEST_F(LabSetupTest, InitializeUsesTheDefaultMenuWhenGivenNoCatalog) {
  InitializeLab init = command();
  init.catalog_text.clear();
  init.catalog_file_name.clear();
  must(initialize_lab(*store_, clock_, init));
  const catalog::Catalog current = must(current_catalog(*store_));
  const catalog::LoadOutcome expected =
      catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
  ASSERT_TRUE(expected.catalog.has_value());
  EXPECT_EQ(current.name(), expected.catalog->name());
  EXPECT_EQ(current.tests().size(), expected.catalog->tests().size());
}

TEST_F(LabSetupTest, InitializeRefusesAStoreThatAlreadyHoldsALab) {
  must(initialize_lab(*store_, clock_, command()));
  const Result<void> again = initialize_lab(*store_, clock_, command());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().message(),
            "the store already holds a lab ('Hillside Hospital Laboratory'); it is initialized "
            "only once");
  EXPECT_EQ(trail().size(), 3u);
}

TEST_F(LabSetupTest, InitializeRefusesAnInvalidCatalogWithEveryDiagnostic) {
  InitializeLab init = command();
  init.catalog_text = "this is = = not toml [";
  init.catalog_file_name = "broken.toml";
  const Result<void> refused = initialize_lab(*store_, clock_, init);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  const catalog::LoadOutcome outcome = catalog::load_catalog(init.catalog_text, "broken.toml");
  ASSERT_FALSE(outcome.diagnostics.empty());
  EXPECT_EQ(refused.error().message().rfind("catalog 'broken.toml' is invalid (", 0), 0u);
  for (const catalog::Diagnostic& diagnostic : outcome.diagnostics) {
    EXPECT_NE(refused.error().message().find(diagnostic.to_string()), std::string::npos);
  }
  EXPECT_TRUE(trail().empty());
  const Result<catalog::Catalog> none = current_catalog(*store_);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(none.error().message(), "the store holds no lab yet (run `aliquot init`)");
}

TEST_F(LabSetupTest, InitializeRefusesAMalformedAdminUsername) {
  InitializeLab init = command();
  init.admin_username = "IT Admin";
  const Result<void> refused = initialize_lab(*store_, clock_, init);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(trail().empty());
}

TEST_F(LabSetupTest, LoadCatalogVersionRecordsANewVersionInForce) {
  must(initialize_lab(*store_, clock_, command()));
  clock_.advance(std::chrono::hours(24));
  const std::string edited = std::string(kTestCatalogText) + "\n# reviewed 2026-03-11\n";
  must(load_catalog_version(*store_, clock_, "it.admin", edited, "test-menu-v2.toml"));
  EXPECT_TRUE(current_catalog(*store_).has_value());
  std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kRead));
  const std::optional<store::CatalogVersion> latest = must(tx->latest_catalog_version());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->name, "test-menu-v2.toml");
  EXPECT_EQ(latest->loaded_at, clock_.now());
  const std::vector<core::AuditEntry> entries = must(tx->audit_entries(1, 1000));
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[3].action, "catalog.load");
  EXPECT_EQ(entries[3].entity_key, "2");
}

TEST_F(LabSetupTest, LoadCatalogVersionRefusesAnIdenticalCatalog) {
  must(initialize_lab(*store_, clock_, command()));
  const Result<void> refused =
      load_catalog_version(*store_, clock_, "it.admin", kTestCatalogText, "same.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(trail().size(), 3u);
}

TEST_F(LabSetupTest, LoadCatalogVersionRefusesAnInvalidCatalog) {
  must(initialize_lab(*store_, clock_, command()));
  const Result<void> refused =
      load_catalog_version(*store_, clock_, "it.admin", "[[broken", "broken.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(trail().size(), 3u);
}

TEST_F(LabSetupTest, LoadCatalogVersionIsForAdminsOnly) {
  must(initialize_lab(*store_, clock_, command()));
  {
    const catalog::Catalog catalog = must(current_catalog(*store_));
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    Context admin{catalog, clock_, core::User{}};
    admin.actor.username = "it.admin";
    AddUser add;
    add.username = "boss";
    add.role = core::Role::kSupervisor;
    must(add_user(*tx, admin, add));
    must(tx->commit());
  }
  const std::string edited = std::string(kTestCatalogText) + "\n# edited\n";
  const Result<void> refused = load_catalog_version(*store_, clock_, "boss", edited, "x.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "user 'boss' (supervisor) may not load catalogs");
}

TEST_F(LabSetupTest, CurrentCatalogRefusesContentThatDoesNotMatchItsHash) {
  must(initialize_lab(*store_, clock_, command()));
  {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    store::CatalogVersion forged;
    forged.version = 2;
    forged.name = "forged.toml";
    forged.content = kTestCatalogText;
    forged.sha256 = std::string(64, '0');
    forged.loaded_at = clock_.now();
    forged.loaded_by = "it.admin";
    must(tx->insert_catalog_version(forged));
    must(tx->commit());
  }
  const Result<catalog::Catalog> refused = current_catalog(*store_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(refused.error().message().rfind("catalog version 2 ('forged.toml') does not match", 0),
            0u);
}

// --- autoverification rules ------------------------------------------------------------------

namespace rules_versions {

constexpr const char* kRulesText = R"toml(
[rules]
name = "hillside rules"
version = "h1"

[[discipline]]
section = "chemistry"
autoverify = true

[[analyte]]
test = "K"
absurd = { low = 0.5, high = 15 }

[[analyte]]
test = "TROPI"
absurd = { low = 0, high = 500 }
)toml";

constexpr const char* kRulesWithoutTroponin = R"toml(
[rules]
name = "hillside rules"
version = "h2"

[[discipline]]
section = "chemistry"
autoverify = true

[[analyte]]
test = "K"
absurd = { low = 0.5, high = 15 }
)toml";

// The test catalog without troponin.
std::string catalog_without_troponin() {
  std::string text = kTestCatalogText;
  const std::size_t start = text.find("[[test]]\ncode = \"TROPI\"");
  const std::size_t end = text.find("[[test]]", start + 1);
  text.erase(start, end - start);
  return text;
}

}  // namespace rules_versions

TEST_F(LabSetupTest, ALabWithItsOwnCatalogStartsWithoutRulesUntilItLoadsThem) {
  must(initialize_lab(*store_, clock_, command()));
  const catalog::Catalog catalog = must(current_catalog(*store_));
  EXPECT_FALSE(must(current_rules(*store_, catalog)).has_value());

  must(
      load_rules_version(*store_, clock_, "it.admin", rules_versions::kRulesText, "hillside.toml"));
  const std::optional<rules::RuleSet> rules = must(current_rules(*store_, catalog));
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->name(), "hillside rules");
  ASSERT_NE(rules->find_analyte("K"), nullptr);
  EXPECT_EQ(rules->find_analyte("K")->absurd.high, 15);
  const std::vector<core::AuditEntry> entries = trail();
  EXPECT_EQ(entries.back().action, "rules.load");
  EXPECT_EQ(entries.back().entity_key, "1");

  const Result<void> again =
      load_rules_version(*store_, clock_, "it.admin", rules_versions::kRulesText, "hillside.toml");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(LabSetupTest, TheDefaultMenuComesWithTheDefaultRules) {
  InitializeLab init = command();
  init.catalog_text.clear();
  init.catalog_file_name.clear();
  must(initialize_lab(*store_, clock_, init));
  const catalog::Catalog catalog = must(current_catalog(*store_));
  const std::optional<rules::RuleSet> rules = must(current_rules(*store_, catalog));
  ASSERT_TRUE(rules.has_value());
  EXPECT_FALSE(rules->analytes().empty());
}

TEST_F(LabSetupTest, RefusesRulesThatDoNotFitTheCatalogAndACatalogThatNoLongerFitsTheRules) {
  must(initialize_lab(*store_, clock_, command()));
  std::string unknown_test = rules_versions::kRulesText;
  unknown_test.replace(unknown_test.find("test = \"K\""), 10, "test = \"KX\"");
  const Result<void> refused =
      load_rules_version(*store_, clock_, "it.admin", unknown_test, "typo.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message().rfind("autoverification rules 'typo.toml' are invalid (1 "
                                            "problem):\ntypo.toml:",
                                            0),
            0u)
      << refused.error().message();

  must(
      load_rules_version(*store_, clock_, "it.admin", rules_versions::kRulesText, "hillside.toml"));
  const Result<void> catalog_refused = load_catalog_version(
      *store_, clock_, "it.admin", rules_versions::catalog_without_troponin(), "smaller.toml");
  ASSERT_FALSE(catalog_refused.has_value());
  EXPECT_EQ(catalog_refused.error().message().rfind(
                "catalog 'smaller.toml' does not fit the autoverification rules in force "
                "(version 1); load rules that fit it first (1 problem):\nhillside.toml:",
                0),
            0u)
      << catalog_refused.error().message();

  // Rules without troponin first, then the smaller catalog loads.
  must(load_rules_version(*store_, clock_, "it.admin", rules_versions::kRulesWithoutTroponin,
                          "hillside-2.toml"));
  must(load_catalog_version(*store_, clock_, "it.admin", rules_versions::catalog_without_troponin(),
                            "smaller.toml"));
}

TEST_F(LabSetupTest, OnlyAnAdminLoadsRules) {
  must(initialize_lab(*store_, clock_, command()));
  const Result<void> refused =
      load_rules_version(*store_, clock_, "nobody", rules_versions::kRulesText, "r.toml");
  ASSERT_FALSE(refused.has_value());
}

namespace qc_policies {

constexpr const char* kPolicyText = R"toml([qc_policy]
name = "hillside QC"
version = "2026.1"
rules = "1-3s,2-2s,R-4s"
interval = "12h"
after_rejection = "release"

[[analyte]]
code = "K"
rules = "1-3s"
)toml";

}  // namespace qc_policies

class QcPolicyVersionTest : public LabSetupTest {
 protected:
  QcPolicyVersionTest() {
    must(initialize_lab(*store_, clock_, command()));
    const catalog::Catalog catalog = must(current_catalog(*store_));
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    core::User it_admin;
    it_admin.username = "it.admin";
    const Context admin{.catalog = catalog, .clock = clock_, .actor = it_admin};
    must(add_user(*tx, admin, {"qc.lead", "QC Lead", core::Role::kSupervisor}));
    must(tx->commit());
  }
};

TEST_F(QcPolicyVersionTest, TheDefaultAppliesUntilTheLabLoadsItsOwnPolicy) {
  EXPECT_FALSE(must(current_qc_policy(*store_)).has_value());
  must(load_qc_policy_version(*store_, clock_, "qc.lead", qc_policies::kPolicyText,
                              "hillside-qc.toml"));
  const std::optional<qc::QcPolicy> policy = must(current_qc_policy(*store_));
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(policy->name(), "hillside QC");
  EXPECT_EQ(policy->for_test("K").rules_text, "1-3s");
  EXPECT_EQ(policy->for_test("NA").interval, std::chrono::hours(12));
  EXPECT_EQ(policy->for_test("NA").after_rejection, qc::AfterRejection::kRelease);
  const core::AuditEntry last = trail().back();
  EXPECT_EQ(last.action, "qc_policy.load");
  EXPECT_EQ(last.actor, "qc.lead");
  EXPECT_NE(last.after.find(sha256_of(qc_policies::kPolicyText)), std::string::npos);

  const Result<void> again = load_qc_policy_version(*store_, clock_, "qc.lead",
                                                    qc_policies::kPolicyText, "hillside-qc.toml");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(QcPolicyVersionTest, RefusesAPolicyForATestTheCatalogDoesNotHave) {
  std::string text = qc_policies::kPolicyText;
  text.replace(text.find("code = \"K\""), 10, "code = \"KX\"");
  const Result<void> refused =
      load_qc_policy_version(*store_, clock_, "qc.lead", text, "typo-qc.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "QC policy 'typo-qc.toml' is invalid (1 problem):\ntypo-qc.toml: [[analyte]] KX is "
            "not a test of catalog '" +
                must(current_catalog(*store_)).name() + "'");
  EXPECT_FALSE(must(current_qc_policy(*store_)).has_value());
}

TEST_F(QcPolicyVersionTest, LabItMayNotSetTheQcPolicy) {
  const Result<void> refused =
      load_qc_policy_version(*store_, clock_, "it.admin", qc_policies::kPolicyText, "qc.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(QcPolicyVersionTest, CurrentPolicyRefusesContentThatDoesNotMatchItsHash) {
  must(load_qc_policy_version(*store_, clock_, "qc.lead", qc_policies::kPolicyText, "qc.toml"));
  {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    store::CatalogVersion altered = *must(tx->latest_qc_policy_version());
    altered.version = 0;
    altered.content += "\n# edited behind the lab's back\n";
    must(tx->insert_qc_policy_version(altered));
    must(tx->commit());
  }
  const Result<std::optional<qc::QcPolicy>> current = current_qc_policy(*store_);
  ASSERT_FALSE(current.has_value());
  EXPECT_EQ(current.error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace aliquot::lab
