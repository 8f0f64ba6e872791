#include <gtest/gtest.h>

#include <cstdio>

#include "core/accession_number.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

class AccessionOrderTest : public LabTest {
 protected:
  AccessionOrderTest() { patient("MRN-1"); }
  Result<std::vector<core::Specimen>> accession_as(const std::string& user,
                                                   const AccessionOrder& command) {
    return write([&](store::Transaction& tx) { return accession_order(tx, as(user), command); });
  }
};

TEST_F(AccessionOrderTest, MakesOneSpecimenPerContainerInOrderOfDraw) {
  // Ordered hematology first; the serum tube is drawn before the EDTA tube (CLSI GP41), and the
  // urine cup last.
  const core::Order order = this->order("MRN-1", {"UNIT", "HGB", "BMP", "TROPI"});
  const std::vector<core::Specimen> specimens = accession(order.order_number);
  ASSERT_EQ(specimens.size(), 3u);
  EXPECT_EQ(specimens[0].container_type, "sst");
  EXPECT_EQ(specimens[0].specimen_type, "serum");
  EXPECT_EQ(specimens[1].container_type, "k2edta");
  EXPECT_EQ(specimens[2].container_type, "urine-cup");
  for (const core::Specimen& specimen : specimens) {
    EXPECT_EQ(specimen.status, core::SpecimenStatus::kCollected);
    EXPECT_EQ(specimen.order_id, order.id);
  }
  // Every result is linked to the specimen of its container.
  for (const core::TestResult& result : results_of_order(order.order_number)) {
    const std::int64_t expected = result.test_code == "HGB"    ? specimens[1].id
                                  : result.test_code == "UNIT" ? specimens[2].id
                                                               : specimens[0].id;
    EXPECT_EQ(result.specimen_id, expected) << result.test_code;
  }
}

TEST_F(AccessionOrderTest, NumbersSpecimensWithTheYearAndACheckCharacter) {
  const std::vector<core::Specimen> first = accession(order("MRN-1", {"K", "HGB"}).order_number);
  ASSERT_EQ(first.size(), 2u);
  const core::AccessionNumber a = must(core::AccessionNumber::parse(first[0].accession_number));
  const core::AccessionNumber b = must(core::AccessionNumber::parse(first[1].accession_number));
  EXPECT_EQ(a.year_two_digits(), 26);
  EXPECT_EQ(a.sequence(), 1);
  EXPECT_EQ(b.sequence(), 2);
}

TEST_F(AccessionOrderTest, SkipsSequencesWhoseCheckCharacterIsAStar) {
  // The first sequence of 2026 whose check character is '*'.
  std::int64_t star = 1;
  while (core::AccessionNumber::next_usable_sequence(26, star) == star) ++star;
  must(write([&](store::Transaction& tx) -> Result<void> {
    for (std::int64_t i = 1; i < star; ++i)
      ALIQUOT_RETURN_IF_ERROR(tx.next_sequence("accession.26"));
    return ok();
  }));
  const std::vector<core::Specimen> specimens = accession(order("MRN-1", {"K"}).order_number);
  ASSERT_EQ(specimens.size(), 1u);
  const core::AccessionNumber number =
      must(core::AccessionNumber::parse(specimens[0].accession_number));
  EXPECT_EQ(number.sequence(), star + 1);
  EXPECT_NE(specimens[0].accession_number.back(), '*');
}

TEST_F(AccessionOrderTest, DefaultsCollectionToNowAndTheActor) {
  const core::Order order = this->order("MRN-1", {"K"});
  clock_.advance(std::chrono::minutes(3));
  const core::Specimen specimen = accession(order.order_number)[0];
  EXPECT_EQ(specimen.collected_at, clock_.now());
  EXPECT_EQ(specimen.collected_by, "clerk");
}

TEST_F(AccessionOrderTest, RecordsTheGivenCollectionTimeAndCollector) {
  AccessionOrder command;
  command.order_number = order("MRN-1", {"K"}).order_number;
  command.collected_at = clock_.now() - std::chrono::minutes(40);
  command.collected_by = "phlebotomist.lee";
  const core::Specimen specimen = must(accession_as("clerk", command))[0];
  EXPECT_EQ(specimen.collected_at, *command.collected_at);
  EXPECT_EQ(specimen.collected_by, "phlebotomist.lee");
}

TEST_F(AccessionOrderTest, RefusesACollectionTimeInTheFuture) {
  clock_.set(at("2026-03-10T09:00:00Z"));
  AccessionOrder command;
  command.order_number = order("MRN-1", {"K"}).order_number;
  command.collected_at = at("2026-03-10T09:00:00.001Z");
  const std::size_t before = audit_size();
  const Result<std::vector<core::Specimen>> refused = accession_as("clerk", command);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "collection time 2026-03-10T09:00:00.001Z for order O26-0000001 is in the future "
            "(now 2026-03-10T09:00:00Z)");
  EXPECT_EQ(audit_size(), before);
}

TEST_F(AccessionOrderTest, RefusesWhenEveryTestAlreadyHasASpecimen) {
  const core::Order order = this->order("MRN-1", {"K", "HGB"});
  accession(order.order_number);
  AccessionOrder command;
  command.order_number = order.order_number;
  const Result<std::vector<core::Specimen>> again = accession_as("clerk", command);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().message(), "every test of order O26-0000001 already has a specimen");
}

TEST_F(AccessionOrderTest, RefusesAnUnknownOrder) {
  AccessionOrder command;
  command.order_number = "O26-0009999";
  const Result<std::vector<core::Specimen>> refused = accession_as("clerk", command);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "no order with number 'O26-0009999'");
}

TEST_F(AccessionOrderTest, RefusesClinicians) {
  AccessionOrder command;
  command.order_number = order("MRN-1", {"K"}).order_number;
  const Result<std::vector<core::Specimen>> refused = accession_as("doc", command);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'doc' (clinician) may not accession specimens");
}

TEST_F(AccessionOrderTest, AuditsEachSpecimenAndEachLinkedResult) {
  const core::Order order = this->order("MRN-1", {"K", "NA", "HGB"});
  const std::size_t before = audit_size();
  const std::vector<core::Specimen> specimens = accession(order.order_number);
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 5u);  // 2 specimens + 3 results
  EXPECT_EQ(added[0].action, "specimen.accession");
  EXPECT_EQ(added[0].entity_key, specimens[0].accession_number);
  EXPECT_EQ(added[0].accession_number, specimens[0].accession_number);
  EXPECT_EQ(added[0].patient_mrn, "MRN-1");
  EXPECT_EQ(added[1].action, "result.accession");
  EXPECT_EQ(added[1].entity_key, specimens[0].accession_number + "/K");
  EXPECT_EQ(added[1].test_code, "K");
  EXPECT_EQ(added[1].accession_number, specimens[0].accession_number);
  EXPECT_NE(added[1].before.find("\"specimen_id\":null"), std::string::npos);
  EXPECT_EQ(added[2].entity_key, specimens[0].accession_number + "/NA");
  EXPECT_EQ(added[3].action, "specimen.accession");
  EXPECT_EQ(added[4].entity_key, specimens[1].accession_number + "/HGB");
}

}  // namespace
}  // namespace aliquot::lab
