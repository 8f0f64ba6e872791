// --json: one parseable document on stdout per command, in the lab/json.h forms, and errors as
// {"error": {"code", "message"}} besides the message on stderr.

#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "core/accession_number.h"

namespace aliquot::cli_test {
namespace {

TEST_F(CliTest, JsonOutputsCarryTheDomainFields) {
  const nlohmann::json patient =
      succeed_json({"patient", "register", "--mrn", "MRN-77", "--family", "Nguyen", "--given",
                    "Bao", "--birth-date", "2001-01-31", "--sex", "m"},
                   kClerk);
  EXPECT_EQ(patient["mrn"], "MRN-77");
  EXPECT_EQ(patient["sex"], "M");
  EXPECT_EQ(patient["birth_date"], "2001-01-31");
  EXPECT_EQ(patient["registered_by"], kClerk);

  const nlohmann::json order =
      succeed_json({"order", "place", "--mrn", "MRN-77", "--tests", "BMP,HGB", "--priority", "STAT",
                    "--provider", "Dr Lena Park"},
                   kClerk);
  EXPECT_EQ(order["priority"], "stat");
  EXPECT_EQ(order["requested_codes"], (nlohmann::json{"BMP", "HGB"}));
  // The 11 of the BMP (8 measured, 3 calculated) and the hemoglobin.
  EXPECT_EQ(order["tests"].size(), 12u) << order.dump(2);
  const std::string order_number = order["order_number"];

  const nlohmann::json accessioned =
      succeed_json({"accession", order_number, "--collected-at", "2026-01-05T07:30:00Z",
                    "--collected-by", "phleb1"},
                   kClerk);
  EXPECT_EQ(accessioned["order_number"], order_number);
  EXPECT_EQ(accessioned["patient_mrn"], "MRN-77");
  ASSERT_EQ(accessioned["specimens"].size(), 2u);
  for (const nlohmann::json& specimen : accessioned["specimens"]) {
    EXPECT_TRUE(core::AccessionNumber::parse(specimen["accession_number"].get<std::string>()))
        << specimen.dump();
    EXPECT_EQ(specimen["status"], "collected");
    EXPECT_EQ(specimen["collected_at"], "2026-01-05T07:30:00Z");
    EXPECT_EQ(specimen["collected_by"], "phleb1");
  }
  const std::string serum = accession_with(accessioned["specimens"], "K");

  const nlohmann::json received = succeed_json({"specimen", "receive", serum}, kClerk);
  EXPECT_EQ(received["status"], "received");
  EXPECT_EQ(received["received_by"], kClerk);

  const nlohmann::json potassium =
      succeed_json({"result", "enter", serum, "K", "2.1"}, kTechnician);
  EXPECT_EQ(potassium["status"], "preliminary");
  EXPECT_EQ(potassium["flag"], "LL");
  EXPECT_EQ(potassium["value"]["reported"], "2.1");
  EXPECT_EQ(potassium["value"]["unit"], "mmol/L");

  // Doubted, measured again by hand, and commented on for the report.
  const nlohmann::json rerun = succeed_json(
      {"result", "rerun", serum, "K", "--reason", "hemolysis?", "--dilution", "2"}, kTechnician);
  EXPECT_EQ(rerun["category"], "rerun-requested");
  EXPECT_EQ(rerun["threshold"], "a repeat measurement on a 1:2 dilution");
  EXPECT_EQ(lab_.run({"result", "release", serum, "K"}, kTechnician).exit_code, 1);
  succeed_json({"result", "enter", serum, "K", "2.1"}, kTechnician);
  const nlohmann::json comment = succeed_json(
      {"result", "comment", serum, "K", "No hemolysis seen", "--on-report"}, kTechnician);
  EXPECT_EQ(comment["on_report"], true);
  EXPECT_EQ(comment["written_by"], kTechnician);

  const nlohmann::json worklist = succeed_json({"worklist"}, kTechnician);
  ASSERT_TRUE(worklist.is_array());
  // The 8 measured tests of the BMP on the received serum; its 3 calculated tests wait for them.
  ASSERT_EQ(worklist.size(), 8u) << worklist.dump(2);
  for (const nlohmann::json& row : worklist) {
    for (const char* calculated : {"AGAP", "BUN-CREAT", "EGFR"}) {
      EXPECT_NE(row["result"]["test_code"], calculated) << row.dump(2);
    }
  }
  EXPECT_EQ(worklist[0]["order"]["priority"], "stat");
  EXPECT_EQ(worklist[0]["specimen"]["accession_number"], serum);
  EXPECT_EQ(worklist[0]["patient"]["mrn"], "MRN-77");

  const nlohmann::json call = succeed_json({"critical", "call", serum, "K", "--to", "Dr Park",
                                            "--read-back", "--at", "2026-01-05T08:10:00+01:00"},
                                           kTechnician);
  EXPECT_EQ(call["called_to"], "Dr Park");
  EXPECT_EQ(call["called_by"], kTechnician);
  EXPECT_EQ(call["called_at"], "2026-01-05T07:10:00Z");
  EXPECT_EQ(call["read_back_confirmed"], true);

  const nlohmann::json released = succeed_json({"result", "release", serum, "K"}, kTechnician);
  EXPECT_EQ(released["released"][0]["status"], "final");
  EXPECT_EQ(released["released"][0]["released_by"], kTechnician);

  const nlohmann::json report = succeed_json({"report", "MRN-77"}, kClerk);
  EXPECT_EQ(report["patient"]["mrn"], "MRN-77");
  ASSERT_EQ(report["orders"].size(), 1u);
  EXPECT_EQ(report["orders"][0]["order"]["order_number"], order_number);
  EXPECT_TRUE(report.contains("produced_at"));

  const nlohmann::json shown = succeed_json({"result", "show", serum, "k"}, kClerk);
  EXPECT_EQ(shown["result"]["test_code"], "K");
  EXPECT_EQ(shown["test_name"], "Potassium");
  ASSERT_EQ(shown["critical_calls"].size(), 1u);
  ASSERT_EQ(shown["comments"].size(), 1u);
  EXPECT_EQ(shown["comments"][0]["text"], "No hemolysis seen");
  EXPECT_EQ(shown["result"]["performed_by"], kTechnician);

  const nlohmann::json trail = succeed_json({"audit", "show", "--patient", "MRN-77"}, kAdmin);
  ASSERT_TRUE(trail.is_array());
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail[0]["action"], "patient.register");
  EXPECT_EQ(trail[0]["after"]["mrn"], "MRN-77");  // the image, as JSON
  for (std::size_t i = 1; i < trail.size(); ++i) {
    EXPECT_LT(trail[i - 1]["sequence"].get<int>(), trail[i]["sequence"].get<int>());
    EXPECT_EQ(trail[i]["hash"].get<std::string>().size(), 64u);
  }

