#include "lab/qualification_check.h"

#include <utility>

#include "core/text.h"
#include "lab/lab_time_zone.h"
#include "people/competency_events.h"

namespace aliquot::lab {
namespace {

// "technician results in microbiology are released by a technologist, supervisor or
// pathologist".
std::string review_policy_text(core::Role performer, std::string_view section,
                               const std::vector<core::Role>& reviewers) {
  std::vector<std::string> names;
  for (core::Role role : reviewers) names.emplace_back(core::to_code(role));
  std::string text = std::string(core::to_code(performer)) + " results in " + std::string(section) +
                     " are released by ";
  const std::string first = names.empty() ? "" : names.front();
  const bool vowel =
      !first.empty() && std::string_view("aeiou").find(first[0]) != std::string_view::npos;
  return text + (vowel ? "an " : "a ") + core::join_as_sentence(names, "or");
}

}  // namespace

Result<QualificationPolicy> read_qualification_policy(store::Transaction& tx) {
  QualificationPolicy policy;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> enforced,
                           tx.get_setting(kQualificationSetting));
  policy.enforced = enforced && *enforced == "enforce";
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> state,
                           tx.get_setting(kLabStateSetting));
  if (state) policy.lab_state = core::ascii_upper(*state);
  return policy;
}

const people::Requirements& personnel_requirements(const Context& ctx) {
  return ctx.personnel != nullptr ? *ctx.personnel : people::default_requirements();
}

std::string test_system_of(const core::TestResult& result) {
  return result.instrument.empty() ? result.test_code : result.instrument;
}

std::string QualificationVerdict::missing_text() const {
  if (!person) return "no personnel record";
  return core::join(answer.missing, "; ");
}

Result<QualificationVerdict> check_person_qualification(store::Transaction& tx, const Context& ctx,
                                                        std::string_view person,
                                                        std::string_view section,
                                                        std::string_view test_system,
                                                        core::Instant at) {
  QualificationVerdict verdict;
  ALIQUOT_ASSIGN_OR_RETURN(const QualificationPolicy policy, read_qualification_policy(tx));
  ALIQUOT_ASSIGN_OR_RETURN(verdict.on, lab_day(tx, at));
  ALIQUOT_ASSIGN_OR_RETURN(verdict.person, tx.find_person(person));
  if (verdict.person) {
    // The account's role decides what they may do; save_person keeps the record's role equal to
    // it, and a role changed on the account since is the one that counts.
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(person));
    if (user) verdict.person->role = user->role;
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::CompetencyEvent> events,
                           tx.competency_events(person, test_system));
  if (verdict.person) {
    people::QualificationQuestion question;
    question.section = std::string(section);
    question.test_system = std::string(test_system);
    question.competency = people::competency_history(events);
    question.lab_state = policy.lab_state;
    question.on = verdict.on;
    verdict.answer =
        people::check_qualification(personnel_requirements(ctx), *verdict.person, question);
  }
  if (!verdict.person || !verdict.answer.qualified()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QualificationException> exceptions,
                             tx.qualification_exceptions(person));
    // The latest granted exception in force speaks for the others.
    for (auto it = exceptions.rbegin(); it != exceptions.rend(); ++it) {
      if (it->covers(section, test_system, verdict.on)) {
        verdict.exception = *it;
        break;
      }
    }
  }
  return verdict;
}

Result<std::optional<core::QualificationException>> require_qualified_to_release(
    store::Transaction& tx, const Context& ctx, const core::User& actor,
    const core::TestResult& result, const std::string& accession_number, core::Instant at) {
  ALIQUOT_ASSIGN_OR_RETURN(const QualificationPolicy policy, read_qualification_policy(tx));
  if (!policy.enforced) return std::optional<core::QualificationException>();
  ALIQUOT_ASSIGN_OR_RETURN(const QualificationVerdict verdict,
                           check_person_qualification(tx, ctx, actor.username, result.section,
                                                      test_system_of(result), at));
  const std::string refused = "user '" + actor.username + "' may not release " + result.test_code +
                              " on " + accession_number + ": ";
  if (!verdict.may_work()) {
    return permission_denied(refused + verdict.missing_text() +
                             (verdict.person ? ""
                                             : " (the lab enforces qualifications: a "
                                               "supervisor records their qualifications)"));
  }
  // Releasing is reviewing: a role whose results another role reviews does not release them.
  // An exception waives a missing qualification, never the lab's review policy.
  if (!verdict.answer.reviewed_by.empty()) {
    return permission_denied(refused + review_policy_text(verdict.person->role, result.section,
                                                          verdict.answer.reviewed_by));
  }
  if (verdict.answer.qualified()) return std::optional<core::QualificationException>();
  return verdict.exception;
}

Result<std::optional<core::HoldReason>> operator_qualification_hold(
    store::Transaction& tx, const Context& ctx, std::string_view operator_id,
    std::string_view section, std::string_view test_system, core::Instant at) {
  ALIQUOT_ASSIGN_OR_RETURN(const QualificationPolicy policy, read_qualification_policy(tx));
  if (!policy.enforced) return std::optional<core::HoldReason>();
  core::HoldReason hold;
  hold.category = std::string(kOperatorQualificationHold);
  hold.action = "review";
  hold.rule = "operator qualified on the test system";
  hold.threshold =
      "current role, certification, licence and competency on " + std::string(test_system);
  if (operator_id.empty()) {
    hold.observed = "no operator";
    hold.message = "the device did not identify its operator on " + std::string(test_system) +
                   ": confirm who performed the test before releasing it";
    return std::optional<core::HoldReason>(std::move(hold));
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      const QualificationVerdict verdict,
      check_person_qualification(tx, ctx, operator_id, section, test_system, at));
  if (verdict.may_work()) {
    // A qualified operator whose results the lab reviews: the value waits for a reviewer, as it
    // would had the operator entered it by hand (require_qualified_to_release).
    if (verdict.answer.reviewed_by.empty()) return std::optional<core::HoldReason>();
    const std::string policy_text =
        review_policy_text(verdict.person->role, section, verdict.answer.reviewed_by);
    hold.category = std::string(kOperatorReviewHold);
    hold.rule = "review policy";
    hold.observed = "operator " + std::string(operator_id) + ", " +
                    std::string(core::to_code(verdict.person->role));
    hold.threshold = policy_text;
    hold.message = "performed by " + std::string(operator_id) + ": " + policy_text;
    return std::optional<core::HoldReason>(std::move(hold));
  }
  hold.observed = "operator " + std::string(operator_id);
  hold.message = "operator " + std::string(operator_id) + " may not perform " +
                 std::string(section) + " tests on " + std::string(test_system) + ": " +
                 verdict.missing_text();
  return std::optional<core::HoldReason>(std::move(hold));
}

}  // namespace aliquot::lab
