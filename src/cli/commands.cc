#include "cli/commands.h"

#include <utility>

namespace aliquot::cli {

void CommandSelection::bind(CLI::App* command, CommandAction action) {
  command->callback([this, action = std::move(action)] { selected_ = action; });
}

Result<std::optional<core::Instant>> parse_optional_time(const std::string& option,
                                                         const std::string& text) {
  if (text.empty()) return std::optional<core::Instant>();
  Result<core::Instant> parsed = core::parse_instant(text);
  if (!parsed) return invalid_argument(option + ": " + parsed.error().message());
  return std::optional<core::Instant>(*parsed);
}

}  // namespace aliquot::cli
