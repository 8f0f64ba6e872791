#include "core/qc_records.h"

namespace aliquot::core {

std::string_view to_code(QcTargetSource source) {
  switch (source) {
    case QcTargetSource::kPackageInsert: return "insert";
    case QcTargetSource::kEstablished: return "established";
    case QcTargetSource::kInsertMeanLabSd: return "insert-mean-lab-sd";
  }
  return "?";
}

std::optional<QcTargetSource> qc_target_source_from_code(std::string_view code) {
  for (QcTargetSource source : {QcTargetSource::kPackageInsert, QcTargetSource::kEstablished,
                                QcTargetSource::kInsertMeanLabSd}) {
    if (to_code(source) == code) return source;
  }
  return std::nullopt;
}

std::string_view to_code(QcRunStatus status) {
  switch (status) {
    case QcRunStatus::kAccept: return "accept";
    case QcRunStatus::kWarning: return "warning";
    case QcRunStatus::kReject: return "reject";
  }
  return "?";
}

std::optional<QcRunStatus> qc_run_status_from_code(std::string_view code) {
  for (QcRunStatus status : {QcRunStatus::kAccept, QcRunStatus::kWarning, QcRunStatus::kReject}) {
    if (to_code(status) == code) return status;
  }
  return std::nullopt;
}

}  // namespace aliquot::core
