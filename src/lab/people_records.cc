#include "lab/people_records.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "core/text.h"
#include "lab/lab_time_zone.h"
#include "lab/people_json.h"
#include "lab/use_case_support.h"
#include "people/competency_events.h"

namespace aliquot::lab {
namespace {

bool after_day(core::Date a, core::Date b) {
  return std::chrono::sys_days(a) > std::chrono::sys_days(b);
}

Result<core::PersonRecord> stored_person(store::Transaction& tx, const std::string& person) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::PersonRecord> found, tx.find_person(person));
  if (!found) return not_found("no personnel record for '" + person + "'");
  return std::move(*found);
}

Result<void> check_person_record(const core::PersonRecord& person) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < person.certifications.size(); ++i) {
    const core::Certification& held = person.certifications[i];
    const std::string where = "certification " + std::to_string(i + 1);
    if (trimmed(held.credential).empty()) problems.push_back(where + ": the credential is missing");
    if (held.issued && held.expires && after_day(*held.issued, *held.expires)) {
      problems.push_back(where + " (" + held.credential + "): expires on " +
                         core::format_date(*held.expires) + ", before it was issued on " +
                         core::format_date(*held.issued));
    }
  }
  for (std::size_t i = 0; i < person.licences.size(); ++i) {
    const core::StateLicence& licence = person.licences[i];
    if (licence.state.size() != 2) {
      problems.push_back("licence " + std::to_string(i + 1) +
                         ": the state must be a two-letter postal code, not '" + licence.state +
                         "'");
    }
  }
  for (const auto& [subject, hours] : person.education.semester_hours) {
    if (hours < 0) problems.push_back("semester hours of " + subject + " must not be negative");
  }
  if (person.education.undated_experience_months < 0 || person.education.semester_hours_total < 0) {
    problems.push_back("semester hours and months of experience must not be negative");
  }
  for (std::size_t i = 0; i < person.education.experience.size(); ++i) {
    const core::ExperiencePeriod& period = person.education.experience[i];
    const bool unnamed = trimmed(period.laboratory).empty();
    const std::string where =
        "experience " + std::to_string(i + 1) + (unnamed ? "" : " (" + period.laboratory + ")");
    if (unnamed) problems.push_back(where + ": the laboratory is missing");
    if (period.to && after_day(period.from, *period.to)) {
      problems.push_back(where + ": ends on " + core::format_date(*period.to) +
                         ", before it began on " + core::format_date(period.from));
    }
    if (!(period.full_time_share > 0 && period.full_time_share <= 1)) {
      problems.push_back(where + ": the share of full time must be more than 0 and at most 1");
    }
  }
  if (problems.empty()) return ok();
  return invalid_argument("personnel record of '" + person.person +
                          "': " + core::join(problems, "; "));
}

Result<void> record_person_change(store::Transaction& tx, const core::User& actor,
                                  core::Instant now, std::string action, std::string key,
                                  std::string before, std::string after, std::string reason) {
  audit::Change change;
  change.action = std::move(action);
  change.entity_type = "person";
  change.entity_key = std::move(key);
  change.before = std::move(before);
  change.after = std::move(after);
  change.reason = std::move(reason);
  return record_change(tx, actor.username, now, change);
}

Result<void> set_policy_setting(store::Transaction& tx, const core::User& actor, core::Instant now,
                                std::string_view key, const std::string& value) {
  // Setting the value it already has changes nothing and is not audited.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> before, tx.get_setting(key));
  if (before && *before == value) return ok();
  return set_setting_audited(tx, actor.username, now, key, value);
}

// A person reads their own record; reading others' is for those who keep the records.
Result<core::User> authorize_reading(store::Transaction& tx, const Context& ctx,
                                     const std::string& person) {
  if (ctx.actor.username == person) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> self, tx.find_user(person));
    if (self && self->active) return *self;
  }
  return authorize(tx, ctx.actor.username, Action::kViewStaffRecords);
}

}  // namespace

Result<core::PersonRecord> save_person(store::Transaction& tx, const Context& ctx,
                                       core::PersonRecord person) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManagePeople));
  person.person = trimmed(person.person);
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(person.person));
  if (!user) {
    return not_found("no user '" + person.person +
                     "': a personnel record belongs to a user account; add the user first");
  }
  if (user->role != person.role) {
    return invalid_argument("the record of '" + person.person + "' says " +
                            std::string(core::to_code(person.role)) + " but the user account is " +
                            std::string(core::to_code(user->role)) +
                            ": the account's role is what they may do, and the record must agree");
  }
  for (core::StateLicence& licence : person.licences)
    licence.state = core::ascii_upper(licence.state);
  ALIQUOT_RETURN_IF_ERROR(check_person_record(person));
  if (person.name.empty()) person.name = user->display_name;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::PersonRecord> before,
                           tx.find_person(person.person));
  ALIQUOT_RETURN_IF_ERROR(tx.put_person(person));
  ALIQUOT_RETURN_IF_ERROR(record_person_change(
      tx, actor, ctx.clock.now(), "person.save", person.person,
      before ? to_compact_text(to_json(*before)) : "", to_compact_text(to_json(person)), ""));
  return person;
}

