#include "rules/duration.h"

#include <gtest/gtest.h>

namespace aliquot::rules {
namespace {

TEST(ParseDuration, ReadsMinutesHoursAndDays) {
  EXPECT_EQ(*parse_duration_seconds("90m"), 5400);
  EXPECT_EQ(*parse_duration_seconds("24h"), 86400);
  EXPECT_EQ(*parse_duration_seconds("7d"), 604800);
  EXPECT_EQ(*parse_duration_seconds("3650d"), 3650 * 86400);
}

TEST(ParseDuration, RefusesAnythingElseNamingTheText) {
  EXPECT_EQ(parse_duration_seconds("24").error().message(),
            "invalid duration '24': expected a whole number followed by m, h or d (e.g. 90m, "
            "24h, 7d)");
  EXPECT_FALSE(parse_duration_seconds("h").has_value());
  EXPECT_FALSE(parse_duration_seconds("-1h").has_value());
  EXPECT_FALSE(parse_duration_seconds("+1h").has_value());
  EXPECT_FALSE(parse_duration_seconds("1.5h").has_value());
  EXPECT_FALSE(parse_duration_seconds("2w").has_value());
  EXPECT_EQ(parse_duration_seconds("0h").error().message(),
            "invalid duration '0h': must be longer than 0");
  EXPECT_EQ(parse_duration_seconds("3651d").error().message(),
            "invalid duration '3651d': longer than 3650 days");
}

TEST(DurationText, UsesTheLargestUnitThatDividesOrItsParts) {
  EXPECT_EQ(duration_text(604800), "7d");
  EXPECT_EQ(duration_text(86400 + 3600), "25h");
  EXPECT_EQ(duration_text(5400), "1h 30m");
  EXPECT_EQ(duration_text(600), "10m");
  EXPECT_EQ(duration_text(86400 + 3600 + 60 + 5), "1d 1h 1m");
  EXPECT_EQ(duration_text(40), "40s");
}

}  // namespace
}  // namespace aliquot::rules
