// `aliquot astm decode` through its command group (cli/astm_commands.h), on the golden
// captures. Runs the command in-process with a Session writing to a string.

#include "cli/astm_commands.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/time.h"
#include "support/test_files.h"

namespace aliquot::cli {

namespace {

struct Outcome {
  std::string out;
  nlohmann::json json;
  std::optional<Error> finding;
  std::optional<Error> error;
};

Outcome run(const std::vector<std::string>& arguments, OutputFormat format) {
  CLI::App app("aliquot");
  CommandSelection selection;
  add_astm_commands(app, selection);
  std::vector<const char*> argv = {"aliquot"};
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  const core::ManualClock clock(core::Instant{});
  std::ostringstream out;
  GlobalOptions options;
  options.format = format;
  Session session(options, clock, out);
  Outcome outcome;
  const Result<void> result = (*selection.selected())(session);
  if (!result) outcome.error = result.error();
  outcome.out = out.str();
  outcome.json = session.json_body();
  outcome.finding = session.finding();
  return outcome;
}

std::string data_file(const std::string& name) {
  return (test_support::source_dir() / "tests/data/astm" / name).string();
}

TEST(AstmDecodeCommand, PrintsOneRecordALine) {
  const Outcome outcome =
      run({"astm", "decode", data_file("chemistry_transfer.astm")}, OutputFormat::kText);
  EXPECT_FALSE(outcome.error.has_value());
  EXPECT_FALSE(outcome.finding.has_value());
  EXPECT_EQ(outcome.out, test_support::read_file(data_file("chemistry_transfer.records")));
}

TEST(AstmDecodeCommand, PrintsTheRecordsBeforeABadFrameThenReportsIt) {
  const std::string file = data_file("bad_checksum.astm");
  const Outcome outcome = run({"astm", "decode", file}, OutputFormat::kText);
  EXPECT_EQ(outcome.out, "H|\\^&\nP|1\n");
  ASSERT_TRUE(outcome.finding.has_value());
  EXPECT_EQ(outcome.finding->message() + "\n",
            file + ": " + test_support::read_file(data_file("bad_checksum.error")));
}

TEST(AstmDecodeCommand, GivesRecordTypeAndFrameNumbersAsJson) {
  const Outcome outcome =
      run({"astm", "decode", data_file("chemistry_transfer.astm")}, OutputFormat::kJson);
  ASSERT_TRUE(outcome.json.is_array());
  ASSERT_EQ(outcome.json.size(), 10u);
  EXPECT_EQ(outcome.json[6]["type"], "C");
  EXPECT_EQ(outcome.json[6]["frame_numbers"], nlohmann::json::array({7, 0}));
  EXPECT_EQ(outcome.json[9]["record"], "L|1|N");
  EXPECT_TRUE(outcome.out.empty());
}

TEST(AstmDecodeCommand, FailsForAMissingFile) {
  const Outcome outcome = run({"astm", "decode", "/nonexistent/capture.astm"}, OutputFormat::kText);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_NE(outcome.error->message().find("/nonexistent/capture.astm"), std::string::npos);
}

}  // namespace
}  // namespace aliquot::cli