Result<core::CompetencyEvent> record_competency_event(store::Transaction& tx, const Context& ctx,
                                                      core::CompetencyEvent event) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kJudgeQualification));
  const core::Instant now = ctx.clock.now();
  event.person = trimmed(event.person);
  event.test_system = trimmed(event.test_system);
  event.assessor = trimmed(event.assessor);
  ALIQUOT_RETURN_IF_ERROR(people::check_competency_event(event));
  ALIQUOT_RETURN_IF_ERROR(stored_person(tx, event.person));
  if (!event.assessor.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> assessor,
                             tx.find_user(event.assessor));
    if (!assessor) return not_found("assessor '" + event.assessor + "' is not a user of the lab");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab_day(tx, now));
  if (after_day(event.on, today)) {
    return invalid_argument("competency " + std::string(core::to_code(event.kind)) + " of " +
                            event.person + " is dated " + core::format_date(event.on) +
                            ", after today (" + core::format_date(today) + ")");
  }
  event.recorded_at = now;
  event.recorded_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(event, tx.insert_competency_event(std::move(event)));
  ALIQUOT_RETURN_IF_ERROR(record_person_change(tx, actor, now, "competency.record",
                                               event.person + "/" + event.test_system, "",
                                               to_compact_text(to_json(event)), ""));
  return event;
}

Result<core::CeActivity> record_ce_activity(store::Transaction& tx, const Context& ctx,
                                            const people::CeRules& rules,
                                            core::CeActivity activity) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kRecordCeActivity));
  const core::Instant now = ctx.clock.now();
  activity.person = trimmed(activity.person);
  if (!role_permits(actor.role, Action::kManagePeople) && activity.person != actor.username) {
    return permission_denied(
        "user '" + actor.username + "' (" + std::string(core::to_code(actor.role)) +
        ") records only their own continuing education, not " + activity.person + "'s");
  }
  ALIQUOT_RETURN_IF_ERROR(stored_person(tx, activity.person));
  std::vector<std::string> problems;
  if (rules.find_category(activity.category) == nullptr) {
    std::vector<std::string> codes;
    for (const people::CeCategory& category : rules.categories()) codes.push_back(category.code);
    problems.push_back("unknown category '" + activity.category + "' (the categories are " +
                       core::join(codes) + ")");
  }
  if (!(activity.points > 0)) problems.push_back("the points must be more than 0");
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab_day(tx, now));
  if (after_day(activity.date, today)) {
    problems.push_back("dated " + core::format_date(activity.date) + ", after today");
  }
  if (!problems.empty()) {
    return invalid_argument("CE activity of " + activity.person + ": " +
                            core::join(problems, "; "));
  }
  ALIQUOT_ASSIGN_OR_RETURN(activity, tx.insert_ce_activity(std::move(activity)));
  ALIQUOT_RETURN_IF_ERROR(record_person_change(tx, actor, now, "ce.record", activity.person, "",
                                               to_compact_text(to_json(activity)), ""));
  return activity;
}

Result<core::QualificationException> grant_qualification_exception(
    store::Transaction& tx, const Context& ctx, core::QualificationException exception) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kJudgeQualification));
  const core::Instant now = ctx.clock.now();
  exception.person = trimmed(exception.person);
  exception.section = trimmed(exception.section);
  exception.test_system = trimmed(exception.test_system);
  exception.reason = trimmed(exception.reason);
  if (exception.person == actor.username) {
    return permission_denied("user '" + actor.username +
                             "' may not grant a qualification exception to themselves");
  }
  ALIQUOT_RETURN_IF_ERROR(stored_person(tx, exception.person));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab_day(tx, now));
  const int max_days = personnel_requirements(ctx).exception_max_days();
  std::vector<std::string> problems;
  if (exception.reason.empty()) problems.push_back("the reason is missing");
  if (exception.section.empty()) problems.push_back("the section is missing");
  if (std::chrono::sys_days(exception.from) < std::chrono::sys_days(today)) {
    problems.push_back("it starts on " + core::format_date(exception.from) + ", before today (" +
                       core::format_date(today) + "): an exception is never backdated");
  }
  const auto days =
      (std::chrono::sys_days(exception.until) - std::chrono::sys_days(exception.from)).count() + 1;
  if (days < 1) {
    problems.push_back("it ends on " + core::format_date(exception.until) + ", before it starts");
  } else if (days > max_days) {
    problems.push_back("it lasts " + std::to_string(days) + " days, more than the " +
                       std::to_string(max_days) + " the personnel requirements allow");
  }
  if (!problems.empty()) {
    return invalid_argument("qualification exception for " + exception.person + ": " +
                            core::join(problems, "; "));
  }
  exception.granted_by = actor.username;
  exception.granted_at = now;
  ALIQUOT_ASSIGN_OR_RETURN(exception, tx.insert_qualification_exception(std::move(exception)));
  ALIQUOT_RETURN_IF_ERROR(
      record_person_change(tx, actor, now, "qualification.exception", exception.person, "",
                           to_compact_text(to_json(exception)), exception.reason));
  return exception;
}

