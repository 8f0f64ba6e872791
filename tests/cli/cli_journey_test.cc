// The whole day of one STAT order, through the `aliquot` command as the staff would type it.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "cli_fixture.h"
#include "core/accession_number.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

TEST_F(CliTest, CarriesAStatOrderFromOrderToCorrectedReport) {
  register_patient("MRN-1001");

  const std::string order_number = place_order("MRN-1001", "CMP,CBC", "stat");
  ASSERT_FALSE(order_number.empty());

  // Accessioning makes one specimen per container: serum (SST) for the CMP, EDTA for the CBC.
  const CommandOutput labels = succeed({"accession", order_number}, kClerk);
  std::vector<std::string> accessions;
  std::regex label_line(R"(^(\S+)  (\S+) +(\S+) +Okafor, Ada  MRN-1001  STAT  (.+)$)");
  std::istringstream lines(labels.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, label_line)) << line;
    EXPECT_TRUE(core::AccessionNumber::parse(match[1].str()).has_value()) << match[1];
    accessions.push_back(match[1].str());
  }
  ASSERT_EQ(accessions.size(), 2u) << labels.out;
  EXPECT_THAT(labels.out, HasSubstr(" sst "));
  EXPECT_THAT(labels.out, HasSubstr(" k2edta "));
  const nlohmann::json specimens =
      succeed_json({"order", "show", order_number}, kClerk)["specimens"];
  ASSERT_EQ(specimens.size(), 2u);
  std::string serum, blood;
  for (const nlohmann::json& specimen : specimens) {
    (specimen["container_type"] == "sst" ? serum : blood) =
        specimen["accession_number"].get<std::string>();
  }

  succeed({"specimen", "receive", serum}, kClerk);
  succeed({"specimen", "receive", blood, "--condition", "acceptable"}, kClerk);

  const CommandOutput potassium = succeed({"result", "enter", serum, "K", "6.8"}, kTechnician);
  EXPECT_THAT(potassium.out, HasSubstr(serum + "  K  6.8 mmol/L  HH  preliminary"));
  EXPECT_THAT(potassium.out, HasSubstr("CRITICAL"));
  succeed({"result", "enter", serum, "NA", "140", "--unit", "mmol/L"}, kTechnician);
  succeed({"result", "enter", blood, "HGB", "13.5"}, kTechnician);

  const CommandOutput worklist = succeed({"worklist", "chemistry"}, kTechnician);
  EXPECT_THAT(worklist.out, HasSubstr("Priority  Accession"));
  EXPECT_TRUE(std::regex_search(worklist.out, std::regex("STAT +" + serum +
                                                         " +Okafor, Ada +K +preliminary +6.8 "
                                                         "mmol/L +HH +20")))
      << worklist.out;
  EXPECT_TRUE(std::regex_search(worklist.out, std::regex("STAT +" + serum + " .* GLU +pending")))
      << worklist.out;
  EXPECT_THAT(worklist.out, ::testing::Not(HasSubstr(blood)));  // hematology is elsewhere

  // The critical potassium waits for its call; a call without read-back does not count.
  const CommandOutput early = lab_.run({"result", "release", serum, "K"}, kTechnician);
  EXPECT_EQ(early.exit_code, 1) << ::testing::PrintToString(early);
  EXPECT_THAT(early.err, HasSubstr("aliquot: critical result K"));
  EXPECT_THAT(early.err, HasSubstr("cannot be released before the call"));

  const CommandOutput unread =
      lab_.run({"critical", "call", serum, "K", "--to", "RN Maria Diaz"}, kTechnician);
  EXPECT_EQ(unread.exit_code, 1) << ::testing::PrintToString(unread);
  EXPECT_THAT(unread.err, HasSubstr("aliquot: read-back not confirmed"));

  const CommandOutput call = succeed({"critical", "call", serum, "K", "--to", "RN Maria Diaz",
                                      "--read-back", "--notes", "ward 4B"},
                                     kTechnician);
  EXPECT_THAT(call.out, HasSubstr("called to RN Maria Diaz by tech1"));

  const CommandOutput released = succeed({"result", "release", serum, "K", "NA"}, kTechnician);
  EXPECT_THAT(released.out, HasSubstr("released " + serum + "  K  6.8 mmol/L  HH  final"));
  EXPECT_THAT(released.out, HasSubstr("released " + serum + "  NA  140 mmol/L  final"));

  // The potassium was hemolysis: the technologist corrects it, with the reason.
  const CommandOutput corrected =
      succeed({"result", "correct", serum, "K", "4.2", "--reason", "hemolyzed specimen, redrawn"},
              kTechnologist);
  EXPECT_THAT(corrected.out, HasSubstr("corrected " + serum + "  K  4.2 mmol/L  corrected"));
  EXPECT_THAT(corrected.out, HasSubstr("previous value 6.8 mmol/L kept"));

  const CommandOutput report = succeed({"report", "MRN-1001"}, kClerk);
  EXPECT_EQ(report.out.rfind("Riverside General Laboratory\n", 0), 0u) << report.out;
  EXPECT_THAT(report.out, HasSubstr("Okafor, Ada"));
  EXPECT_THAT(report.out, HasSubstr("Order " + order_number + "  STAT"));
  EXPECT_TRUE(
      std::regex_search(report.out, std::regex("Potassium +4.2 mmol/L +3.5-5.1 +CORRECTED")))
      << report.out;
  EXPECT_TRUE(std::regex_search(report.out, std::regex("Sodium +140 mmol/L .* final")))
      << report.out;
  EXPECT_TRUE(std::regex_search(report.out, std::regex("Glucose +pending +pending"))) << report.out;
  // The preliminary hemoglobin is not on the report.
  EXPECT_TRUE(std::regex_search(report.out, std::regex("Hemoglobin +pending"))) << report.out;
  std::string joined = std::regex_replace(report.out, std::regex("\n +"), " ");
  EXPECT_THAT(joined, HasSubstr("Potassium: CORRECTED"));
  EXPECT_THAT(joined, HasSubstr("previous value 6.8 mmol/L (HH)"));
  EXPECT_THAT(joined, HasSubstr("reason: hemolyzed specimen, redrawn"));
  EXPECT_THAT(joined, HasSubstr("critical value called to RN Maria Diaz by tech1"));
  EXPECT_THAT(joined, HasSubstr("read-back confirmed"));

  const CommandOutput trail = succeed({"audit", "show", "--result", serum + "/K"}, kAdmin);
  for (const char* action :
       {"result.enter", "critical_call.document", "result.release", "result.correct"}) {
    EXPECT_THAT(trail.out, HasSubstr(action)) << trail.out;
  }
  EXPECT_THAT(trail.out, HasSubstr("hemolyzed specimen, redrawn"));
  EXPECT_THAT(trail.out, ::testing::Not(HasSubstr("/NA")));

  const CommandOutput verified = succeed({"audit", "verify"}, kAdmin);
  std::smatch count;
  ASSERT_TRUE(
      std::regex_match(verified.out, count, std::regex("audit trail intact: ([0-9]+) entries\n")))
      << verified.out;
  EXPECT_GT(std::stoi(count[1].str()), 20);
}

