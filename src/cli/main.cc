#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/time.h"

namespace {

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv, argv + argc);
  aliquot::cli::Environment environment;
  environment.database = environment_variable("ALIQUOT_DB");
  environment.user = environment_variable("ALIQUOT_USER");
  const aliquot::core::SystemClock clock;
  return aliquot::cli::run(arguments, environment, clock, std::cout, std::cerr);
}
