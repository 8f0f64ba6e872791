#include "qc/qc_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/diagnostics.h"
#include "support/test_files.h"

namespace aliquot::qc {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::string_view kHeader = R"toml([qc_policy]
name = "lab QC policy"
version = "3"
)toml";
constexpr int kHeaderLines = 3;

// The policy file: kHeader followed by `body`; `body` line 1 is file line 4.
std::string file_with(std::string_view body) { return std::string(kHeader) + std::string(body); }

std::vector<std::string> problems(std::string_view body) {
  return test_support::error_texts(check_qc_policy(file_with(body), "policy.toml"));
}

// "policy.toml:LINE:COLUMN: message" for a line of the body.
std::string policy_at(int body_line, int column, const std::string& message) {
  return test_support::body_position("policy.toml", kHeaderLines, body_line, column, message);
}

TEST(DefaultQcPolicy, IsTheClassicTwoLevelMultiruleWithDailyQc) {
  const QcPolicy& policy = default_qc_policy();
  EXPECT_EQ(policy.name(), "default QC policy");
  EXPECT_EQ(policy.version(), "1");
  const AnalytePolicy& defaults = policy.defaults();
  EXPECT_EQ(defaults.rules,
            (std::vector<ControlRule>{ControlRule::k1_3s, ControlRule::k2_2s, ControlRule::kR_4s,
                                      ControlRule::k4_1s, ControlRule::k10_x}));
  EXPECT_EQ(defaults.rules_text, "1-3s,2-2s,R-4s,4-1s,10-x");
  EXPECT_EQ(defaults.interval, hours(24));
  EXPECT_EQ(defaults.after_rejection, AfterRejection::kRerun);
  EXPECT_EQ(defaults.establish_minimum, 20);
  EXPECT_EQ(&policy.for_test("GLU"), &policy.defaults());
  EXPECT_TRUE(check_qc_policy(default_qc_policy_text(), kDefaultQcPolicyFileName).empty());
}

TEST(DefaultQcPolicy, IsBuiltFromTheCatalogFileByteForByte) {
  const std::string file =
      test_support::read_file(test_support::source_dir() / "catalog" / "qc_policy.toml");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(default_qc_policy_text(), file);
}

TEST(QcPolicy, AnAnalyteOverridesOnlyWhatItNames) {
  const Result<QcPolicy> policy =
      QcPolicy::parse(file_with(R"toml(rules = "1-3s/2-2s/R-4s/4-1s/10-x"
interval = "12h"
establish_minimum = 20

[[analyte]]
code = "glu"
rules = "1-3s,2-2s,R-4s"
interval = "90m"

[[analyte]]
code = "HGB"
after_rejection = "release"
establish_minimum = 10
interval = "0"
)toml"),
                      "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().to_string();
  EXPECT_EQ(policy->name(), "lab QC policy");
  EXPECT_EQ(policy->version(), "3");
  ASSERT_EQ(policy->analytes().size(), 2u);
  EXPECT_EQ(policy->analytes()[0].first, "GLU");
  EXPECT_EQ(policy->analytes()[1].first, "HGB");

  const AnalytePolicy& glucose = policy->for_test("Glu");
  EXPECT_EQ(glucose.rules,
            (std::vector<ControlRule>{ControlRule::k1_3s, ControlRule::k2_2s, ControlRule::kR_4s}));
  EXPECT_EQ(glucose.rules_text, "1-3s,2-2s,R-4s");
  EXPECT_EQ(glucose.interval, minutes(90));
  EXPECT_EQ(glucose.after_rejection, AfterRejection::kRerun);
  EXPECT_EQ(glucose.establish_minimum, 20);

  const AnalytePolicy& hemoglobin = policy->for_test("HGB");
  EXPECT_EQ(hemoglobin.rules_text, "1-3s/2-2s/R-4s/4-1s/10-x");
  EXPECT_EQ(hemoglobin.rules.size(), 5u);
  EXPECT_EQ(hemoglobin.interval, minutes(0));
  EXPECT_EQ(hemoglobin.after_rejection, AfterRejection::kRelease);
  EXPECT_EQ(hemoglobin.establish_minimum, 10);

  const AnalytePolicy& potassium = policy->for_test("K");
  EXPECT_EQ(&potassium, &policy->defaults());
  EXPECT_EQ(potassium.interval, hours(12));
  EXPECT_EQ(potassium.after_rejection, AfterRejection::kRerun);
}

TEST(QcPolicy, ParseFailsWithTheFirstProblemAtItsPlace) {
  const Result<QcPolicy> policy = QcPolicy::parse(file_with(R"toml(rules = "1-3s"
interval = "1 day"
after_rejection = "later"
)toml"),
                                                  "policy.toml");
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      policy.error().to_string(),
      policy_at(2, 12,
                "key 'interval' of [qc_policy] is not a duration (\"0\" for no limit): invalid "
                "duration '1 day': expected a whole number followed by m, h or d (e.g. 90m, 24h, "
                "7d)"));
}

