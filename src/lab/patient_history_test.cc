#include "lab/patient_history.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class PatientHistoryTest : public LabTest {
 protected:
  Result<PatientHistory> history(const std::string& mrn, const std::string& user = "tech") {
    return read([&](store::Transaction& tx) { return patient_history(tx, as(user), mrn); });
  }
};

TEST_F(PatientHistoryTest, ShowsEveryOrderNewestFirstWithPreliminaryValues) {
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  enter(first.accession_number, "K", "4.2");
  release(first.accession_number, "K");
  clock_.advance(std::chrono::hours(1));
  const core::Specimen second = received_order("MRN-1", {"NA"})[0];
  enter(second.accession_number, "NA", "141");  // preliminary: the bench sees it

  const PatientHistory found = must(history("MRN-1"));
  EXPECT_EQ(found.patient.mrn, "MRN-1");
  ASSERT_EQ(found.orders.size(), 2u);
  ASSERT_EQ(found.orders[0].specimens.size(), 1u);
  EXPECT_EQ(found.orders[0].specimens[0].accession_number, second.accession_number);
  ASSERT_EQ(found.orders[0].results.size(), 1u);
  const core::TestResult& sodium = found.orders[0].results[0].result;
  EXPECT_EQ(sodium.status, core::ResultStatus::kPreliminary);
  ASSERT_TRUE(sodium.value.has_value());
  EXPECT_DOUBLE_EQ(sodium.value->number, 141);
  ASSERT_EQ(found.orders[1].results.size(), 1u);
  EXPECT_EQ(found.orders[1].results[0].result.status, core::ResultStatus::kFinal);
}

TEST_F(PatientHistoryTest, PagesTheOrdersNewestFirstWithTheOlderOnesOnDemand) {
  std::vector<std::string> accessions;  // oldest first
  for (int i = 0; i < 5; ++i) {
    accessions.push_back(received_order("MRN-1", {"K", "NA"})[0].accession_number);
    clock_.advance(std::chrono::hours(1));
  }
  const core::TestResult potassium = enter(accessions[3], "K", "6.0");
  received_order("MRN-2", {"K"});
  const auto page = [&](const std::optional<std::string>& before, std::int64_t limit) {
    return read([&](store::Transaction& tx) {
      return patient_history_page(tx, as("tech"), "MRN-1", before, limit);
    });
  };
  const PatientHistory first = must(page(std::nullopt, 2));
  ASSERT_EQ(first.orders.size(), 2u);
  EXPECT_EQ(first.orders[0].specimens.at(0).accession_number, accessions[4]);
  EXPECT_EQ(first.orders[1].specimens.at(0).accession_number, accessions[3]);
  EXPECT_EQ(first.orders[1].patient.mrn, "MRN-1");
  ASSERT_EQ(first.orders[1].results.size(), 2u);
  EXPECT_EQ(first.orders[1].results[0].result.id, potassium.id);
  ASSERT_TRUE(first.orders[1].results[0].result.value.has_value());
  ASSERT_NE(first.orders[1].results[0].test, nullptr);
  EXPECT_EQ(first.orders[1].results[0].test->code, "K");
  EXPECT_EQ(first.older_than, first.orders[1].order.order_number);

  const PatientHistory second = must(page(first.older_than, 2));
  ASSERT_EQ(second.orders.size(), 2u);
  EXPECT_EQ(second.orders[0].specimens.at(0).accession_number, accessions[2]);
  const PatientHistory last = must(page(second.older_than, 2));
  ASSERT_EQ(last.orders.size(), 1u);
  EXPECT_EQ(last.orders[0].specimens.at(0).accession_number, accessions[0]);
  EXPECT_TRUE(last.older_than.empty());

  // The whole history is every page together.
  const PatientHistory all = must(history("MRN-1"));
  ASSERT_EQ(all.orders.size(), 5u);
  EXPECT_TRUE(all.older_than.empty());
  EXPECT_EQ(all.orders[1].order.order_number, first.orders[1].order.order_number);
}

TEST_F(PatientHistoryTest, RefusesAPageAfterAnotherPatientsOrder) {
  patient("MRN-1");
  const core::Specimen other = received_order("MRN-2", {"K"})[0];
  const std::string number = must(read([&](store::Transaction& tx) {
                               return tx.find_order(other.order_id);
                             }))->order_number;
  const Result<PatientHistory> refused = read([&](store::Transaction& tx) {
    return patient_history_page(tx, as("tech"), "MRN-1", number, 10);
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "order '" + number + "' is not an order of patient MRN-1");
}

TEST_F(PatientHistoryTest, ShowsAPatientWithoutOrders) {
  patient("MRN-2");
  const PatientHistory found = must(history("MRN-2"));
  EXPECT_EQ(found.patient.family_name, "Doe");
  EXPECT_TRUE(found.orders.empty());
}

TEST_F(PatientHistoryTest, RefusesAnUnknownPatient) {
  const Result<PatientHistory> refused = history("MRN-404");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no patient with MRN 'MRN-404'");
}

TEST_F(PatientHistoryTest, RefusesAnInactiveUser) {
  patient("MRN-1");
  const Result<PatientHistory> refused = history("MRN-1", "gone");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace aliquot::lab
