// `aliquot hl7 get|check|json` through the built executable, as an interface analyst runs them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

// Two results messages in one file, separated by a newline only; the second uses other encoding
// characters and escapes a delimiter inside a value.
const std::string kTwoMessages =
    "MSH|^~\\&|ANALYZER|LAB|LIS|LAB|20261121083000+0000||ORU^R01^ORU_R01|MSG001|P|2.5.1\r"
    "PID|1||MRN1001^^^LAB^MR||Doe^Jane||19700402|F\r"
    "OBR|1||260000042H|2823-3^Potassium^LN\r"
    "OBX|1|NM|2823-3^Potassium^LN||4.1|mmol/L|3.5-5.1||||F\r"
    "OBX|2|NM|2951-2^Sodium^LN||139|mmol/L|136-145||||F\n"
    "MSH|$%#@|ANALYZER|LAB|LIS|LAB|20261121083100+0000||ORU$R01$ORU_R01|MSG002|P|2.5.1\r"
    "PID|1||MRN1002$$$LAB$MR||Roe$John||19800101|M\r"
    "OBR|1||260000050J|2823-3$Potassium$LN\r"
    "OBX|1|ST|2823-3$Potassium$LN||see note#S#hemolyzed||||||F\r";

TEST(CliHl7, GetPrintsOneLinePerPathForEveryMessageAndAnEmptyLineWhenAbsent) {
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", kTwoMessages);
  const CommandOutput out = cli.run_raw({"hl7", "get", file, "MSH-10", "OBX(2)-5", "PID-5.2"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "MSG001\n139\nJane\nMSG002\n\nJohn\n");
}

TEST(CliHl7, GetDecodesEscapesWithTheMessagesOwnEncodingCharacters) {
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", kTwoMessages);
  const CommandOutput out = cli.run_raw({"hl7", "get", file, "OBX-5"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "4.1\nsee note$hemolyzed\n");
}

TEST(CliHl7, GetRefusesAMalformedPathWithUsageExitCode) {
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", kTwoMessages);
  const CommandOutput out = cli.run_raw({"hl7", "get", file, "OBX-x"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find("OBX-x"), std::string::npos) << out.err;
}

TEST(CliHl7, CheckAcceptsValidMessages) {
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", kTwoMessages);
  const CommandOutput out = cli.run_raw({"hl7", "check", file});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
}

TEST(CliHl7, CheckNamesTheMessageSegmentAndFieldOfEachProblem) {
  const CliRunner cli;
  // OBX-3 (the observation identifier) is missing, and NM carries a value that is not a number.
  const std::string file =
      cli.write_file("bad.hl7",
                     "MSH|^~\\&|A|B|C|D|20261121083000+0000||ORU^R01^ORU_R01|M1|P|2.5.1\r"
                     "PID|1||MRN1||Doe^Jane\r"
                     "OBR|1||X|2823-3^Potassium^LN\r"
                     "OBX|1|NM|||four point one|mmol/L\r");
  const CommandOutput out = cli.run_raw({"hl7", "check", file});
  EXPECT_EQ(out.exit_code, 1);
  const std::string all = out.out + out.err;
  EXPECT_NE(all.find("message 1 (byte 0): OBX(1)-3:"), std::string::npos) << all;
  EXPECT_NE(all.find("message 1 (byte 0): OBX(1)-5:"), std::string::npos) << all;
  EXPECT_NE(all.find("four point one"), std::string::npos) << all;
}

TEST(CliHl7, JsonDumpsEveryMessageAsNestedArrays) {
  const CliRunner cli;
  const std::string file = cli.write_file("two.hl7", kTwoMessages);
  const CommandOutput out = cli.run_raw({"hl7", "json", file});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const nlohmann::json messages = nlohmann::json::parse(out.out);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0][0][0], "MSH");
  EXPECT_EQ(messages[0][0][10], "MSG001");  // the array index is the HL7 field number
  // PID-5 of the second message: one repetition whose components are family and given name.
  EXPECT_EQ(messages[1][1][5], nlohmann::json::parse(R"([["Roe", "John"]])"));
}

}  // namespace
}  // namespace aliquot::cli_test
