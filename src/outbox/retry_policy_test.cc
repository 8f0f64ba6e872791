#include "outbox/retry_policy.h"

#include <gtest/gtest.h>

namespace aliquot::outbox {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(RetryDelay, DoublesFromFiveSecondsUpToTenMinutesByDefault) {
  const RetryPolicy policy;
  EXPECT_EQ(retry_delay(policy, 1), seconds(5));
  EXPECT_EQ(retry_delay(policy, 2), seconds(10));
  EXPECT_EQ(retry_delay(policy, 3), seconds(20));
  EXPECT_EQ(retry_delay(policy, 7), seconds(320));
  EXPECT_EQ(retry_delay(policy, 8), minutes(10));  // 640 s capped
  EXPECT_EQ(retry_delay(policy, 49), minutes(10));
  EXPECT_EQ(retry_delay(policy, 1'000'000), minutes(10));
  EXPECT_EQ(policy.max_attempts, 50);
}

TEST(RetryDelay, FollowsItsParameters) {
  RetryPolicy policy;
  policy.first_delay = milliseconds(250);
  policy.max_delay = seconds(1);
  EXPECT_EQ(retry_delay(policy, 0), milliseconds(250));
  EXPECT_EQ(retry_delay(policy, 1), milliseconds(250));
  EXPECT_EQ(retry_delay(policy, 2), milliseconds(500));
  EXPECT_EQ(retry_delay(policy, 3), seconds(1));
  EXPECT_EQ(retry_delay(policy, 4), seconds(1));
}

}  // namespace
}  // namespace aliquot::outbox
