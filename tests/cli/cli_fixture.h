#pragma once

// A lab made through the `aliquot` command, with the staff the tests act as, and helpers that run
// a step and stop the test with everything the command printed when it does not succeed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {

// Shown by gtest when an expectation about a command fails.
void PrintTo(const CommandOutput& output, std::ostream* os);

class CliTest : public ::testing::Test {
 protected:
  static constexpr const char* kAdmin = "admin";
  static constexpr const char* kClerk = "clerk1";
  static constexpr const char* kTechnician = "tech1";
  static constexpr const char* kTechnologist = "mls1";

  // `aliquot init` and the staff: a clerk, a technician (MLT) and a technologist (MLS).
  void SetUp() override;

  // Runs a step that must succeed (exit 0, nothing on stderr) and returns its output.
  CommandOutput succeed(const std::vector<std::string>& args, const std::string& user);
  // Runs a step with --json that must succeed and returns the parsed document.
  nlohmann::json succeed_json(std::vector<std::string> args, const std::string& user);

  // Registers a patient with a fixed name, birth date and sex.
  void register_patient(const std::string& mrn);
  // Places an order and returns its number.
  std::string place_order(const std::string& mrn, const std::string& tests,
                          const std::string& priority = "routine");
  // Accessions the order; returns the specimens (lab/json.h form, plus "tests").
  nlohmann::json accession(const std::string& order_number);
  // The accession number of the specimen among `specimens` that carries `test_code`.
  static std::string accession_with(const nlohmann::json& specimens, const std::string& test_code);
  // register -> order -> accession -> receive every specimen; returns the specimens.
  nlohmann::json received_order(const std::string& mrn, const std::string& tests,
                                const std::string& priority = "routine");

  CliRunner lab_;
};

}  // namespace aliquot::cli_test
