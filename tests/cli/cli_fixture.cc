#include "cli_fixture.h"

#include <algorithm>

namespace aliquot::cli_test {

void PrintTo(const CommandOutput& output, std::ostream* os) {
  *os << "exit " << output.exit_code << "\n--- stdout ---\n"
      << output.out << "--- stderr ---\n"
      << output.err;
}

void CliTest::SetUp() {
  succeed({"init", "--lab-name", "Riverside General Laboratory"}, "");
  succeed({"user", "add", kClerk, "--role", "clerk", "--display-name", "Carla Clerk"}, kAdmin);
  succeed({"user", "add", kTechnician, "--role", "technician"}, kAdmin);
  succeed({"user", "add", kTechnologist, "--role", "technologist"}, kAdmin);
}

CommandOutput CliTest::succeed(const std::vector<std::string>& args, const std::string& user) {
  CommandOutput output = lab_.run(args, user);
  EXPECT_EQ(output.exit_code, 0) << ::testing::PrintToString(output);
  EXPECT_EQ(output.err, "") << ::testing::PrintToString(output);
  return output;
}

nlohmann::json CliTest::succeed_json(std::vector<std::string> args, const std::string& user) {
  args.push_back("--json");
  const CommandOutput output = succeed(args, user);
  const nlohmann::json document = nlohmann::json::parse(output.out, nullptr, false);
  EXPECT_FALSE(document.is_discarded()) << "not JSON: " << output.out;
  return document;
}

void CliTest::register_patient(const std::string& mrn) {
  succeed({"patient", "register", "--mrn", mrn, "--family", "Okafor", "--given", "Ada",
           "--birth-date", "1980-06-15", "--sex", "F"},
          kClerk);
}

std::string CliTest::place_order(const std::string& mrn, const std::string& tests,
                                 const std::string& priority) {
  const nlohmann::json order =
      succeed_json({"order", "place", "--mrn", mrn, "--tests", tests, "--priority", priority,
                    "--provider", "Dr Lena Park", "--clinical-info", "chest pain"},
                   kClerk);
  return order.value("order_number", "");
}

nlohmann::json CliTest::accession(const std::string& order_number) {
  const nlohmann::json body = succeed_json({"accession", order_number}, kClerk);
  return body.value("specimens", nlohmann::json::array());
}

std::string CliTest::accession_with(const nlohmann::json& specimens, const std::string& test_code) {
  for (const nlohmann::json& specimen : specimens) {
    const auto& tests = specimen.at("tests");
    if (std::find(tests.begin(), tests.end(), test_code) != tests.end()) {
      return specimen.at("accession_number").get<std::string>();
    }
  }
  ADD_FAILURE() << "no specimen carries " << test_code << ": " << specimens.dump();
  return "";
}

nlohmann::json CliTest::received_order(const std::string& mrn, const std::string& tests,
                                       const std::string& priority) {
  register_patient(mrn);
  const nlohmann::json specimens = accession(place_order(mrn, tests, priority));
  for (const nlohmann::json& specimen : specimens) {
    succeed({"specimen", "receive", specimen.at("accession_number").get<std::string>()}, kClerk);
  }
  return specimens;
}

}  // namespace aliquot::cli_test
