#pragma once

// The command groups of `aliquot`, one file each. A group adds its subcommands to the parsed
// command line and binds each to the action that runs when it is the one given.

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "cli/session.h"
#include "core/error.h"
#include "core/text.h"
#include "rules/loader.h"

namespace aliquot::cli {

using CommandAction = std::function<Result<void>(Session&)>;

// Remembers which command the command line selected. Not thread-safe.
class CommandSelection {
 public:
  // Makes `action` run when `command` is parsed.
  void bind(CLI::App* command, CommandAction action);
  const std::optional<CommandAction>& selected() const { return selected_; }

 private:
  std::optional<CommandAction> selected_;
};

// Commands that need no lab database: they work on files or make the database.
void add_init_command(CLI::App& app, CommandSelection& selection);
void add_catalog_commands(CLI::App& app, CommandSelection& selection);
void add_demo_command(CLI::App& app, CommandSelection& selection);

// Commands on an existing lab.
void add_user_commands(CLI::App& app, CommandSelection& selection);
void add_patient_commands(CLI::App& app, CommandSelection& selection);
void add_order_commands(CLI::App& app, CommandSelection& selection);  // order, accession
void add_specimen_commands(CLI::App& app, CommandSelection& selection);
void add_result_commands(CLI::App& app, CommandSelection& selection);  // result, critical
void add_worklist_command(CLI::App& app, CommandSelection& selection);
void add_report_command(CLI::App& app, CommandSelection& selection);
void add_audit_commands(CLI::App& app, CommandSelection& selection);
// quarantine, interfaces
void add_interface_commands(CLI::App& app, CommandSelection& selection);
void add_serve_command(CLI::App& app, CommandSelection& selection);

// Helpers shared by the groups.

// A time given on the command line ("2026-03-02T08:05Z"); the error names the option.
Result<std::optional<core::Instant>> parse_optional_time(const std::string& option,
                                                         const std::string& text);
// The whole of the file at `path`; `what` names it in the error ("catalog file", "instrument
// profile"): InvalidArgument "cannot read WHAT 'PATH'".
Result<std::string> read_input_file(const std::string& what, const std::string& path);
// The text of the file at `path`, or of standard input when `path` is "-", with the name that
// messages give it ("standard input" or the path).
struct InputText {
  std::string name;
  std::string text;
};
Result<InputText> read_input_or_stdin(const std::string& what, const std::string& path);
// A lab-data file that does not load: "NAME has N problems:" and each diagnostic on its own
// indented line.
Error file_problems(const std::string& name, const std::vector<Error>& diagnostics);
// The catalog in `file`, or the built-in default menu when `file` is empty; every problem of a
// file that does not load in one InvalidArgument.
Result<catalog::Catalog> catalog_or_default(const std::string& file);
// The rules in `file`, or the built-in default rules when `file` is empty, checked against `menu`.
rules::LoadOutcome rules_or_default(const std::string& file, const catalog::Catalog& menu);

// A checked file's diagnostics as JSON: [{file, line, column, message}, ...].
nlohmann::json diagnostics_json(const std::vector<Error>& diagnostics);
// Prints every diagnostic (unless --json) and records the finding "NAME: N problems", so that the
// command exits with status 1.
void report_problems(Session& session, const std::string& name,
                     const std::vector<Error>& diagnostics);

using core::join;
using core::number_text;

}  // namespace aliquot::cli
