#include "catalog/catalog.h"

#include <set>
#include <utility>

#include "core/text.h"

namespace aliquot::catalog {
namespace {

using core::ascii_upper;
using core::equals_ignoring_case;

template <typename T>
const T* find_by_code(const std::vector<T>& items, std::string_view code) {
  for (const T& item : items) {
    if (equals_ignoring_case(item.code, code)) return &item;
  }
  return nullptr;
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  out += message;
  return out;
}

const core::TestDefinition* Catalog::find_test(std::string_view code) const {
  const auto it = test_index_.find(ascii_upper(code));
  return it == test_index_.end() ? nullptr : &tests_[it->second];
}

const core::PanelDefinition* Catalog::find_panel(std::string_view code) const {
  const auto it = panel_index_.find(ascii_upper(code));
  return it == panel_index_.end() ? nullptr : &panels_[it->second];
}

const Container* Catalog::find_container(std::string_view code) const {
  return find_by_code(containers_, code);
}

std::optional<int> TurnaroundTargets::minutes_for(core::Priority priority) const {
  switch (priority) {
    case core::Priority::kStat: return stat_minutes;
    case core::Priority::kAsap: return asap_minutes;
    case core::Priority::kRoutine: return routine_minutes;
  }
  return std::nullopt;
}

const Section* Catalog::find_section(std::string_view code) const {
  return find_by_code(sections_, code);
}

Result<std::vector<const core::TestDefinition*>> Catalog::expand(
    const std::vector<std::string>& codes) const {
  std::vector<const core::TestDefinition*> tests;
  std::set<const core::TestDefinition*> seen;
  std::vector<std::string> unknown;
  std::set<std::string> unknown_seen;

  // The loader refuses panel cycles, so the recursion ends.
  const auto visit = [&](const auto& self, std::string_view code) -> void {
    if (const core::TestDefinition* test = find_test(code)) {
      if (seen.insert(test).second) tests.push_back(test);
      return;
    }
    if (const core::PanelDefinition* panel = find_panel(code)) {
      for (const std::string& member : panel->members) self(self, member);
      return;
    }
    if (unknown_seen.insert(ascii_upper(code)).second) unknown.emplace_back(code);
  };
  for (const std::string& code : codes) visit(visit, code);

  if (!unknown.empty()) {
    std::string message =
        unknown.size() == 1 ? "unknown test or panel code " : "unknown test or panel codes ";
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      if (i > 0) message += ", ";
      message += "'" + unknown[i] + "'";
    }
    return not_found(std::move(message));
  }
  return tests;
}

}  // namespace aliquot::catalog
