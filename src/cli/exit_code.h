#pragma once

// How the `aliquot` command ends: the exit status a script tests, and the machine-readable form
// of an error for --json. This is the edge where error codes become exit codes (STYLE.md).

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

namespace aliquot::cli {

enum class ExitCode {
  kSuccess = 0,
  // The lab refused: a rule, a permission, something that exists already or does not exist.
  kRefused = 1,
  // The command line or its input is wrong: fix the command and run it again.
  kUsage = 2,
  // The database or the program failed: not the user's doing.
  kFailure = 3,
};

ExitCode exit_code_for(ErrorCode code);

// The canonical name in upper snake case, as abseil and gRPC spell it: "FAILED_PRECONDITION".
std::string_view json_error_code(ErrorCode code);

// {"code": "NOT_FOUND", "message": "..."}; the message includes the position when there is one.
nlohmann::json error_to_json(const Error& error);

}  // namespace aliquot::cli
