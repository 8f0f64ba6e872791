#pragma once

// The lab's personnel requirements as data (catalog/personnel.toml): which states license
// laboratory personnel and from when, which credentials and licences each role needs, which roles
// may perform and release the tests of a section, and whose results another role reviews before
// release. Loading checks the file and names every problem at file:line:column.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "core/error.h"
#include "core/time.h"

namespace aliquot::people {

struct LicensureState {
  std::string state;                    // "CA"
  std::optional<core::Date> effective;  // none: on every date
};

struct RoleRequirement {
  core::Role role = core::Role::kTechnician;
  std::vector<std::string> credentials;  // any one, current, qualifies; empty: none needed
  bool licence = true;                   // of the lab's state, when it licenses personnel
};

struct SectionRoles {
  std::string section;
  std::vector<core::Role> roles;
  int line = 0;  // of the section's name in the file
};

struct ReviewPolicy {
  core::Role performed_by = core::Role::kTechnician;
  std::vector<std::string> sections;
  std::vector<core::Role> reviewed_by;
  int line = 0;  // of the sections in the file
};

class Requirements {
 public:
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<LicensureState>& licensure() const { return licensure_; }
  const std::vector<RoleRequirement>& roles() const { return roles_; }
  const std::vector<SectionRoles>& sections() const { return sections_; }
  const std::vector<ReviewPolicy>& reviews() const { return reviews_; }
  // The longest a supervisor's qualification exception (core/qualification_exception.h) may last,
  // in days from its first day to its last.
  int exception_max_days() const { return exception_max_days_; }

  // Whether `state` (a postal code, letter case ignored) licenses laboratory personnel on `on`.
  bool licensure_required(std::string_view state, core::Date on) const;
  // What `role` needs; null when the role may not perform or release tests at all.
  const RoleRequirement* requirement_for(core::Role role) const;
  // Whether `role` may perform and release the tests of `section` (letter case ignored).
  bool may_work_in(core::Role role, std::string_view section) const;
  // The roles that must review what `role` performs in `section`; empty when none.
  std::vector<core::Role> reviewers_for(core::Role role, std::string_view section) const;

 private:
  friend class RequirementsLoader;

  std::string name_;
  std::string version_;
  std::vector<LicensureState> licensure_;
  std::vector<RoleRequirement> roles_;
  std::vector<SectionRoles> sections_;
  std::vector<ReviewPolicy> reviews_;
  int exception_max_days_ = 30;
};

struct RequirementsLoad {
  std::optional<Requirements> requirements;  // set when the file has no problems
  std::vector<Error> diagnostics;            // every problem, in file order
};

// Reads `text`; `file` names it in the diagnostics.
RequirementsLoad load_requirements(std::string_view text, const std::string& file);

// The bytes of catalog/personnel.toml, built into the program.
std::string_view default_requirements_text();
// The built-in requirements, loaded once.
const Requirements& default_requirements();

}  // namespace aliquot::people
