#include "core/error.h"

namespace aliquot {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kFailedPrecondition: return "failed precondition";
    case ErrorCode::kPermissionDenied: return "permission denied";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kDataLoss: return "data loss";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown";
}

std::string Error::to_string() const {
  if (!position_) return message_;
  std::string out = position_->file;
  if (position_->line > 0) out += ":" + std::to_string(position_->line);
  if (position_->column > 0) out += ":" + std::to_string(position_->column);
  out += ": ";
  out += message_;
  return out;
}

Error invalid_argument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}
Error not_found(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
Error already_exists(std::string message) {
  return Error(ErrorCode::kAlreadyExists, std::move(message));
}
Error failed_precondition(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}
Error permission_denied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
Error unavailable(std::string message) {
  return Error(ErrorCode::kUnavailable, std::move(message));
}
Error aborted(std::string message) { return Error(ErrorCode::kAborted, std::move(message)); }
Error data_loss(std::string message) { return Error(ErrorCode::kDataLoss, std::move(message)); }
Error internal_error(std::string message) {
  return Error(ErrorCode::kInternal, std::move(message));
}

}  // namespace aliquot
