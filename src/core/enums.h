#pragma once

// The small closed vocabularies of the domain, each with its wire code. Parsing accepts the code
// in any letter case (and the listed aliases) and the error lists every accepted code.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::core {

// HL7 v2 table 0001 (administrative sex): F, M, O, U (A and N are read as O and U).
enum class AdministrativeSex { kFemale, kMale, kOther, kUnknown };
std::string_view to_code(AdministrativeSex sex);  // "F", "M", "O", "U"
Result<AdministrativeSex> parse_administrative_sex(std::string_view text);

enum class Priority { kRoutine, kAsap, kStat };
std::string_view to_code(Priority priority);  // "routine", "asap", "stat"
Result<Priority> parse_priority(std::string_view text);
// HL7 v2 TQ1-9 / ORC-7 priority code: R, A, S.
std::string_view to_hl7_code(Priority priority);

// Users' roles. What each may do is decided in lab/permissions; qualifications narrow it further.
enum class Role {
  kClerk,         // accessioner: registers, orders, accessions, receives, rejects
  kTechnician,    // MLT: performs tests, enters and releases results
  kTechnologist,  // MLS: as technician, and corrects released results
  kSupervisor,
  kPathologist,
  kClinician,  // read-only
  kAdmin,      // lab IT: users and configuration, never results
  // The account of an instrument or EHR connection: registers, orders and posts results as
  // they arrive; never releases, calls or corrects (a person verifies what a machine reports).
  kInterface,
};
std::string_view to_code(Role role);  // "clerk", "technician", ...
Result<Role> parse_role(std::string_view text);

enum class SpecimenStatus { kCollected, kReceived, kRejected };
std::string_view to_code(SpecimenStatus status);
Result<SpecimenStatus> parse_specimen_status(std::string_view text);

// Why a specimen was not accepted (results.md, "Rejection reasons a lab uses").
enum class RejectionReason {
  kHemolyzed,
  kClotted,
  kQuantityNotSufficient,
  kUnlabeled,
  kMislabeled,
  kWrongContainer,
  kExceededStability,
  kLeaked,
  kIncorrectFillRatio,
};
// "hemolyzed", "clotted", "qns", "unlabeled", "mislabeled", "wrong-container",
// "exceeded-stability", "leaked", "incorrect-fill-ratio"; aliases: "quantity-not-sufficient",
// "too-old".
std::string_view to_code(RejectionReason reason);
std::string_view describe(RejectionReason reason);  // "quantity not sufficient"
Result<RejectionReason> parse_rejection_reason(std::string_view text);

// HL7 v2 OBX-11 statuses as the lab speaks of them.
enum class ResultStatus { kPending, kPreliminary, kFinal, kCorrected, kCancelled };
std::string_view to_code(ResultStatus status);  // "pending", "preliminary", ...
Result<ResultStatus> parse_result_status(std::string_view text);
// Released to clinicians: final or corrected.
bool is_released(ResultStatus status);

// HL7 v2 table 0078 subset: L, H, LL, HH, A; kNone prints as "".
enum class AbnormalFlag { kNone, kLow, kHigh, kCriticalLow, kCriticalHigh, kAbnormal };
std::string_view to_code(AbnormalFlag flag);
Result<AbnormalFlag> parse_abnormal_flag(std::string_view text);
bool is_critical(AbnormalFlag flag);

enum class ResultKind { kNumeric, kCoded, kText };
std::string_view to_code(ResultKind kind);  // "numeric", "coded", "text"
Result<ResultKind> parse_result_kind(std::string_view text);

}  // namespace aliquot::core
