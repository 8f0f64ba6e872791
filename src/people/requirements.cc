#include "people/requirements.h"

#include <algorithm>
#include <map>

#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::people {

using config::Diagnostics;
using config::in_quotes;
using config::Required;
using config::TableReader;
using config::TextAt;
using core::equals_ignoring_case;

bool Requirements::licensure_required(std::string_view state, core::Date on) const {
  return std::any_of(licensure_.begin(), licensure_.end(), [&](const LicensureState& entry) {
    return equals_ignoring_case(entry.state, state) &&
           (!entry.effective ||
            std::chrono::sys_days(*entry.effective) <= std::chrono::sys_days(on));
  });
}

const RoleRequirement* Requirements::requirement_for(core::Role role) const {
  for (const RoleRequirement& requirement : roles_) {
    if (requirement.role == role) return &requirement;
  }
  return nullptr;
}

bool Requirements::may_work_in(core::Role role, std::string_view section) const {
  if (requirement_for(role) == nullptr) return false;
  for (const SectionRoles& entry : sections_) {
    if (equals_ignoring_case(entry.section, section)) {
      return std::find(entry.roles.begin(), entry.roles.end(), role) != entry.roles.end();
    }
  }
  return true;
}

std::vector<core::Role> Requirements::reviewers_for(core::Role role,
                                                    std::string_view section) const {
  for (const ReviewPolicy& policy : reviews_) {
    if (policy.performed_by != role) continue;
    for (const std::string& reviewed : policy.sections) {
      if (equals_ignoring_case(reviewed, section)) return policy.reviewed_by;
    }
  }
  return {};
}

// Builds Requirements from the parsed file; every problem goes to the diagnostics, and the
// loader goes on to find the others.
class RequirementsLoader {
 public:
  RequirementsLoader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<Requirements> run() {
    TableReader top(root_, "the personnel requirements file",
                    {"personnel", "licensure", "role", "section", "review", "exceptions"}, out_);
    top.report_unknown_keys();
    read_header(top);
    read_exceptions(top);
    for_each_table(top, "licensure", [this](TableReader& reader) { read_licensure(reader); });
    for_each_table(top, "role", [this](TableReader& reader) { read_role(reader); });
    for_each_table(top, "section", [this](TableReader& reader) { read_section(reader); });
    for_each_table(top, "review", [this](TableReader& reader) { read_review(reader); });
    if (!out_.empty()) return std::nullopt;
    return std::move(parsed_);
  }

 private:
  template <typename Read>
  void for_each_table(TableReader& top, std::string_view key, Read read) {
    const toml::array* tables = top.tables(key, Required::kNo);
    if (tables == nullptr) return;
    for (std::size_t i = 0; i < tables->size(); ++i) {
      TableReader reader(*tables->get(i)->as_table(),
                         std::string(key) + " " + std::to_string(i + 1), keys_of(key), out_);
      read(reader);
    }
  }

  static std::vector<std::string_view> keys_of(std::string_view table) {
    if (table == "licensure") return {"state", "effective"};
    if (table == "role") return {"role", "credentials", "licence"};
    if (table == "section") return {"section", "roles"};
    return {"performed_by", "sections", "reviewed_by"};
  }

  void read_header(TableReader& top) {
    if (std::optional<config::NameAndVersion> header =
            config::read_name_and_version(top, "personnel")) {
      parsed_.name_ = std::move(header->name);
      parsed_.version_ = std::move(header->version);
    }
  }

  void read_exceptions(TableReader& top) {
    const toml::table* table = top.table("exceptions", Required::kNo);
    if (table == nullptr) return;
    TableReader reader(*table, "[exceptions]", {"max_days"}, out_);
    reader.report_unknown_keys();
    if (const std::optional<std::int64_t> days = reader.integer("max_days", Required::kYes)) {
      if (*days < 1 || *days > 366) {
        reader.problem("max_days", "must be 1 to 366 days, not " + std::to_string(*days));
      } else {
        parsed_.exception_max_days_ = static_cast<int>(*days);
      }
    }
  }

