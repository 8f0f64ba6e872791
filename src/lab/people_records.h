#pragma once

// The lab's people in its database: their records (education, certifications, licences), the
// competency events of each on each test system, their continuing education, the exceptions a
// supervisor grants, and the qualification policy (lab/qualification_check.h). Each change is
// audited: person.save, competency.record, ce.record, qualification.exception,
// setting.set; entities are named by the person's username ("tech1", "tech1/cobas-c311").

#include <optional>
#include <string>
#include <vector>

#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"
#include "lab/context.h"
#include "lab/qualification_check.h"
#include "people/competency.h"
#include "people/continuing_education.h"
#include "people/expiring.h"
#include "store/store.h"

namespace aliquot::lab {

// Stores or replaces the record of `person.person`, who must be a user of the lab with the role
// the record states (the account's role decides what they may do; the record must not say
// otherwise). InvalidArgument for a certification without credential, a licence without state,
// or an expiry before its issue date; NotFound for an unknown user. Supervisors, pathologists
// and admins.
Result<core::PersonRecord> save_person(store::Transaction& tx, const Context& ctx,
                                       core::PersonRecord person);

// Records a competency event (people/competency_events.h checks it): the assessor, when given,
// must be a user of the lab; the date must not be in the future. NotFound for a person without a
// record. Supervisors and pathologists.
Result<core::CompetencyEvent> record_competency_event(store::Transaction& tx, const Context& ctx,
                                                      core::CompetencyEvent event);

// The continuing-education rules in force: ctx.ce_rules, or the built-in ones.
const people::CeRules& ce_rules_in_force(const Context& ctx);

// Records a CE activity under a category of `rules`, with positive points, not dated in the
// future. Testing personnel record their own; supervisors, pathologists and admins anyone's.
Result<core::CeActivity> record_ce_activity(store::Transaction& tx, const Context& ctx,
                                            const people::CeRules& rules,
                                            core::CeActivity activity);

// Grants an exception (core/qualification_exception.h) with its reason, for at most the
// requirements' exception_max_days, starting no earlier than today (an exception is never
// backdated). The person must have a record. Supervisors and pathologists; never to themselves.
Result<core::QualificationException> grant_qualification_exception(
    store::Transaction& tx, const Context& ctx, core::QualificationException exception);

struct SetQualificationPolicy {
  std::optional<bool> enforce;
  std::optional<std::string> lab_state;  // two letters, or "" for a lab outside the US
};
// Audited as setting.set for each setting changed. Supervisors and pathologists.
Result<QualificationPolicy> set_qualification_policy(store::Transaction& tx, const Context& ctx,
                                                     const SetQualificationPolicy& command);

// --- reading (supervisors, pathologists, admins; a person may read their own) ---------------

struct CompetencyOnSystem {
  std::string test_system;
  std::optional<people::CompetencyStatus> status;  // std::nullopt: no start of testing recorded
  std::vector<core::CompetencyEvent> events;       // by date
};

struct PersonSummary {
  core::PersonRecord person;
  std::vector<CompetencyOnSystem> competency;  // by test system
  std::vector<core::CeActivity> ce_activities;
  std::vector<core::QualificationException> exceptions;
  core::Date on{};  // the lab's day the statuses are for
};

// NotFound for a person without a record.
Result<PersonSummary> person_summary(store::Transaction& tx, const Context& ctx,
                                     const std::string& person, int warning_days);

Result<std::vector<core::PersonRecord>> list_people(store::Transaction& tx, const Context& ctx);

// The certifications, licences and competencies of every person that lapse within
// `within_days` of `on` (the lab's today when not given) or have lapsed (people/expiring.h),
// soonest first.
Result<std::vector<people::ExpiringItem>> expiring_qualifications(store::Transaction& tx,
                                                                  const Context& ctx,
                                                                  std::optional<core::Date> on,
                                                                  int within_days);

// Everything an inspector asks about the lab's people on one day: each person's summary, and
// what lapses within 90 days (the dashboard's widest window) or has lapsed. Read by the
// inspection export (report/staff_workbook.h).
struct StaffInspection {
  static constexpr int kWarningDays = 30;
  static constexpr int kExpiringWithinDays = 90;

  core::Date on{};
  std::vector<PersonSummary> people;  // by username
  std::vector<people::ExpiringItem> expiring;
};

// On `on`, or the lab's today when not given. Supervisors, pathologists and admins.
Result<StaffInspection> staff_inspection(store::Transaction& tx, const Context& ctx,
                                         std::optional<core::Date> on);

}  // namespace aliquot::lab
