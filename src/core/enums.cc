#include "core/enums.h"

#include <array>
#include <utility>

namespace aliquot::core {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Looks `text` up in a table of (code, value) pairs; the error lists the first `listed` codes,
// which are the canonical ones (aliases follow them in the table).
template <typename E, std::size_t N>
Result<E> lookup(std::string_view what, std::string_view text,
                 const std::array<std::pair<std::string_view, E>, N>& table,
                 std::size_t listed = N) {
  for (const auto& [code, value] : table) {
    if (equals_ignoring_case(code, text)) return value;
  }
  std::string message = "unknown " + std::string(what) + " '" + std::string(text) + "'; one of:";
  for (std::size_t i = 0; i < listed; ++i) {
    message += (i == 0 ? " " : ", ");
    message += table[i].first;
  }
  return invalid_argument(std::move(message));
}

template <typename E, std::size_t N>
std::string_view code_of(E value, const std::array<std::pair<std::string_view, E>, N>& table) {
  for (const auto& [code, v] : table) {
    if (v == value) return code;
  }
  return "?";
}

constexpr std::array<std::pair<std::string_view, AdministrativeSex>, 6> kSexes{{
    {"F", AdministrativeSex::kFemale},
    {"M", AdministrativeSex::kMale},
    {"O", AdministrativeSex::kOther},
    {"U", AdministrativeSex::kUnknown},
    {"A", AdministrativeSex::kOther},
    {"N", AdministrativeSex::kUnknown},
}};

constexpr std::array<std::pair<std::string_view, Priority>, 3> kPriorities{{
    {"routine", Priority::kRoutine},
    {"asap", Priority::kAsap},
    {"stat", Priority::kStat},
}};

constexpr std::array<std::pair<std::string_view, Role>, 8> kRoles{{
    {"clerk", Role::kClerk},
    {"technician", Role::kTechnician},
    {"technologist", Role::kTechnologist},
    {"supervisor", Role::kSupervisor},
    {"pathologist", Role::kPathologist},
    {"clinician", Role::kClinician},
    {"admin", Role::kAdmin},
    {"interface", Role::kInterface},
}};

constexpr std::array<std::pair<std::string_view, SpecimenStatus>, 3> kSpecimenStatuses{{
    {"collected", SpecimenStatus::kCollected},
    {"received", SpecimenStatus::kReceived},
    {"rejected", SpecimenStatus::kRejected},
}};

constexpr std::array<std::pair<std::string_view, RejectionReason>, 11> kRejectionReasons{{
    {"hemolyzed", RejectionReason::kHemolyzed},
    {"clotted", RejectionReason::kClotted},
    {"qns", RejectionReason::kQuantityNotSufficient},
    {"unlabeled", RejectionReason::kUnlabeled},
    {"mislabeled", RejectionReason::kMislabeled},
    {"wrong-container", RejectionReason::kWrongContainer},
    {"exceeded-stability", RejectionReason::kExceededStability},
    {"leaked", RejectionReason::kLeaked},
    {"incorrect-fill-ratio", RejectionReason::kIncorrectFillRatio},
    {"quantity-not-sufficient", RejectionReason::kQuantityNotSufficient},
    {"too-old", RejectionReason::kExceededStability},
}};

constexpr std::array<std::pair<std::string_view, ResultStatus>, 5> kResultStatuses{{
    {"pending", ResultStatus::kPending},
    {"preliminary", ResultStatus::kPreliminary},
    {"final", ResultStatus::kFinal},
    {"corrected", ResultStatus::kCorrected},
    {"cancelled", ResultStatus::kCancelled},
}};

constexpr std::array<std::pair<std::string_view, AbnormalFlag>, 6> kFlags{{
    {"", AbnormalFlag::kNone},
    {"L", AbnormalFlag::kLow},
    {"H", AbnormalFlag::kHigh},
    {"LL", AbnormalFlag::kCriticalLow},
    {"HH", AbnormalFlag::kCriticalHigh},
    {"A", AbnormalFlag::kAbnormal},
}};

constexpr std::array<std::pair<std::string_view, ResultKind>, 3> kKinds{{
    {"numeric", ResultKind::kNumeric},
    {"coded", ResultKind::kCoded},
    {"text", ResultKind::kText},
}};

}  // namespace

std::string_view to_code(AdministrativeSex sex) { return code_of(sex, kSexes); }
Result<AdministrativeSex> parse_administrative_sex(std::string_view text) {
  return lookup("administrative sex", text, kSexes, 4);
}

std::string_view to_code(Priority priority) { return code_of(priority, kPriorities); }
Result<Priority> parse_priority(std::string_view text) {
  return lookup("priority", text, kPriorities);
}
std::string_view to_hl7_code(Priority priority) {
  switch (priority) {
    case Priority::kRoutine: return "R";
    case Priority::kAsap: return "A";
    case Priority::kStat: return "S";
  }
  return "R";
}

std::string_view to_code(Role role) { return code_of(role, kRoles); }
Result<Role> parse_role(std::string_view text) { return lookup("role", text, kRoles); }

std::string_view to_code(SpecimenStatus status) { return code_of(status, kSpecimenStatuses); }
Result<SpecimenStatus> parse_specimen_status(std::string_view text) {
  return lookup("specimen status", text, kSpecimenStatuses);
}

std::string_view to_code(RejectionReason reason) { return code_of(reason, kRejectionReasons); }
std::string_view describe(RejectionReason reason) {
  switch (reason) {
    case RejectionReason::kHemolyzed: return "hemolyzed";
    case RejectionReason::kClotted: return "clotted";
    case RejectionReason::kQuantityNotSufficient: return "quantity not sufficient";
    case RejectionReason::kUnlabeled: return "unlabeled";
    case RejectionReason::kMislabeled: return "mislabeled";
    case RejectionReason::kWrongContainer: return "wrong container";
    case RejectionReason::kExceededStability: return "exceeded stability (too old)";
    case RejectionReason::kLeaked: return "leaked";
    case RejectionReason::kIncorrectFillRatio: return "incorrect fill ratio";
  }
  return "?";
}
Result<RejectionReason> parse_rejection_reason(std::string_view text) {
  return lookup("rejection reason", text, kRejectionReasons, 9);
}

std::string_view to_code(ResultStatus status) { return code_of(status, kResultStatuses); }
Result<ResultStatus> parse_result_status(std::string_view text) {
  return lookup("result status", text, kResultStatuses);
}
bool is_released(ResultStatus status) {
  return status == ResultStatus::kFinal || status == ResultStatus::kCorrected;
}

std::string_view to_code(AbnormalFlag flag) { return code_of(flag, kFlags); }
Result<AbnormalFlag> parse_abnormal_flag(std::string_view text) {
  return lookup("abnormal flag", text, kFlags);
}
bool is_critical(AbnormalFlag flag) {
  return flag == AbnormalFlag::kCriticalLow || flag == AbnormalFlag::kCriticalHigh;
}

std::string_view to_code(ResultKind kind) { return code_of(kind, kKinds); }
Result<ResultKind> parse_result_kind(std::string_view text) {
  return lookup("result kind", text, kKinds);
}

}  // namespace aliquot::core
