#include "lab/result_comments.h"

#include <gtest/gtest.h>

#include "lab/lab_test_fixture.h"
#include "lab/outbound.h"
#include "lab/queries.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

class ResultCommentTest : public LabTest {
 protected:
  Result<core::ResultComment> comment(const std::string& accession_number, const std::string& text,
                                      bool on_report, const std::string& user = "tech") {
    const CommentResult command{accession_number, "k", text, on_report};
    return write([&](store::Transaction& tx) { return comment_result(tx, as(user), command); });
  }

  // The result as the bench reads it.
  ResultDetail bench_detail(const std::string& accession_number) {
    return must(read([&](store::Transaction& tx) {
             return specimen_detail(tx, as("mls"), accession_number);
           }))
        .results.at(0);
  }
  // The result as the patient's report shows it to a clinician.
  ResultDetail reported_detail(const std::string& mrn) {
    return must(read([&](store::Transaction& tx) { return patient_report(tx, as("doc"), mrn); }))
        .orders.at(0)
        .results.at(0);
  }
};

TEST_F(ResultCommentTest, CommentsAreKeptInOrderAuditedAndAClinicianSeesOnlyTheReportsOnes) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "5.4");
  const std::size_t before = audit_size();
  const core::ResultComment internal =
      must(comment(serum.accession_number, "  checked the tube: no clot  ", false));
  EXPECT_EQ(internal.text, "checked the tube: no clot");
  EXPECT_EQ(internal.written_by, "tech");
  must(comment(serum.accession_number, "Specimen slightly hemolysed;\ninterpret with caution", true,
               "mls"));
  const std::vector<core::AuditEntry> entries = audit_since(before);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "result.comment");
  EXPECT_EQ(entries[0].reason, "comment kept in the lab");
  EXPECT_EQ(entries[1].reason, "comment for the report");
  EXPECT_NE(entries[1].after.find("interpret with caution"), std::string::npos);

  const ResultDetail bench = bench_detail(serum.accession_number);
  ASSERT_EQ(bench.comments.size(), 2u);
  EXPECT_FALSE(bench.comments[0].on_report);
  EXPECT_TRUE(bench.comments[1].on_report);

  // A clinician sees no comment before release, and then only the report's.
  EXPECT_TRUE(reported_detail("MRN-1").comments.empty());
  release(serum.accession_number, "K", "mls");
  const ResultDetail clinician = reported_detail("MRN-1");
  ASSERT_EQ(clinician.comments.size(), 1u);
  EXPECT_EQ(clinician.comments[0].text, "Specimen slightly hemolysed;\ninterpret with caution");
}

TEST_F(ResultCommentTest, TheReportsCommentsTravelWithTheReleasedResult) {
  must(write([&](store::Transaction& tx) {
    return set_outbound_setting(
        tx, as("admin"), SetOutboundSetting{std::string(kOutboundResultsDestination), "ehr"});
  }));
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "5.4");
  must(comment(serum.accession_number, "for the lab only", false));
  must(comment(serum.accession_number, "Specimen slightly hemolysed", true));
  release(serum.accession_number, "K", "mls");
  const std::vector<store::OutboxMessage> sent =
      must(read([&](store::Transaction& tx) { return tx.list_outbox_messages(std::nullopt, 10); }));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].payload.find("\rNTE|1|L|Specimen slightly hemolysed"), std::string::npos)
      << sent[0].payload;
  EXPECT_EQ(sent[0].payload.find("for the lab only"), std::string::npos);
}

TEST_F(ResultCommentTest, WhatCannotBeACommentIsRefusedWithTheReason) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const std::string on = "result K on " + serum.accession_number;
  EXPECT_EQ(comment(serum.accession_number, "  ", false).error().message(),
            "a comment on " + on + " needs text");
  EXPECT_EQ(comment(serum.accession_number, std::string(2001, 'x'), false).error().message(),
            "the comment on " + on + " has 2001 bytes; at most 2000 fit on a report");
  EXPECT_EQ(comment(serum.accession_number, "bell\a", false).error().message(),
            "the comment on " + on + " has a control character (byte 7) at position 5");
  EXPECT_EQ(comment(serum.accession_number, "x", false, "clerk").error().code(),
            ErrorCode::kPermissionDenied);

  // Released: the report is sent; a note for the lab can still be added.
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K", "mls");
  const Result<core::ResultComment> late = comment(serum.accession_number, "late", true);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(late.error().message().find("is released and its report sent"), std::string::npos);
  EXPECT_TRUE(comment(serum.accession_number, "called the ward about it", false).has_value());
}

}  // namespace
}  // namespace aliquot::lab
