#pragma once

// Who may do what, by role: one table (permissions.cc). Qualifications (lab/qualification_check.h)
// narrow it further for releasing results; they never widen it.

#include <string>
#include <string_view>

#include "core/enums.h"
#include "core/error.h"
#include "core/user.h"

namespace aliquot::lab {

enum class Action {
  kRegisterPatient,
  kPlaceOrder,
  kAccessionSpecimen,
  kReceiveSpecimen,
  kRejectSpecimen,
  kEnterResult,
  kDocumentCriticalCall,
  kReleaseResult,
  kCorrectResult,
  kAddUser,
  kLoadCatalog,
  kViewRecords,
  // Configuring where results are sent and resending failed outgoing messages (lab/outbound.h).
  kManageInterfaces,
  // Cancelling an order's unreleased tests (lab/use_cases.h cancel_order).
  kCancelOrder,
  // Quality control (lab/quality_control.h): recording QC runs and documenting corrective
  // action; managing control materials, targets and sample ids; releasing results a rejected
  // run held.
  kRecordQc,
  kManageQc,
  kReleaseQcHeld,
  // Instrument schedules (lab/instrument_tasks.h): defining them, and logging what was done.
  kManageInstrumentTasks,
  kLogInstrumentTask,
  // The lab's people (lab/people_records.h): keeping their records; assessing competency,
  // granting exceptions and setting the qualification policy; recording continuing education;
  // reading the records.
  kManagePeople,
  kJudgeQualification,
  kRecordCeActivity,
  kViewStaffRecords,
};

// What the action is called in a refusal: "release results".
std::string_view describe(Action action);

// Whether the table grants `action` to `role`.
bool role_permits(core::Role role, Action action);

// PermissionDenied "user 'x' (clerk) may not release results", or "user 'x' is inactive".
Result<void> check_permission(const core::User& user, Action action);

}  // namespace aliquot::lab