Result<QualificationPolicy> set_qualification_policy(store::Transaction& tx, const Context& ctx,
                                                     const SetQualificationPolicy& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kJudgeQualification));
  const core::Instant now = ctx.clock.now();
  if (command.lab_state) {
    const std::string state = core::ascii_upper(trimmed(*command.lab_state));
    const bool two_letters =
        state.size() == 2 &&
        std::all_of(state.begin(), state.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!state.empty() && !two_letters) {
      return invalid_argument("lab state '" + *command.lab_state +
                              "': a two-letter postal code (\"CA\"), or empty outside the US");
    }
    ALIQUOT_RETURN_IF_ERROR(set_policy_setting(tx, actor, now, kLabStateSetting, state));
  }
  if (command.enforce) {
    ALIQUOT_RETURN_IF_ERROR(set_policy_setting(tx, actor, now, kQualificationSetting,
                                               *command.enforce ? "enforce" : "off"));
  }
  return read_qualification_policy(tx);
}

namespace {

Result<PersonSummary> summarize(store::Transaction& tx, core::PersonRecord record, core::Date on,
                                int warning_days) {
  PersonSummary summary;
  summary.person = std::move(record);
  summary.on = on;
  const std::string& person = summary.person.person;
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::CompetencyEvent> events,
                           tx.competency_events(person, ""));
  std::map<std::string, std::vector<core::CompetencyEvent>> by_system;
  for (core::CompetencyEvent& event : events) {
    by_system[event.test_system].push_back(std::move(event));
  }
  for (auto& [system, system_events] : by_system) {
    CompetencyOnSystem entry;
    entry.test_system = system;
    if (const std::optional<people::CompetencyHistory> history =
            people::competency_history(system_events)) {
      entry.status = people::competency_status(*history, summary.on, warning_days);
    }
    entry.events = std::move(system_events);
    summary.competency.push_back(std::move(entry));
  }
  ALIQUOT_ASSIGN_OR_RETURN(summary.ce_activities, tx.ce_activities(person));
  ALIQUOT_ASSIGN_OR_RETURN(summary.exceptions, tx.qualification_exceptions(person));
  return summary;
}

}  // namespace

const people::CeRules& ce_rules_in_force(const Context& ctx) {
  return ctx.ce_rules != nullptr ? *ctx.ce_rules : people::default_ce_rules();
}

Result<PersonSummary> person_summary(store::Transaction& tx, const Context& ctx,
                                     const std::string& person, int warning_days) {
  ALIQUOT_RETURN_IF_ERROR(authorize_reading(tx, ctx, person));
  ALIQUOT_ASSIGN_OR_RETURN(core::PersonRecord record, stored_person(tx, person));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab_day(tx, ctx.clock.now()));
  return summarize(tx, std::move(record), today, warning_days);
}

Result<std::vector<core::PersonRecord>> list_people(store::Transaction& tx, const Context& ctx) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewStaffRecords));
  return tx.list_people();
}

Result<std::vector<people::ExpiringItem>> expiring_qualifications(store::Transaction& tx,
                                                                  const Context& ctx,
                                                                  std::optional<core::Date> on,
                                                                  int within_days) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewStaffRecords));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab_day(tx, ctx.clock.now()));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::PersonRecord> people, tx.list_people());
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::CompetencyEvent> events,
                           tx.competency_events("", ""));
  // Events come by person, then test system: one history per run of equal keys.
  std::vector<people::PersonOnSystem> systems;
  for (std::size_t begin = 0; begin < events.size();) {
    std::size_t end = begin;
    while (end < events.size() && events[end].person == events[begin].person &&
           events[end].test_system == events[begin].test_system) {
      ++end;
    }
    const std::vector<core::CompetencyEvent> run(events.begin() + static_cast<long>(begin),
                                                 events.begin() + static_cast<long>(end));
    if (const std::optional<people::CompetencyHistory> history = people::competency_history(run)) {
      systems.push_back({events[begin].person, events[begin].test_system, *history});
    }
    begin = end;
  }
  return people::expiring_within(people, systems, on.value_or(today), within_days);
}

Result<StaffInspection> staff_inspection(store::Transaction& tx, const Context& ctx,
                                         std::optional<core::Date> on) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewStaffRecords));
  StaffInspection inspection;
  if (on) {
    inspection.on = *on;
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(inspection.on, lab_day(tx, ctx.clock.now()));
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::PersonRecord> people, tx.list_people());
  for (core::PersonRecord& record : people) {
    ALIQUOT_ASSIGN_OR_RETURN(PersonSummary summary, summarize(tx, std::move(record), inspection.on,
                                                              StaffInspection::kWarningDays));
    inspection.people.push_back(std::move(summary));
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      inspection.expiring,
      expiring_qualifications(tx, ctx, inspection.on, StaffInspection::kExpiringWithinDays));
  return inspection;
}

}  // namespace aliquot::lab