TEST(QcPolicy, NamesAnUnknownKeyWithTheNearestKnownOne) {
  EXPECT_EQ(
      problems(R"toml(rules = "1-3s"
intervall = "24h"

[[analyte]]
code = "K"
rule = "1-3s"
)toml"),
      (std::vector<std::string>{
          "policy.toml:1:1: [qc_policy] is missing required key 'interval'",
          policy_at(2, 1, "unknown key 'intervall' in [qc_policy] (did you mean 'interval'?)"),
          policy_at(6, 1, "unknown key 'rule' in analyte 'K' (did you mean 'rules'?)"),
      }));
}

TEST(QcPolicy, NamesAnUnknownRuleWithTheNearestRule) {
  EXPECT_EQ(problems(R"toml(rules = "1-3s,2-2x,R-4s"
interval = "24h"
)toml"),
            (std::vector<std::string>{policy_at(
                1, 9,
                "key 'rules' of [qc_policy] is not a list of control rules: unknown control rule "
                "'2-2x' (did you mean 2-2s?); known rules: 1-2s, 1-3s, 2-2s, R-4s, 4-1s, 10-x, "
                "8-x, 12-x, 2of3-2s, 3-1s, 6-x, 9-x")}));
}

TEST(QcPolicy, RefusesRulesThatCanOnlyWarn) {
  EXPECT_EQ(problems(R"toml(rules = "1-2s"
interval = "24h"
)toml"),
            (std::vector<std::string>{policy_at(
                1, 9,
                "key 'rules' of [qc_policy] has only warning rules (1-2s): no run would ever be "
                "rejected")}));
}

TEST(QcPolicy, NamesADurationItCannotRead) {
  EXPECT_EQ(
      problems(R"toml(rules = "1-3s"
interval = "24"

[[analyte]]
code = "NA"
interval = "0h"
)toml"),
      (std::vector<std::string>{
          policy_at(2, 12,
                    "key 'interval' of [qc_policy] is not a duration (\"0\" for no limit): invalid "
                    "duration '24': expected a whole number followed by m, h or d (e.g. 90m, 24h, "
                    "7d)"),
          policy_at(
              6, 12,
              "key 'interval' of analyte 'NA' is not a duration (\"0\" for no limit): invalid "
              "duration '0h': must be longer than 0"),
      }));
}

TEST(QcPolicy, RefusesAnAnalyteListedTwice) {
  EXPECT_EQ(
      problems(R"toml(rules = "1-3s"
interval = "24h"

[[analyte]]
code = "GLU"
rules = "1-3s,2-2s"

[[analyte]]
code = "glu"
interval = "8h"
)toml"),
      (std::vector<std::string>{policy_at(9, 8,
                                          "key 'code' of analyte 'glu' repeats the code of the "
                                          "analyte at line 7")}));
}

TEST(QcPolicy, RefusesAnEstablishMinimumBelowTwo) {
  EXPECT_EQ(
      problems(R"toml(rules = "1-3s"
interval = "24h"
establish_minimum = 1

[[analyte]]
code = "K"
establish_minimum = 5000
)toml"),
      (std::vector<std::string>{
          policy_at(3, 21,
                    "key 'establish_minimum' of [qc_policy] must be at least 2 (a mean and an SD "
                    "need two values; CLSI C24 asks for 20), not 1"),
          policy_at(7, 21, "key 'establish_minimum' of analyte 'K' must be at most 1000, not 5000"),
      }));
}

TEST(QcPolicy, RefusesAnUnknownAfterRejectionAndAMissingHeader) {
  EXPECT_EQ(problems(R"toml(rules = "1-3s"
interval = "24h"
after_rejection = "ignore"
)toml"),
            (std::vector<std::string>{
                policy_at(3, 19,
                          "key 'after_rejection' of [qc_policy] must be 'rerun' or 'release', not "
                          "'ignore'")}));
  EXPECT_EQ(test_support::error_texts(check_qc_policy("[[analyte]]\ncode = \"K\"\n", "p.toml")),
            (std::vector<std::string>{
                "p.toml: the file has no [qc_policy] table with its name, version, rules and "
                "interval"}));
}

TEST(QcPolicy, NamesATomlSyntaxErrorAtItsPlace) {
  const std::vector<Error> found = check_qc_policy("[qc_policy\n", "p.toml");
  ASSERT_EQ(found.size(), 1u);
  ASSERT_TRUE(found[0].position().has_value());
  EXPECT_EQ(found[0].position()->line, 1);
  EXPECT_EQ(found[0].message().rfind("TOML syntax error: ", 0), 0u) << found[0].message();
}

TEST(QcPolicy, WritesIntervalsAsThePolicyFileDoes) {
  EXPECT_EQ(interval_text(minutes(0)), "0");
  EXPECT_EQ(interval_text(minutes(90)), "90m");
  EXPECT_EQ(interval_text(hours(24)), "24h");
  EXPECT_EQ(interval_text(hours(36)), "36h");
  EXPECT_EQ(interval_text(hours(24 * 7)), "7d");
  EXPECT_EQ(to_code(AfterRejection::kRerun), "rerun");
  EXPECT_EQ(to_code(AfterRejection::kRelease), "release");
}

}  // namespace
}  // namespace aliquot::qc