TEST_F(CliTest, PatientShowSummarisesTheOrders) {
  const nlohmann::json specimens = received_order("MRN-2002", "BMP", "asap");
  succeed({"result", "enter", accession_with(specimens, "NA"), "NA", "139"}, kTechnician);
  const CommandOutput shown = succeed({"patient", "show", "MRN-2002"}, kClerk);
  EXPECT_THAT(shown.out, HasSubstr("Patient     Okafor, Ada"));
  EXPECT_THAT(shown.out, HasSubstr("Sex         female"));
  EXPECT_TRUE(std::regex_search(shown.out, std::regex("ASAP .* BMP +1 preliminary, 10 pending")))
      << shown.out;
}

TEST_F(CliTest, ReleaseAllReleasesEveryPreliminaryResultOfTheSpecimen) {
  const nlohmann::json specimens = received_order("MRN-3003", "NA,K,CL");
  const std::string serum = accession_with(specimens, "NA");
  succeed({"result", "enter", serum, "NA", "141"}, kTechnician);
  succeed({"result", "enter", serum, "K", "4.0"}, kTechnician);
  const nlohmann::json released = succeed_json({"result", "release", serum, "--all"}, kTechnician);
  ASSERT_EQ(released["released"].size(), 2u) << released.dump(2);
  EXPECT_EQ(released["released"][0]["status"], "final");
  EXPECT_EQ(succeed_json({"result", "show", serum, "CL"}, kTechnician)["result"]["status"],
            "pending");
}

