#include "lab/permissions.h"

namespace aliquot::lab {

std::string_view describe(Action action) {
  switch (action) {
    case Action::kRegisterPatient: return "register patients";
    case Action::kPlaceOrder: return "place orders";
    case Action::kAccessionSpecimen: return "accession specimens";
    case Action::kReceiveSpecimen: return "receive specimens";
    case Action::kRejectSpecimen: return "reject specimens";
    case Action::kEnterResult: return "enter results";
    case Action::kDocumentCriticalCall: return "document critical calls";
    case Action::kReleaseResult: return "release results";
    case Action::kCorrectResult: return "correct released results";
    case Action::kAddUser: return "add users";
    case Action::kLoadCatalog: return "load catalogs";
    case Action::kViewRecords: return "view records";
    case Action::kManageInterfaces: return "manage interfaces";
    case Action::kCancelOrder: return "cancel orders";
    case Action::kRecordQc: return "record quality control";
    case Action::kManageQc: return "manage QC materials and targets";
    case Action::kReleaseQcHeld: return "release results held by QC";
    case Action::kManageInstrumentTasks: return "manage instrument schedules";
    case Action::kLogInstrumentTask: return "log calibration and maintenance";
    case Action::kManagePeople: return "keep personnel records";
    case Action::kJudgeQualification:
      return "assess competency, grant qualification exceptions, or set the qualification policy "
             "and personnel requirements";
    case Action::kRecordCeActivity: return "record continuing education";
    case Action::kViewStaffRecords: return "view personnel records";
  }
  return "do that";
}

bool role_permits(core::Role role, Action action) {
  // Front office: what an accessioner does with orders and specimens.
  const bool front_office = action == Action::kRegisterPatient || action == Action::kPlaceOrder ||
                            action == Action::kAccessionSpecimen ||
                            action == Action::kReceiveSpecimen ||
                            action == Action::kRejectSpecimen || action == Action::kViewRecords;
  // Bench: producing and releasing results.
  const bool bench = action == Action::kEnterResult || action == Action::kDocumentCriticalCall ||
                     action == Action::kReleaseResult;
  // Cancelling stops work that may be under way on the bench and can set aside values already
  // measured, so it is decided by testing personnel who see the bench (technicians and above),
  // not by the front office; an EHR's interface account cancels when the ordering provider
  // cancelled in the EHR (ORC-1 CA), which is the provider's decision carried out.
  const bool cancel = action == Action::kCancelOrder;
  // Running QC and keeping the instrument's log are bench work (CLIA 42 CFR 493.1256, 493.1282:
  // the testing personnel document QC and the corrective action they take).
  const bool bench_qc = action == Action::kRecordQc || action == Action::kLogInstrumentTask;
  // Targets, materials and schedules decide what counts as acceptable, and releasing what a
  // failed run held is a judgement on the failure: technologists (MLS) and above.
  const bool qc_judgement = action == Action::kManageQc || action == Action::kReleaseQcHeld ||
                            action == Action::kManageInstrumentTasks;
  // Competency is assessed, and exceptions granted, by the technical supervisor or consultant or
  // the general supervisor they delegate to (42 CFR 493.1451(b)(8), 493.1413(b)(8)), and the
  // director answers for the policy: supervisors and pathologists. Records are kept by them and
  // by the lab's administrators, who read them too.
  const bool staff_judgement = action == Action::kJudgeQualification;
  const bool staff_records = action == Action::kManagePeople ||
                             action == Action::kViewStaffRecords ||
                             action == Action::kRecordCeActivity;
  // Testing personnel record their own continuing education (people_records.cc keeps them to
  // their own).
  const bool own_education = action == Action::kRecordCeActivity;
  switch (role) {
    case core::Role::kClerk: return front_office;
    case core::Role::kTechnician:
      return front_office || bench || cancel || bench_qc || own_education;
    // Correcting a released result is kept to technologists (MLS) and above.
    case core::Role::kTechnologist:
      return front_office || bench || cancel || bench_qc || qc_judgement || own_education ||
             action == Action::kCorrectResult;
    case core::Role::kPathologist:
      return front_office || bench || cancel || bench_qc || qc_judgement || staff_judgement ||
             staff_records || action == Action::kCorrectResult;
    // The supervisor also answers for the lab's interfaces: where results go, and resending what
    // a receiver could not take.
    case core::Role::kSupervisor:
      return front_office || bench || cancel || bench_qc || qc_judgement || staff_judgement ||
             staff_records || action == Action::kCorrectResult ||
             action == Action::kManageInterfaces;
    case core::Role::kClinician: return action == Action::kViewRecords;
    // Lab IT manages users and configuration and never touches patient results: they are not
    // qualified testing personnel (CLIA 42 CFR 493 subpart M). They may look, to support users.
    case core::Role::kAdmin:
      return action == Action::kAddUser || action == Action::kLoadCatalog ||
             action == Action::kViewRecords || action == Action::kManageInterfaces || staff_records;
    // An interface files what its peer sends (orders from an EHR, values from an analyzer) and
    // answers host queries; verification, critical calls and corrections stay with people.
    // An analyzer also reports its QC runs.
    case core::Role::kInterface:
      return front_office || cancel || action == Action::kEnterResult ||
             action == Action::kRecordQc;
  }
  return false;
}

Result<void> check_permission(const core::User& user, Action action) {
  if (!user.active) {
    return permission_denied("user '" + user.username + "' is inactive and may not " +
                             std::string(describe(action)));
  }
  if (!role_permits(user.role, action)) {
    return permission_denied("user '" + user.username + "' (" +
                             std::string(core::to_code(user.role)) + ") may not " +
                             std::string(describe(action)));
  }
  return ok();
}

}  // namespace aliquot::lab
