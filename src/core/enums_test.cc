#include "core/enums.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

TEST(Enums, RoundTripEveryCode) {
  for (auto p : {Priority::kRoutine, Priority::kAsap, Priority::kStat}) {
    EXPECT_EQ(*parse_priority(to_code(p)), p);
  }
  for (auto s : {ResultStatus::kPending, ResultStatus::kPreliminary, ResultStatus::kFinal,
                 ResultStatus::kCorrected, ResultStatus::kCancelled}) {
    EXPECT_EQ(*parse_result_status(to_code(s)), s);
  }
  for (auto f :
       {AbnormalFlag::kNone, AbnormalFlag::kLow, AbnormalFlag::kHigh, AbnormalFlag::kCriticalLow,
        AbnormalFlag::kCriticalHigh, AbnormalFlag::kAbnormal}) {
    EXPECT_EQ(*parse_abnormal_flag(to_code(f)), f);
  }
}

TEST(Enums, ParsingIgnoresCaseAndAcceptsAliases) {
  EXPECT_EQ(*parse_priority("STAT"), Priority::kStat);
  EXPECT_EQ(*parse_administrative_sex("f"), AdministrativeSex::kFemale);
  EXPECT_EQ(*parse_rejection_reason("too-old"), RejectionReason::kExceededStability);
  EXPECT_EQ(*parse_rejection_reason("QNS"), RejectionReason::kQuantityNotSufficient);
}

TEST(Enums, UnknownCodeErrorListsTheAcceptedOnes) {
  const auto result = parse_priority("urgent");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "unknown priority 'urgent'; one of: routine, asap, stat");
  const auto reason = parse_rejection_reason("dropped");
  ASSERT_FALSE(reason.has_value());
  EXPECT_EQ(reason.error().message().find("too-old"), std::string::npos)
      << "aliases are accepted but not advertised";
}

TEST(Enums, OnlyFinalAndCorrectedAreReleased) {
  EXPECT_TRUE(is_released(ResultStatus::kFinal));
  EXPECT_TRUE(is_released(ResultStatus::kCorrected));
  EXPECT_FALSE(is_released(ResultStatus::kPreliminary));
  EXPECT_FALSE(is_released(ResultStatus::kPending));
  EXPECT_FALSE(is_released(ResultStatus::kCancelled));
}

}  // namespace
}  // namespace aliquot::core