TEST_F(CliTest, RejectingASpecimenCancelsItsTestsAndTheReportSaysWhy) {
  const nlohmann::json specimens = received_order("MRN-4004", "K");
  const std::string serum = accession_with(specimens, "K");
  const CommandOutput rejected = succeed(
      {"specimen", "reject", serum, "--reason", "hemolyzed", "--comment", "grossly pink"}, kClerk);
  EXPECT_THAT(rejected.out, HasSubstr("rejected " + serum + ": hemolyzed (grossly pink)"));
  EXPECT_THAT(rejected.out, HasSubstr("recollect: aliquot accession O"));
  const CommandOutput report = succeed({"report", "MRN-4004"}, kClerk);
  const std::string joined = std::regex_replace(report.out, std::regex("\n +"), " ");
  EXPECT_THAT(joined, HasSubstr("Specimen " + serum + " REJECTED: hemolyzed (grossly pink)"));
  const CommandOutput shown = succeed({"specimen", "show", serum}, kClerk);
  EXPECT_THAT(shown.out, HasSubstr("REJECTED: hemolyzed"));
}

TEST_F(CliTest, InitRefusesAnExistingLabUnlessForced) {
  register_patient("MRN-5005");
  const CommandOutput again = lab_.run({"init"});
  EXPECT_EQ(again.exit_code, 1) << ::testing::PrintToString(again);
  EXPECT_EQ(again.err, "aliquot: a lab database already exists at '" + lab_.database_path() +
                           "'; pass --force to replace it (everything in it is lost)\n");

  succeed({"init", "--force", "--admin", "root"}, "");
  const CommandOutput gone = lab_.run({"patient", "show", "MRN-5005"}, "root");
  EXPECT_EQ(gone.exit_code, 1) << ::testing::PrintToString(gone);
  EXPECT_EQ(gone.err, "aliquot: no patient with MRN 'MRN-5005'\n");
  const CommandOutput users = succeed({"user", "list"}, "root");
  EXPECT_THAT(users.out, ::testing::Not(HasSubstr(kClerk)));
}

TEST_F(CliTest, ListsUsersAndTheCatalogInForce) {
  const CommandOutput users = succeed({"user", "list"}, kClerk);
  EXPECT_TRUE(std::regex_search(users.out, std::regex("clerk1 +Carla Clerk +clerk +yes")))
      << users.out;
  const CommandOutput menu = succeed({"catalog", "list", "--section", "chemistry"}, kClerk);
  EXPECT_TRUE(
      std::regex_search(menu.out, std::regex("\nK +Potassium +chemistry +serum +sst +mmol/L "
                                             "+2823-3\n")))
      << menu.out;
  EXPECT_THAT(menu.out, ::testing::Not(HasSubstr("\nHGB ")));  // hematology
  const CommandOutput potassium = succeed({"catalog", "show", "k"}, kClerk);
  EXPECT_THAT(potassium.out, HasSubstr("Critical  <= 2.5 or >= 6.5"));
  const CommandOutput panel = succeed({"catalog", "show", "BMP"}, kClerk);
  EXPECT_THAT(panel.out, HasSubstr("Panel  BMP  Basic metabolic panel"));
}

}  // namespace
}  // namespace aliquot::cli_test
