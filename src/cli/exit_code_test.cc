#include "cli/exit_code.h"

#include <gtest/gtest.h>

namespace aliquot::cli {
namespace {

TEST(ExitCode, RefusalsAreOneBadInputTwoAndBrokenThingsThree) {
  EXPECT_EQ(exit_code_for(ErrorCode::kFailedPrecondition), ExitCode::kRefused);
  EXPECT_EQ(exit_code_for(ErrorCode::kPermissionDenied), ExitCode::kRefused);
  EXPECT_EQ(exit_code_for(ErrorCode::kAlreadyExists), ExitCode::kRefused);
  EXPECT_EQ(exit_code_for(ErrorCode::kNotFound), ExitCode::kRefused);
  EXPECT_EQ(exit_code_for(ErrorCode::kInvalidArgument), ExitCode::kUsage);
  EXPECT_EQ(exit_code_for(ErrorCode::kDataLoss), ExitCode::kFailure);
  EXPECT_EQ(exit_code_for(ErrorCode::kUnavailable), ExitCode::kFailure);
  EXPECT_EQ(exit_code_for(ErrorCode::kInternal), ExitCode::kFailure);
}

TEST(ExitCode, ErrorJsonCarriesTheCanonicalCodeAndThePositionedMessage) {
  const Error error(ErrorCode::kInvalidArgument, "unknown key 'unti'",
                    SourcePosition{"menu.toml", 12, 3});
  EXPECT_EQ(error_to_json(error),
            (nlohmann::json{{"code", "INVALID_ARGUMENT"},
                            {"message", "menu.toml:12:3: unknown key 'unti'"}}));
  EXPECT_EQ(json_error_code(ErrorCode::kFailedPrecondition), "FAILED_PRECONDITION");
}

}  // namespace
}  // namespace aliquot::cli
