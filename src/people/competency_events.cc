#include "people/competency_events.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "core/text.h"

namespace aliquot::people {

std::optional<CompetencyHistory> competency_history(
    const std::vector<core::CompetencyEvent>& events) {
  std::optional<core::Date> started;
  CompetencyHistory history;
  for (const core::CompetencyEvent& event : events) {
    switch (event.kind) {
      case core::CompetencyEventKind::kStarted:
        if (!started || std::chrono::sys_days(event.on) < std::chrono::sys_days(*started)) {
          started = event.on;
        }
        break;
      case core::CompetencyEventKind::kAssessed: history.assessments.push_back(event.on); break;
      case core::CompetencyEventKind::kMethodChanged:
        history.method_changes.push_back(event.on);
        break;
    }
  }
  if (!started) return std::nullopt;
  history.started_testing = *started;
  return history;
}

Result<void> check_competency_event(const core::CompetencyEvent& event) {
  std::vector<std::string> problems;
  if (event.person.empty()) problems.push_back("the person assessed is missing");
  if (event.test_system.empty()) problems.push_back("the test system is missing");
  if (event.kind != core::CompetencyEventKind::kAssessed) {
    if (!event.assessor.empty() || !event.elements.empty()) {
      problems.push_back("only an assessment has an assessor and elements, not a '" +
                         std::string(core::to_code(event.kind)) + "' event");
    }
  } else {
    if (event.assessor.empty()) {
      problems.push_back("the assessor is missing");
    } else if (core::equals_ignoring_case(event.assessor, event.person)) {
      problems.push_back(event.person + " cannot assess their own competency");
    }
    std::vector<std::string> missing;
    for (std::string_view element : core::kCompetencyElements) {
      const auto found = event.elements.find(std::string(element));
      if (found == event.elements.end()) {
        missing.emplace_back(element);
      } else if (found->second.find_first_not_of(" \t") == std::string::npos) {
        problems.push_back("element " + std::string(element) + ": say how it was assessed");
      }
    }
    if (!missing.empty()) {
      problems.push_back("an assessment covers the six CLIA elements; missing: " +
                         core::join(missing, ", "));
    }
    for (const auto& [element, how] : event.elements) {
      if (std::find(core::kCompetencyElements.begin(), core::kCompetencyElements.end(), element) ==
          core::kCompetencyElements.end()) {
        problems.push_back("unknown element '" + element + "' (the elements are " +
                           core::join(std::vector<std::string>(core::kCompetencyElements.begin(),
                                                               core::kCompetencyElements.end())) +
                           ")");
      }
    }
  }
  if (problems.empty()) return ok();
  return invalid_argument("competency " + std::string(core::to_code(event.kind)) + " of " +
                          event.person + " on " + event.test_system + ": " +
                          core::join(problems, "; "));
}

}  // namespace aliquot::people
