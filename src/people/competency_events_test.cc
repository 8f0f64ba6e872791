#include "people/competency_events.h"

#include <gtest/gtest.h>

#include "support/dates.h"

namespace aliquot::people {
namespace {

using test_support::date;

core::CompetencyEvent event_of(core::CompetencyEventKind kind, const char* on) {
  core::CompetencyEvent event;
  event.person = "tech1";
  event.test_system = "cobas-c311";
  event.kind = kind;
  event.on = date(on);
  return event;
}

core::CompetencyEvent complete_assessment(const char* on) {
  core::CompetencyEvent event = event_of(core::CompetencyEventKind::kAssessed, on);
  event.assessor = "sup1";
  for (std::string_view element : core::kCompetencyElements) {
    event.elements[std::string(element)] = "observed";
  }
  return event;
}

TEST(CompetencyHistoryFromEvents, StartsAtTheEarliestStartAndKeepsAssessmentsAndMethodChanges) {
  const std::vector<core::CompetencyEvent> events = {
      complete_assessment("2026-01-10"),
      event_of(core::CompetencyEventKind::kStarted, "2025-07-01"),
      event_of(core::CompetencyEventKind::kStarted, "2025-06-01"),
      event_of(core::CompetencyEventKind::kMethodChanged, "2026-03-01"),
  };
  const std::optional<CompetencyHistory> history = competency_history(events);
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->started_testing, date("2025-06-01"));
  EXPECT_EQ(history->assessments, std::vector<core::Date>{date("2026-01-10")});
  EXPECT_EQ(history->method_changes, std::vector<core::Date>{date("2026-03-01")});
}

TEST(CompetencyHistoryFromEvents, IsUnknownWithoutAStartOfTesting) {
  EXPECT_FALSE(competency_history({complete_assessment("2026-01-10")}).has_value());
  EXPECT_FALSE(competency_history({}).has_value());
}

TEST(CompetencyEventCheck, AcceptsAnAssessmentOfTheSixElementsByAnotherPerson) {
  EXPECT_TRUE(check_competency_event(complete_assessment("2026-01-10")).has_value());
  EXPECT_TRUE(check_competency_event(event_of(core::CompetencyEventKind::kStarted, "2026-01-10"))
                  .has_value());
}

TEST(CompetencyEventCheck, NamesTheMissingElementsAndTheSelfAssessment) {
  core::CompetencyEvent event = complete_assessment("2026-01-10");
  event.elements.erase("problem-solving");
  event.elements.erase("blind-samples");
  event.elements["record-review"] = " ";
  event.elements["guesswork"] = "yes";
  event.assessor = "TECH1";
  const Result<void> checked = check_competency_event(event);
  ASSERT_FALSE(checked.has_value());
  const std::string& message = checked.error().message();
  EXPECT_NE(message.find("tech1 cannot assess their own competency"), std::string::npos) << message;
  EXPECT_NE(message.find("missing: blind-samples, problem-solving"), std::string::npos) << message;
  EXPECT_NE(message.find("element record-review: say how it was assessed"), std::string::npos)
      << message;
  EXPECT_NE(message.find("unknown element 'guesswork'"), std::string::npos) << message;
  EXPECT_EQ(checked.error().code(), ErrorCode::kInvalidArgument);
}

TEST(CompetencyEventCheck, RefusesElementsOnAnEventThatIsNoAssessment) {
  core::CompetencyEvent started = event_of(core::CompetencyEventKind::kStarted, "2026-01-10");
  started.assessor = "sup1";
  const Result<void> checked = check_competency_event(started);
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().message().find("only an assessment has an assessor"),
            std::string::npos);
}

}  // namespace
}  // namespace aliquot::people