  void read_licensure(TableReader& reader) {
    const std::optional<std::string> state = reader.text("state", Required::kYes);
    if (state) reader.set_context("licensure of state " + in_quotes(*state));
    reader.report_unknown_keys();
    LicensureState entry;
    if (state) {
      const bool postal_code =
          state->size() == 2 && std::all_of(state->begin(), state->end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
          });
      if (!postal_code) {
        reader.problem("state",
                       "must be a two-letter postal code (\"CA\"), not " + in_quotes(*state));
      } else if (const auto first = states_.find(core::ascii_upper(*state));
                 first != states_.end()) {
        reader.problem("state", "names " + in_quotes(*state) + " again (first at line " +
                                    std::to_string(first->second) + ")");
      } else {
        states_.emplace(core::ascii_upper(*state), reader.position_of_key("state").line);
      }
      entry.state = core::ascii_upper(*state);
    }
    if (const std::optional<std::string> effective = reader.text("effective", Required::kNo)) {
      const Result<core::Date> date = core::parse_date(*effective);
      if (!date) {
        reader.problem("effective", "must be a date YYYY-MM-DD, not " + in_quotes(*effective));
      } else {
        entry.effective = *date;
      }
    }
    parsed_.licensure_.push_back(std::move(entry));
  }

  std::optional<core::Role> role_at(TableReader& reader, std::string_view key,
                                    const std::string& text) {
    const Result<core::Role> role = core::parse_role(text);
    if (!role) {
      const std::string nearest =
          core::nearest_spelling(text, {"technician", "technologist", "supervisor", "pathologist"},
                                 core::LetterCase::kIgnored);
      reader.problem(key,
                     "names " + in_quotes(text) + ", which is not a role" +
                         (nearest.empty() ? "" : " (did you mean " + in_quotes(nearest) + "?)"));
      return std::nullopt;
    }
    if (*role == core::Role::kClerk || *role == core::Role::kClinician ||
        *role == core::Role::kAdmin || *role == core::Role::kInterface) {
      reader.problem(key, "names role " + in_quotes(text) +
                              ", which never performs or releases tests (technician, "
                              "technologist, supervisor or pathologist)");
      return std::nullopt;
    }
    return *role;
  }

  std::vector<core::Role> roles_at(TableReader& reader, std::string_view key) {
    std::vector<core::Role> roles;
    const std::optional<std::vector<TextAt>> texts = reader.texts(key, Required::kYes);
    if (!texts) return roles;
    if (texts->empty()) reader.problem(key, "must name at least one role");
    for (const TextAt& text : *texts) {
      if (const std::optional<core::Role> role = role_at(reader, key, text.text)) {
        roles.push_back(*role);
      }
    }
    return roles;
  }

  void read_role(TableReader& reader) {
    const std::optional<std::string> name = reader.text("role", Required::kYes);
    if (name) reader.set_context("role " + in_quotes(*name));
    reader.report_unknown_keys();
    RoleRequirement requirement;
    if (name) {
      if (const std::optional<core::Role> role = role_at(reader, "role", *name)) {
        if (parsed_.requirement_for(*role) != nullptr) {
          reader.problem("role", "is given twice");
        }
        requirement.role = *role;
      }
    }
    if (const std::optional<std::vector<TextAt>> credentials =
            reader.texts("credentials", Required::kYes)) {
      for (const TextAt& credential : *credentials)
        requirement.credentials.push_back(credential.text);
    }
    requirement.licence = reader.boolean("licence", Required::kNo).value_or(true);
    parsed_.roles_.push_back(std::move(requirement));
  }

  void read_section(TableReader& reader) {
    const std::optional<std::string> section = reader.text("section", Required::kYes);
    if (section) reader.set_context("section " + in_quotes(*section));
    reader.report_unknown_keys();
    SectionRoles entry;
    entry.section = section.value_or("");
    entry.line = reader.position_of_key("section").line;
    entry.roles = roles_at(reader, "roles");
    parsed_.sections_.push_back(std::move(entry));
  }

  void read_review(TableReader& reader) {
    reader.report_unknown_keys();
    ReviewPolicy policy;
    if (const std::optional<std::string> performed_by =
            reader.text("performed_by", Required::kYes)) {
      if (const std::optional<core::Role> role = role_at(reader, "performed_by", *performed_by)) {
        policy.performed_by = *role;
      }
    }
    if (const std::optional<std::vector<TextAt>> sections =
            reader.texts("sections", Required::kYes)) {
      if (sections->empty()) reader.problem("sections", "must name at least one section");
      for (const TextAt& section : *sections) policy.sections.push_back(section.text);
    }
    policy.line = reader.position_of_key("sections").line;
    policy.reviewed_by = roles_at(reader, "reviewed_by");
    if (std::find(policy.reviewed_by.begin(), policy.reviewed_by.end(), policy.performed_by) !=
        policy.reviewed_by.end()) {
      reader.problem("reviewed_by", "includes the role whose results it reviews");
    }
    parsed_.reviews_.push_back(std::move(policy));
  }

  const toml::table& root_;
  Diagnostics& out_;
  Requirements parsed_;
  std::map<std::string, int> states_;  // first line of each state
};

RequirementsLoad load_requirements(std::string_view text, const std::string& file) {
  auto [value, diagnostics] = config::load_with<RequirementsLoader>(text, file);
  return {std::move(value), std::move(diagnostics)};
}

const Requirements& default_requirements() {
  static const Requirements loaded = [] {
    RequirementsLoad load =
        load_requirements(default_requirements_text(), "catalog/personnel.toml");
    return config::built_in(std::move(load.requirements), load.diagnostics);
  }();
  return loaded;
}

}  // namespace aliquot::people
