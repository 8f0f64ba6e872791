#include "cli/app.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace aliquot::cli {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the command in-process against a database path that does not exist, so that only the
// command line itself is exercised.
Outcome run_command(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "aliquot");
  Environment environment;
  environment.database = "/nonexistent/aliquot-app-test/lab.db";
  const core::ManualClock clock(*core::parse_instant("2026-03-02T10:00:00Z"));
  std::ostringstream out;
  std::ostringstream err;
  Outcome outcome;
  outcome.exit_code = run(arguments, environment, clock, out, err);
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

TEST(AliquotCommand, PrintsItsVersion) {
  const Outcome outcome = run_command({"--version"});
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out.rfind("aliquot ", 0), 0u) << outcome.out;
}

TEST(AliquotCommand, HelpOfASubcommandDescribesItsOptions) {
  const Outcome release = run_command({"result", "release", "--help"});
  EXPECT_EQ(release.exit_code, 0);
  EXPECT_NE(release.out.find("--all"), std::string::npos) << release.out;

  const Outcome reject = run_command({"specimen", "reject", "--help"});
  EXPECT_EQ(reject.exit_code, 0);
  for (const char* reason : {"hemolyzed", "clotted", "qns", "wrong-container", "leaked",
                             "exceeded-stability", "incorrect-fill-ratio"}) {
    EXPECT_NE(reject.out.find(reason), std::string::npos) << reason << " in\n" << reject.out;
  }
}

TEST(AliquotCommand, AnUnknownCommandIsAUsageError) {
  const Outcome outcome = run_command({"frobnicate"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("aliquot: ", 0), 0u) << outcome.err;
  EXPECT_EQ(outcome.err.rfind("aliquot: unknown command 'frobnicate' for `aliquot`; the commands "
                              "are: init, user, patient,",
                              0),
            0u)
      << outcome.err;
  const Outcome nested = run_command({"user", "remove", "tech1"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_EQ(nested.err,
            "aliquot: unknown command 'remove' for `aliquot user`; the commands are: add, list, "
            "password (run with --help for usage)\n");
  const Outcome bare = run_command({"audit"});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.err,
            "aliquot: `aliquot audit` needs a command: verify, show, reads (run with --help for "
            "usage)\n");
}

TEST(AliquotCommand, AMissingRequiredOptionIsAUsageErrorAlsoInJson) {
  const Outcome outcome = run_command({"specimen", "reject", "260000001X", "--json"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("--reason"), std::string::npos) << outcome.err;
  const nlohmann::json body = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
}

TEST(AliquotCommand, AnUnknownRejectionReasonIsAUsageErrorListingTheCodes) {
  const Outcome outcome = run_command({"specimen", "reject", "260000001X", "--reason", "dropped"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("aliquot: --reason: ", 0), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find("hemolyzed"), std::string::npos) << outcome.err;
}

TEST(AliquotCommand, ReleaseNeedsTestCodesOrAll) {
  const Outcome neither = run_command({"result", "release", "260000001X"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_EQ(neither.err,
            "aliquot: name the tests to release, or --all for every preliminary result on the "
            "specimen\n");
  const Outcome both = run_command({"result", "release", "260000001X", "K", "--all"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err, "aliquot: give either test codes or --all, not both\n");
}

TEST(AliquotCommand, AuditShowNeedsExactlyOneSubject) {
  const Outcome outcome = run_command({"audit", "show"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("exactly one of --patient"), std::string::npos) << outcome.err;
  const Outcome malformed = run_command({"audit", "show", "--result", "260000001X"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_EQ(malformed.err, "aliquot: --result: '260000001X' is not of the form ACCESSION/TEST\n");
}

TEST(AliquotCommand, RefusesToWorkWithoutADatabaseAndSaysHowToMakeOne) {
  const Outcome outcome = run_command({"worklist"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.err,
            "aliquot: no lab database at '/nonexistent/aliquot-app-test/lab.db': create one with "
            "`aliquot init`, or name another with --db or ALIQUOT_DB\n");
}

TEST(AliquotCommand, GlobalOptionsMayFollowTheCommand) {
  const Outcome outcome =
      run_command({"report", "MRN1", "--json", "--db", "/nonexistent/elsewhere.db"});
  EXPECT_EQ(outcome.exit_code, 1);
  const nlohmann::json body = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(body["error"]["code"], "NOT_FOUND");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("/nonexistent/elsewhere.db"),
            std::string::npos);
}

TEST(AliquotCommand, ATimeWithoutZoneIsRefusedNamingTheOption) {
  const Outcome outcome = run_command({"critical", "call", "260000001X", "K", "--to", "RN Diaz",
                                       "--read-back", "--at", "2026-03-02 09:10"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err.rfind("aliquot: --at: ", 0), 0u) << outcome.err;
}

}  // namespace
}  // namespace aliquot::cli
