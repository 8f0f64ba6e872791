#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class PlaceOrderTest : public LabTest {
 protected:
  PlaceOrderTest() { patient("MRN-1"); }
  Result<core::Order> place(std::vector<std::string> codes, const std::string& mrn = "MRN-1",
                            const std::string& provider = "Dr. Grey",
                            const std::string& user = "clerk") {
    PlaceOrder command;
    command.mrn = mrn;
    command.test_codes = std::move(codes);
    command.ordering_provider = provider;
    command.priority = core::Priority::kStat;
    command.clinical_info = "chest pain";
    return write([&](store::Transaction& tx) { return place_order(tx, as(user), command); });
  }
};

TEST_F(PlaceOrderTest, ExpandsPanelsIntoOnePendingResultPerDistinctTest) {
  const core::Order order = must(place({"bmp", " k", "HGB"}));
  EXPECT_EQ(order.requested_codes, (std::vector<std::string>{"BMP", "K", "HGB"}));
  EXPECT_EQ(order.priority, core::Priority::kStat);
  EXPECT_EQ(order.ordering_provider, "Dr. Grey");
  EXPECT_EQ(order.ordered_by, "clerk");
  EXPECT_EQ(order.ordered_at, clock_.now());
  const std::vector<core::TestResult> results = results_of_order(order.order_number);
  ASSERT_EQ(results.size(), 4u);  // NA, K, GLU from the panel; K again is the same test
  EXPECT_EQ(results[0].test_code, "NA");
  EXPECT_EQ(results[1].test_code, "K");
  EXPECT_EQ(results[2].test_code, "GLU");
  EXPECT_EQ(results[3].test_code, "HGB");
  EXPECT_EQ(results[0].section, "chemistry");
  EXPECT_EQ(results[3].section, "hematology");
  for (const core::TestResult& result : results) {
    EXPECT_EQ(result.status, core::ResultStatus::kPending);
    EXPECT_EQ(result.specimen_id, 0);
    EXPECT_FALSE(result.value.has_value());
  }
}

TEST_F(PlaceOrderTest, NumbersOrdersWithTheYearAndASequence) {
  EXPECT_EQ(must(place({"K"})).order_number, "O26-0000001");
  EXPECT_EQ(must(place({"K"})).order_number, "O26-0000002");
  clock_.set(at("2027-01-01T00:00:00Z"));
  EXPECT_EQ(must(place({"K"})).order_number, "O27-0000001");
}

TEST_F(PlaceOrderTest, NamesEveryUnknownCode) {
  const std::size_t before = audit_size();
  const Result<core::Order> refused = place({"K", "XYZ", "qqq"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(refused.error().message().find("'XYZ'"), std::string::npos);
  EXPECT_NE(refused.error().message().find("'qqq'"), std::string::npos);
  EXPECT_EQ(audit_size(), before);
}

TEST_F(PlaceOrderTest, RefusesAnUnknownPatient) {
  const Result<core::Order> refused = place({"K"}, "MRN-404");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no patient with MRN 'MRN-404'");
}

TEST_F(PlaceOrderTest, RefusesAnOrderWithoutTests) {
  const Result<core::Order> refused = place({});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "an order for MRN 'MRN-1' needs at least one test");
}

TEST_F(PlaceOrderTest, RefusesAnOrderWithoutProvider) {
  const Result<core::Order> refused = place({"K"}, "MRN-1", " ");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "an order for MRN 'MRN-1' needs an ordering provider");
}

TEST_F(PlaceOrderTest, RefusesClinicians) {
  const Result<core::Order> refused = place({"K"}, "MRN-1", "Dr. Grey", "doc");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'doc' (clinician) may not place orders");
}

TEST_F(PlaceOrderTest, AuditsTheOrderAndEachOrderedTest) {
  const std::size_t before = audit_size();
  const core::Order order = must(place({"BMP"}));
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 4u);
  EXPECT_EQ(added[0].action, "order.place");
  EXPECT_EQ(added[0].entity_type, "order");
  EXPECT_EQ(added[0].entity_key, order.order_number);
  EXPECT_EQ(added[0].patient_mrn, "MRN-1");
  const std::vector<std::string> codes = {"NA", "K", "GLU"};
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(added[i + 1].action, "result.order");
    EXPECT_EQ(added[i + 1].entity_type, "result");
    EXPECT_EQ(added[i + 1].entity_key, order.order_number + "/" + codes[i]);
    EXPECT_EQ(added[i + 1].test_code, codes[i]);
    EXPECT_EQ(added[i + 1].patient_mrn, "MRN-1");
    EXPECT_NE(added[i + 1].after.find("\"status\":\"pending\""), std::string::npos);
  }
}

}  // namespace
}  // namespace aliquot::lab
