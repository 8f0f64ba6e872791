#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"
#include "lab/permissions.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

class CancelOrderTest : public LabTest {
 protected:
  Result<CancelledOrder> cancel(const std::string& order_number, const std::string& reason,
                                const std::string& user = "tech") {
    return write([&](store::Transaction& tx) {
      return cancel_order(tx, as(user), CancelOrder{order_number, reason});
    });
  }
  std::string order_of(const core::Specimen& specimen) {
    return must(read([&](store::Transaction& tx) { return tx.find_order(specimen.order_id); }))
        ->order_number;
  }
  static std::vector<std::string> codes(const std::vector<core::TestResult>& results) {
    std::vector<std::string> out;
    for (const core::TestResult& result : results) out.push_back(result.test_code);
    return out;
  }
};

TEST_F(CancelOrderTest, CancelsEveryTestNotYetReleasedWithTheReason) {
  patient("MRN-1");
  const core::Order order = this->order("MRN-1", {"K", "NA", "GLU"});
  const core::Specimen serum = accession(order.order_number)[0];
  receive(serum.accession_number);
  enter(serum.accession_number, "K", "4.2");  // measured, not released
  clock_.advance(std::chrono::minutes(10));
  const std::size_t audit_before = audit_size();

  const CancelledOrder cancelled = must(cancel(order.order_number, "duplicate order"));
  EXPECT_EQ(cancelled.order.order_number, order.order_number);
  EXPECT_EQ(codes(cancelled.cancelled), (std::vector<std::string>{"K", "NA", "GLU"}));
  EXPECT_TRUE(cancelled.released.empty());
  for (const core::TestResult& result : results_of_order(order.order_number)) {
    EXPECT_EQ(result.status, core::ResultStatus::kCancelled) << result.test_code;
    EXPECT_EQ(result.cancel_reason, "duplicate order");
    EXPECT_EQ(result.cancelled_by, "tech");
    EXPECT_EQ(result.cancelled_at, clock_.now());
  }
  // The measured value is kept as history.
  const core::TestResult potassium = result_of(serum.accession_number, "K");
  ASSERT_TRUE(potassium.value.has_value());
  EXPECT_DOUBLE_EQ(potassium.value->number, 4.2);

  const std::vector<core::AuditEntry> audited = audit_since(audit_before);
  ASSERT_EQ(audited.size(), 4u);
  EXPECT_EQ(audited[0].action, "order.cancel");
  EXPECT_EQ(audited[0].entity_key, order.order_number);
  EXPECT_EQ(audited[0].patient_mrn, "MRN-1");
  EXPECT_EQ(audited[0].reason, "duplicate order");
  EXPECT_EQ(audited[0].after, "{\"cancelled\":[\"K\",\"NA\",\"GLU\"],\"order_number\":\"" +
                                  order.order_number + "\",\"released\":[]}");
  for (std::size_t i = 1; i < audited.size(); ++i) {
    EXPECT_EQ(audited[i].action, "result.cancel");
    EXPECT_EQ(audited[i].accession_number, serum.accession_number);
    EXPECT_EQ(audited[i].reason, "duplicate order");
    EXPECT_EQ(audited[i].actor, "tech");
  }
  EXPECT_EQ(audited[1].entity_key, serum.accession_number + "/K");
}

TEST_F(CancelOrderTest, LeavesReleasedResultsAloneAndNamesThem) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.2");
  release(serum.accession_number, "K");
  const std::string order_number = order_of(serum);

  const CancelledOrder cancelled = must(cancel(order_number, "patient discharged"));
  EXPECT_EQ(codes(cancelled.cancelled), (std::vector<std::string>{"NA"}));
  EXPECT_EQ(codes(cancelled.released), (std::vector<std::string>{"K"}));
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kCancelled);
}

TEST_F(CancelOrderTest, CancellingAgainChangesNothingAndAuditsNothing) {
  patient("MRN-1");
  const core::Order order = this->order("MRN-1", {"K", "HGB"});
  must(cancel(order.order_number, "ordered in error"));
  const std::size_t audit_before = audit_size();
  clock_.advance(std::chrono::hours(1));

  const CancelledOrder again = must(cancel(order.order_number, "ordered in error", "super"));
  EXPECT_TRUE(again.cancelled.empty());
  EXPECT_TRUE(again.released.empty());
  EXPECT_EQ(audit_size(), audit_before);
  for (const core::TestResult& result : results_of_order(order.order_number)) {
    EXPECT_EQ(result.cancelled_by, "tech");  // the first cancellation stands
  }
}

