#include "core/patient.h"

namespace aliquot::core {

Result<void> validate_mrn(std::string_view mrn) {
  if (mrn.empty() || mrn.size() > 20) {
    return invalid_argument("MRN must be 1 to 20 characters, got " + std::to_string(mrn.size()));
  }
  for (std::size_t i = 0; i < mrn.size(); ++i) {
    const char c = mrn[i];
    const bool allowed =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
    if (!allowed) {
      return invalid_argument("MRN '" + std::string(mrn) + "' has a character other than a " +
                              "letter, digit or '-' at position " + std::to_string(i + 1));
    }
  }
  return ok();
}

}  // namespace aliquot::core
