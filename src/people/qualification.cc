#include "people/qualification.h"

#include <algorithm>
#include <chrono>

#include "core/text.h"

namespace aliquot::people {
namespace {

std::string expired_text(const std::string& what, const std::optional<core::Date>& expires) {
  return what + " expired on " + core::format_date(*expires);
}

void check_certification(const RoleRequirement& requirement, const core::PersonRecord& person,
                         core::Date on, std::vector<std::string>& missing) {
  if (requirement.credentials.empty()) return;
  std::vector<std::string> lapsed;
  for (const core::Certification& held : person.certifications) {
    const bool accepted =
        std::any_of(requirement.credentials.begin(), requirement.credentials.end(),
                    [&](const std::string& wanted) {
                      return core::equals_ignoring_case(wanted, held.credential);
                    });
    if (!accepted) continue;
    if (core::valid_on(held.expires, on)) return;
    lapsed.push_back(expired_text(held.credential + (held.number.empty() ? "" : " " + held.number),
                                  held.expires));
  }
  missing.push_back("needs a current " + core::join_as_sentence(requirement.credentials, "or") +
                    " certification (" +
                    (lapsed.empty() ? "none recorded" : core::join(lapsed, "; ")) + ")");
}

void check_licence(const Requirements& requirements, const RoleRequirement& requirement,
                   const core::PersonRecord& person, const QualificationQuestion& question,
                   std::vector<std::string>& missing) {
  if (!requirement.licence || question.lab_state.empty() ||
      !requirements.licensure_required(question.lab_state, question.on)) {
    return;
  }
  const std::string state = core::ascii_upper(question.lab_state);
  std::vector<std::string> lapsed;
  for (const core::StateLicence& licence : person.licences) {
    if (!core::equals_ignoring_case(licence.state, state)) continue;
    if (core::valid_on(licence.expires, question.on)) return;
    std::string what = state + " licence";
    if (!licence.type.empty()) what += " " + licence.type;
    if (!licence.number.empty()) what += " " + licence.number;
    lapsed.push_back(expired_text(what, licence.expires));
  }
  missing.push_back("needs a current " + state + " licence (" +
                    (lapsed.empty() ? "none recorded" : core::join(lapsed, "; ")) + ")");
}

void check_competency(const QualificationQuestion& question, std::vector<std::string>& missing) {
  const std::string system = "competency on " + question.test_system;
  if (!question.competency) {
    missing.push_back(system + ": none recorded (no start of testing or assessment)");
    return;
  }
  const CompetencyStatus status = competency_status(*question.competency, question.on, 0);
  if (status.may_report()) return;
  if (status.state == CompetencyState::kNeededForNewMethod) {
    missing.push_back(system + ": " + status.requirement);
  } else {
    missing.push_back(system + ": " + status.requirement + " was due on " +
                      core::format_date(status.due));
  }
}

}  // namespace

QualificationAnswer check_qualification(const Requirements& requirements,
                                        const core::PersonRecord& person,
                                        const QualificationQuestion& question) {
  QualificationAnswer answer;
  const std::string role(core::to_code(person.role));
  const RoleRequirement* requirement = requirements.requirement_for(person.role);
  if (requirement == nullptr) {
    answer.missing.push_back("role " + role + " may not perform or release tests");
    return answer;
  }
  if (!requirements.may_work_in(person.role, question.section)) {
    answer.missing.push_back("role " + role + " may not perform or release " + question.section +
                             " tests");
  }
  check_certification(*requirement, person, question.on, answer.missing);
  check_licence(requirements, *requirement, person, question, answer.missing);
  check_competency(question, answer.missing);
  answer.reviewed_by = requirements.reviewers_for(person.role, question.section);
  return answer;
}

}  // namespace aliquot::people
