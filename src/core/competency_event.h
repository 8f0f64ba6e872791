#pragma once

// What the lab records about one person's competency on one test system, event by event: the
// day they started testing patient specimens on it, each assessment of the six CLIA elements
// (42 CFR 493.1451(b)(8), 493.1235; ../shared/reference/personnel.md) with who assessed and how
// each element was assessed, and each change of method or instrument that calls for an
// assessment before they report again. people/competency.h turns the events into a schedule.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace aliquot::core {

enum class CompetencyEventKind {
  kStarted,        // first day testing patient specimens on the system
  kAssessed,       // an assessment of all six elements
  kMethodChanged,  // a new method or instrument on the system
};

std::string_view to_code(CompetencyEventKind kind);  // "started", "assessed", "method-changed"
std::optional<CompetencyEventKind> competency_event_kind_from_code(std::string_view code);

// The six elements, by the codes an assessment names them with, in the regulation's order:
// direct-observation, monitoring-reporting, record-review, maintenance-observation,
// blind-samples, problem-solving.
inline constexpr std::array<std::string_view, 6> kCompetencyElements{
    "direct-observation",      "monitoring-reporting", "record-review",
    "maintenance-observation", "blind-samples",        "problem-solving"};

struct CompetencyEvent {
  std::int64_t id = 0;
  std::string person;       // username
  std::string test_system;  // an instrument profile id, or the test code of a manual procedure
  CompetencyEventKind kind = CompetencyEventKind::kAssessed;
  Date on{};
  // For an assessment: who assessed (a username), and how each of the six elements was assessed
  // ("observed 3 patient runs", "not applicable: no maintenance on a waived device"), by element
  // code.
  std::string assessor;
  std::map<std::string, std::string> elements;
  std::string notes;
  Instant recorded_at{};
  std::string recorded_by;
};

}  // namespace aliquot::core
