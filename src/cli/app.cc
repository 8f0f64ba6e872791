#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>

#include "cli/astm_commands.h"
#include "cli/calc_command.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/hl7_commands.h"
#include "cli/instrument_commands.h"
#include "cli/outbox_commands.h"
#include "cli/people_command.h"
#include "cli/qc_command.h"
#include "cli/rules_command.h"
#include "cli/session.h"
#include "cli/validate_command.h"

#ifndef ALIQUOT_VERSION
#define ALIQUOT_VERSION "unknown"
#endif

namespace aliquot::cli {
namespace {

constexpr const char* kAppFooter = R"(Environment:
  ALIQUOT_DB    database used when --db is not given (else ./var/aliquot.db)
  ALIQUOT_USER  acting user when --user is not given (else admin)

Exit status: 0 done; 1 refused by the lab (rule, permission, exists, not found);
2 bad command line or input; 3 database or internal failure.

Run `aliquot COMMAND --help` for the options of a command.)";

// Every subcommand inherits this one; the global options are parsed wherever they stand.
constexpr const char* kCommandFooter =
    "Global options: --db PATH, --user NAME, --json (see `aliquot --help`).";

std::string json_text(const nlohmann::json& document) {
  // Names typed by people may carry invalid UTF-8; replace rather than fail to print.
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Prints an error the one way every command does, and returns its exit status.
int fail(const Error& error, ExitCode exit_code, OutputFormat format, nlohmann::json body,
         std::ostream& out, std::ostream& err) {
  err << "aliquot: " << error.to_string() << "\n";
  if (format == OutputFormat::kJson) {
    if (!body.is_object()) body = nlohmann::json::object();
    body["error"] = error_to_json(error);
    out << json_text(body);
  }
  return static_cast<int>(exit_code);
}

// CLI11 says only "A subcommand is required"; say which command was not understood and which
// ones there are.
std::string explain(const CLI::App& app, const CLI::ParseError& error) {
  const std::string what = error.what();
  if (error.get_name() != "RequiredError" || what.rfind("A subcommand", 0) != 0) return what;
  const CLI::App* deepest = &app;
  while (!deepest->get_subcommands().empty()) deepest = deepest->get_subcommands().front();
  std::string path = deepest->get_name();
  for (const CLI::App* parent = deepest->get_parent(); parent != nullptr;
       parent = parent->get_parent()) {
    path = parent->get_name() + " " + path;
  }
  std::string commands;
  for (const CLI::App* command : deepest->get_subcommands([](const CLI::App*) { return true; })) {
    commands += (commands.empty() ? "" : ", ") + command->get_name();
  }
  for (const std::string& extra : app.remaining(true)) {
    if (!extra.empty() && extra[0] != '-') {
      return "unknown command '" + extra + "' for `" + path + "`; the commands are: " + commands;
    }
  }
  return "`" + path + "` needs a command: " + commands;
}

}  // namespace

int run(const std::vector<std::string>& arguments, const Environment& environment,
        const core::Clock& clock, std::ostream& out, std::ostream& err) {
  GlobalOptions options;
  options.database_path = environment.database.value_or(kDefaultDatabasePath);
  options.username = environment.user.value_or("admin");
  bool json = false;

  CLI::App app("aliquot: the clinical laboratory information system.", "aliquot");
  app.footer(kCommandFooter);
  app.set_version_flag("--version", std::string("aliquot ") + ALIQUOT_VERSION);
  app.require_subcommand(1);
  // Global options may also follow the command: `aliquot report MRN1 --json`.
  app.fallthrough();
  app.add_option("--db", options.database_path, "lab database file")
      ->capture_default_str()
      ->type_name("PATH");
  app.add_option("--user", options.username, "the person acting; must be a user of the lab")
      ->capture_default_str()
      ->type_name("NAME");
  app.add_flag("--json", json, "machine-readable output on stdout");

  CommandSelection selection;
  add_init_command(app, selection);
  add_user_commands(app, selection);
  add_patient_commands(app, selection);
  add_order_commands(app, selection);
  add_specimen_commands(app, selection);
  add_result_commands(app, selection);
  add_worklist_command(app, selection);
  add_report_command(app, selection);
  add_audit_commands(app, selection);
  add_catalog_commands(app, selection);
  add_calc_command(app, selection);
  add_rules_command(app, selection);
  add_qc_commands(app, selection);
  add_validate_command(app, selection);
  add_people_commands(app, selection);
  add_hl7_commands(app, selection);
  add_astm_commands(app, selection);
  add_serve_command(app, selection);
  add_interface_commands(app, selection);
  add_instrument_commands(app, selection);
  add_outbox_commands(app, selection);
  add_demo_command(app, selection);
  app.footer(kAppFooter);

  std::vector<const char*> argv;
  argv.reserve(arguments.size());
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  // --json is honoured for usage errors too, though parsing did not finish.
  const bool json_requested =
      std::find(arguments.begin(), arguments.end(), "--json") != arguments.end();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version, out, err);
  } catch (const CLI::ParseError& parse_error) {
    return fail(invalid_argument(explain(app, parse_error) + " (run with --help for usage)"),
                ExitCode::kUsage, json_requested ? OutputFormat::kJson : OutputFormat::kText,
                nullptr, out, err);
  }
  options.format = json ? OutputFormat::kJson : OutputFormat::kText;
  if (!selection.selected()) {
    return fail(internal_error("no command was selected"), ExitCode::kFailure, options.format,
                nullptr, out, err);
  }

  Session session(options, clock, out);
  Result<void> outcome = ok();
  try {
    outcome = (*selection.selected())(session);
  } catch (const std::exception& exception) {
    // Library boundaries convert their exceptions; anything arriving here is a defect.
    outcome = internal_error(std::string("unexpected failure: ") + exception.what());
  }
  if (!outcome) {
    // Whatever the command prepared describes work that was not committed: print the error only.
    return fail(outcome.error(), exit_code_for(outcome.error().code()), options.format, nullptr,
                out, err);
  }
  if (session.finding()) {
    return fail(*session.finding(), ExitCode::kRefused, options.format, session.json_body(), out,
                err);
  }
  if (session.json()) {
    out << json_text(session.json_body().is_null() ? nlohmann::json::object()
                                                   : session.json_body());
  }
  return static_cast<int>(ExitCode::kSuccess);
}

}  // namespace aliquot::cli
