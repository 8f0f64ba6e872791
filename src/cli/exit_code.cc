#include "cli/exit_code.h"

namespace aliquot::cli {

ExitCode exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return ExitCode::kUsage;
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated: return ExitCode::kRefused;
    case ErrorCode::kUnavailable:
    case ErrorCode::kAborted:
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal: return ExitCode::kFailure;
  }
  return ExitCode::kFailure;
}

std::string_view json_error_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kAborted: return "ABORTED";
    case ErrorCode::kDataLoss: return "DATA_LOSS";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

nlohmann::json error_to_json(const Error& error) {
  return nlohmann::json{{"code", json_error_code(error.code())}, {"message", error.to_string()}};
}

}  // namespace aliquot::cli
