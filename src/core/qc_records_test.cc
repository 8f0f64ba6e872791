#include "core/qc_records.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

TEST(QcTargetSource, HasTheDocumentedCodesAndReadsThemBack) {
  EXPECT_EQ(to_code(QcTargetSource::kPackageInsert), "insert");
  EXPECT_EQ(to_code(QcTargetSource::kEstablished), "established");
  EXPECT_EQ(to_code(QcTargetSource::kInsertMeanLabSd), "insert-mean-lab-sd");
  for (QcTargetSource source : {QcTargetSource::kPackageInsert, QcTargetSource::kEstablished,
                                QcTargetSource::kInsertMeanLabSd}) {
    EXPECT_EQ(qc_target_source_from_code(to_code(source)), source) << to_code(source);
  }
}

TEST(QcRunStatus, HasTheDocumentedCodesAndReadsThemBack) {
  EXPECT_EQ(to_code(QcRunStatus::kAccept), "accept");
  EXPECT_EQ(to_code(QcRunStatus::kWarning), "warning");
  EXPECT_EQ(to_code(QcRunStatus::kReject), "reject");
  for (QcRunStatus status : {QcRunStatus::kAccept, QcRunStatus::kWarning, QcRunStatus::kReject}) {
    EXPECT_EQ(qc_run_status_from_code(to_code(status)), status) << to_code(status);
  }
}

TEST(QcRecordCodes, UnknownOrEmptyCodesAreNotRead) {
  EXPECT_EQ(qc_target_source_from_code(""), std::nullopt);
  EXPECT_EQ(qc_target_source_from_code("package-insert"), std::nullopt);
  EXPECT_EQ(qc_run_status_from_code("rejected"), std::nullopt);
  EXPECT_EQ(qc_run_status_from_code(""), std::nullopt);
}

}  // namespace
}  // namespace aliquot::core
