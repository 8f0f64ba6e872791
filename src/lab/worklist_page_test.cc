#include "lab/worklist_page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"
#include "lab/queries.h"

namespace aliquot::lab {
namespace {

class WorklistPageTest : public LabTest {
 protected:
  Result<WorklistPage> page(const std::string& section, std::optional<std::int64_t> after,
                            std::int64_t limit, const std::string& user = "tech") {
    return read(
        [&](store::Transaction& tx) { return worklist_page(tx, as(user), section, after, limit); });
  }
  static std::vector<std::string> keys(const std::vector<store::WorklistRow>& rows) {
    std::vector<std::string> out;
    for (const store::WorklistRow& row : rows) {
      out.push_back(row.specimen.accession_number + "/" + row.result.test_code);
    }
    return out;
  }
};

TEST_F(WorklistPageTest, PagesThroughTheSectionWorklistInItsOrderWithItsTotal) {
  received_order("MRN-1", {"K", "NA", "HGB"});
  clock_.advance(std::chrono::minutes(5));
  received_order("MRN-2", {"K"}, core::Priority::kStat);
  clock_.advance(std::chrono::minutes(5));
  received_order("MRN-3", {"NA", "K"});
  const std::vector<store::WorklistRow> whole = must(
      read([&](store::Transaction& tx) { return section_worklist(tx, as("tech"), "chemistry"); }));
  ASSERT_EQ(whole.size(), 5u);

  std::vector<store::WorklistRow> paged;
  std::optional<std::int64_t> after;
  int pages = 0;
  do {
    const WorklistPage next = must(page("Chemistry", after, 2));
    EXPECT_EQ(next.section, "chemistry");
    EXPECT_EQ(next.total, 5);
    EXPECT_LE(next.rows.size(), 2u);
    paged.insert(paged.end(), next.rows.begin(), next.rows.end());
    after = next.next_after;
    ++pages;
  } while (after && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(keys(paged), keys(whole));
  EXPECT_EQ(paged.front().patient.mrn, "MRN-2") << "STAT first";
}

TEST_F(WorklistPageTest, GivesNoNextWhenThePageEndsTheListAndTheHoldsOfItsRows) {
  const core::Specimen specimen = received_order("MRN-1", {"K", "NA"})[0];
  const core::TestResult potassium = enter(specimen.accession_number, "K", "6.0");
  must(write([&](store::Transaction& tx) {
    core::HoldReason hold;
    hold.category = "delta-check";
    hold.rule = "K delta";
    return tx.replace_result_holds(potassium.id, {hold});
  }));
  const WorklistPage exact = must(page("chemistry", std::nullopt, 2));
  EXPECT_EQ(exact.rows.size(), 2u);
  EXPECT_FALSE(exact.next_after.has_value());
  ASSERT_EQ(exact.holds.count(potassium.id), 1u);
  EXPECT_EQ(exact.holds.at(potassium.id)[0].rule, "K delta");
  EXPECT_EQ(exact.holds.size(), 1u);

  const WorklistPage everything = must(page("", std::nullopt, 100));
  EXPECT_EQ(everything.section, "");
  EXPECT_EQ(everything.total, 2);
}

TEST_F(WorklistPageTest, RefusesAnUnknownSectionALimitBelowOneAndAnInactiveUser) {
  const Result<WorklistPage> unknown = page("virology", std::nullopt, 10);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message().rfind("unknown section 'virology'; the catalog has: ", 0),
            0u);
  const Result<WorklistPage> empty = page("chemistry", std::nullopt, 0);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().message(), "a worklist page holds at least 1 row, not 0");
  const Result<WorklistPage> refused = page("chemistry", std::nullopt, 10, "gone");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace aliquot::lab