  const nlohmann::json verified = succeed_json({"audit", "verify"}, kAdmin);
  EXPECT_EQ(verified["intact"], true);
  EXPECT_GT(verified["entries_checked"].get<int>(), 10);

  const nlohmann::json users = succeed_json({"user", "list"}, kAdmin);
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0]["username"], "admin");
  EXPECT_EQ(users[0]["role"], "admin");
}

TEST_F(CliTest, JsonErrorsNameTheCodeOnStdoutAndTheMessageOnStderr) {
  const CommandOutput output = lab_.run({"patient", "show", "MRN-404", "--json"}, kClerk);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_EQ(output.err, "aliquot: no patient with MRN 'MRN-404'\n");
  const nlohmann::json body = nlohmann::json::parse(output.out);
  EXPECT_EQ(body,
            (nlohmann::json{
                {"error", {{"code", "NOT_FOUND"}, {"message", "no patient with MRN 'MRN-404'"}}}}));

  const CommandOutput usage = lab_.run({"patient", "register", "--json"}, kClerk);
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(usage.out)["error"]["code"], "INVALID_ARGUMENT");
}

TEST_F(CliTest, InitWithJsonDescribesTheNewLab) {
  const CommandOutput output =
      lab_.run_raw({"--db", lab_.directory() + "/second/lab.db", "init", "--json"});
  ASSERT_EQ(output.exit_code, 0) << ::testing::PrintToString(output);
  const nlohmann::json body = nlohmann::json::parse(output.out);
  EXPECT_EQ(body["admin"], "admin");
  EXPECT_EQ(body["lab_name"], "aliquot laboratory");
  EXPECT_GT(body["catalog"]["tests"].get<int>(), 40);
  EXPECT_GT(body["catalog"]["panels"].get<int>(), 3);
}

}  // namespace
}  // namespace aliquot::cli_test
