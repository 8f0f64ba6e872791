#include "core/error.h"

#include <gtest/gtest.h>

#include <memory>

namespace aliquot {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return invalid_argument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> quarter(int x) {
  ALIQUOT_ASSIGN_OR_RETURN(const int h, half(x));
  ALIQUOT_ASSIGN_OR_RETURN(const int q, half(h));
  return q;
}

Result<void> check_even(int x) {
  ALIQUOT_RETURN_IF_ERROR(half(x));
  return ok();
}

TEST(Result, CarriesAValueOrAnError) {
  EXPECT_EQ(*quarter(8), 2);
  const auto odd = quarter(6);
  ASSERT_FALSE(odd.has_value());
  EXPECT_EQ(odd.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(odd.error().message(), "3 is odd");
  EXPECT_EQ(quarter(6).value_or(-1), -1);
  EXPECT_TRUE(check_even(4).has_value());
  EXPECT_FALSE(check_even(5).has_value());
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.has_value());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(Error, ToStringPutsThePositionFirst) {
  const Error e(ErrorCode::kInvalidArgument, "unknown unit 'mmol'", {"menu.toml", 12, 9});
  EXPECT_EQ(e.to_string(), "menu.toml:12:9: unknown unit 'mmol'");
  EXPECT_EQ(not_found("no patient").to_string(), "no patient");
}

}  // namespace
}  // namespace aliquot
