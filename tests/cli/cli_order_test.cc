// `aliquot order cancel`: an order withdrawn at the lab, through the same use case as a cancel
// request from the EHR (ORC-1 CA).

#include <gtest/gtest.h>

#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

class CliOrderTest : public CliTest {
 protected:
  // The status of each test of the order, "K=cancelled NA=final".
  std::string statuses(const std::string& order_number) {
    const nlohmann::json detail = succeed_json({"order", "show", order_number}, kClerk);
    std::string out;
    for (const nlohmann::json& entry : detail.at("results")) {
      const nlohmann::json& result = entry.at("result");
      if (!out.empty()) out += " ";
      out +=
          result.at("test_code").get<std::string>() + "=" + result.at("status").get<std::string>();
    }
    return out;
  }
};

TEST_F(CliOrderTest, CancelsTheTestsNotReleasedAndSaysWhichWereReleased) {
  const nlohmann::json specimens = received_order("MRN-C1", "K,NA");
  const std::string serum = accession_with(specimens, "K");
  succeed({"result", "enter", serum, "K", "4.2"}, kTechnician);
  succeed({"result", "release", serum, "K"}, kTechnician);
  const std::string order_number =
      succeed_json({"specimen", "show", serum}, kClerk).at("order").at("order_number");

  const CommandOutput cancelled =
      succeed({"order", "cancel", order_number, "--reason", "duplicate order"}, kTechnician);
  EXPECT_EQ(cancelled.out, order_number + "  cancelled NA  (1 tests)\n" + order_number +
                               "  not cancelled, already released: K\n");
  EXPECT_EQ(statuses(order_number), "K=final NA=cancelled");

  const CommandOutput again =
      succeed({"order", "cancel", order_number, "--reason", "duplicate order"}, kTechnologist);
  EXPECT_EQ(again.out, order_number + "  not cancelled, already released: K\n");
}

TEST_F(CliOrderTest, ReportsTheCancellationAsJsonAndIsIdempotent) {
  register_patient("MRN-C2");
  const std::string order_number = place_order("MRN-C2", "GLU,K");
  const nlohmann::json cancelled = succeed_json(
      {"order", "cancel", order_number, "--reason", "patient discharged"}, kTechnician);
  EXPECT_EQ(cancelled.at("order_number"), order_number);
  EXPECT_EQ(cancelled.at("cancelled"), nlohmann::json::array({"GLU", "K"}));
  EXPECT_EQ(cancelled.at("released"), nlohmann::json::array());
  EXPECT_EQ(statuses(order_number), "GLU=cancelled K=cancelled");

  EXPECT_EQ(
      succeed({"order", "cancel", order_number, "--reason", "patient discharged"}, kTechnician).out,
      order_number + "  already cancelled; nothing changed\n");
  const nlohmann::json again = succeed_json(
      {"order", "cancel", order_number, "--reason", "patient discharged"}, kTechnician);
  EXPECT_EQ(again.at("cancelled"), nlohmann::json::array());
}

TEST_F(CliOrderTest, RefusesTheFrontOfficeAMissingReasonAndAnUnknownOrder) {
  register_patient("MRN-C3");
  const std::string order_number = place_order("MRN-C3", "K");

  const CommandOutput by_clerk =
      lab_.run({"order", "cancel", order_number, "--reason", "duplicate"}, kClerk);
  EXPECT_EQ(by_clerk.exit_code, 1) << ::testing::PrintToString(by_clerk);
  EXPECT_EQ(by_clerk.err, "aliquot: user 'clerk1' (clerk) may not cancel orders\n");

  const CommandOutput without_reason = lab_.run({"order", "cancel", order_number}, kTechnician);
  EXPECT_EQ(without_reason.exit_code, 2) << ::testing::PrintToString(without_reason);
  EXPECT_THAT(without_reason.err, HasSubstr("--reason"));

  const CommandOutput blank_reason =
      lab_.run({"order", "cancel", order_number, "--reason", " "}, kTechnician);
  EXPECT_EQ(blank_reason.exit_code, 2) << ::testing::PrintToString(blank_reason);
  EXPECT_EQ(blank_reason.err, "aliquot: cancelling order '" + order_number + "' needs a reason\n");

  const CommandOutput unknown =
      lab_.run({"order", "cancel", "O26-0999999", "--reason", "duplicate"}, kTechnician);
  EXPECT_EQ(unknown.exit_code, 1) << ::testing::PrintToString(unknown);

  EXPECT_EQ(statuses(order_number), "K=pending");
}

}  // namespace
}  // namespace aliquot::cli_test