TEST_F(CancelOrderTest, NamesTestsWithoutASpecimenByTheirOrderAndNeverCollectsThem) {
  patient("MRN-1");
  const core::Order order = this->order("MRN-1", {"K"});
  const std::size_t audit_before = audit_size();
  must(cancel(order.order_number, "ordered in error"));
  const std::vector<core::AuditEntry> audited = audit_since(audit_before);
  ASSERT_EQ(audited.size(), 2u);
  EXPECT_EQ(audited[1].entity_key, order.order_number + "/K");
  EXPECT_EQ(audited[1].accession_number, "");

  const Result<std::vector<core::Specimen>> collected = write([&](store::Transaction& tx) {
    return accession_order(tx, as("clerk"), AccessionOrder{order.order_number, {}, ""});
  });
  ASSERT_FALSE(collected.has_value());
  EXPECT_EQ(collected.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(CancelOrderTest, NeedsAReasonAndAKnownOrder) {
  patient("MRN-1");
  const core::Order order = this->order("MRN-1", {"K"});
  const Result<CancelledOrder> no_reason = cancel(order.order_number, "  ");
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_reason.error().message(),
            "cancelling order '" + order.order_number + "' needs a reason");
  EXPECT_EQ(results_of_order(order.order_number)[0].status, core::ResultStatus::kPending);

  const Result<CancelledOrder> unknown = cancel("O26-0999999", "duplicate");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_F(CancelOrderTest, IsForTestingPersonnelAndTheOrderingSystemsInterface) {
  patient("MRN-1");
  const core::Order order = this->order("MRN-1", {"K"});
  for (const char* refused : {"clerk", "admin", "doc", "gone"}) {
    const Result<CancelledOrder> attempt = cancel(order.order_number, "duplicate", refused);
    ASSERT_FALSE(attempt.has_value()) << refused;
    EXPECT_EQ(attempt.error().code(), ErrorCode::kPermissionDenied) << refused;
  }
  EXPECT_EQ(cancel(order.order_number, "duplicate", "clerk").error().message(),
            "user 'clerk' (clerk) may not cancel orders");
  EXPECT_EQ(results_of_order(order.order_number)[0].status, core::ResultStatus::kPending);

  for (core::Role role :
       {core::Role::kTechnician, core::Role::kTechnologist, core::Role::kPathologist,
        core::Role::kSupervisor, core::Role::kInterface}) {
    EXPECT_TRUE(role_permits(role, Action::kCancelOrder)) << core::to_code(role);
  }
  for (core::Role role : {core::Role::kClerk, core::Role::kClinician, core::Role::kAdmin}) {
    EXPECT_FALSE(role_permits(role, Action::kCancelOrder)) << core::to_code(role);
  }
  EXPECT_TRUE(cancel(order.order_number, "duplicate", "analyzer").has_value());
}

}  // namespace
}  // namespace aliquot::lab

namespace aliquot::lab {
namespace {

class CancelTestTest : public LabTest {
 protected:
  Result<core::TestResult> cancel(const std::string& accession_number, const std::string& code,
                                  const std::string& reason, const std::string& user = "tech") {
    return write([&](store::Transaction& tx) -> Result<core::TestResult> {
      ALIQUOT_ASSIGN_OR_RETURN(
          CancelledTest cancelled,
          cancel_test(tx, as(user), CancelTest{accession_number, code, reason}));
      EXPECT_TRUE(cancelled.calculated.empty());  // no calculated tests on these orders
      return cancelled.result;
    });
  }
};

TEST_F(CancelTestTest, CancelsOneTestKeepingItsValueAndTheOthersGoOn) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.2");
  const std::size_t before = audit_size();
  const core::TestResult cancelled =
      must(cancel(serum.accession_number, "k", "  quantity not sufficient "));
  EXPECT_EQ(cancelled.status, core::ResultStatus::kCancelled);
  EXPECT_EQ(cancelled.cancel_reason, "quantity not sufficient");
  EXPECT_EQ(cancelled.cancelled_by, "tech");
  ASSERT_TRUE(cancelled.value.has_value());  // the measured value stays as history
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kPending);
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "result.cancel");
  EXPECT_EQ(entries[0].entity_key, serum.accession_number + "/K");
  EXPECT_EQ(entries[0].reason, "quantity not sufficient");

  // No value may be entered on it any more.
  const Result<core::TestResult> entered = write([&](store::Transaction& tx) {
    return enter_result(tx, as("tech"), EnterResult{serum.accession_number, "K", "4.3", ""});
  });
  EXPECT_EQ(entered.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(CancelTestTest, RefusesWithoutAReasonAReleasedOrCancelledTestAndAClerk) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  EXPECT_EQ(cancel(serum.accession_number, "K", " ").error().message(),
            "cancelling test K on " + serum.accession_number + " needs a reason");
  EXPECT_EQ(cancel(serum.accession_number, "K", "x", "clerk").error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(cancel(serum.accession_number, "GLU", "x").error().code(), ErrorCode::kNotFound);
  enter(serum.accession_number, "NA", "140");
  release(serum.accession_number, "NA", "mls");
  EXPECT_NE(cancel(serum.accession_number, "NA", "x")
                .error()
                .message()
                .find("is released: a released result is retracted by correcting it"),
            std::string::npos);
  must(cancel(serum.accession_number, "K", "ordered in error"));
  EXPECT_EQ(cancel(serum.accession_number, "K", "again").error().message(),
            "test K on " + serum.accession_number + " is already cancelled (ordered in error)");
}

}  // namespace
}  // namespace aliquot::lab
