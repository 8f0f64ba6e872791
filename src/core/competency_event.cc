#include "core/competency_event.h"

#include <utility>

namespace aliquot::core {
namespace {

constexpr std::array<std::pair<std::string_view, CompetencyEventKind>, 3> kEventKinds{{
    {"started", CompetencyEventKind::kStarted},
    {"assessed", CompetencyEventKind::kAssessed},
    {"method-changed", CompetencyEventKind::kMethodChanged},
}};

}  // namespace

std::string_view to_code(CompetencyEventKind kind) {
  for (const auto& [code, known] : kEventKinds) {
    if (known == kind) return code;
  }
  return "assessed";
}

std::optional<CompetencyEventKind> competency_event_kind_from_code(std::string_view code) {
  for (const auto& [known_code, kind] : kEventKinds) {
    if (known_code == code) return kind;
  }
  return std::nullopt;
}

}  // namespace aliquot::core
