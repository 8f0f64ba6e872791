// `aliquot demo`: a fresh lab with one simulated day in it, to explore with the other commands.

#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "simulate/demo.h"

namespace aliquot::cli {
namespace {

Result<void> run_demo(Session& session, const simulate::DemoOptions& options) {
  if (session.json()) {
    // The human summary is not wanted with --json; the summary itself is.
    std::ostringstream discarded;
    ALIQUOT_ASSIGN_OR_RETURN(const simulate::DaySummary summary,
                             simulate::run_demo(options, discarded));
    nlohmann::json body = simulate::to_json(summary);
    body["database"] = simulate::demo_database_path(options.dir);
    session.set_json(body);
    return ok();
  }
  ALIQUOT_ASSIGN_OR_RETURN(const simulate::DaySummary summary,
                           simulate::run_demo(options, session.out()));
  (void)summary;
  return ok();
}

}  // namespace

void add_demo_command(CLI::App& app, CommandSelection& selection) {
  auto options = std::make_shared<simulate::DemoOptions>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "create a lab under DIR (DIR/aliquot.db, replaced if present) and run one simulated day "
      "in it");
  command->add_option("--dir", options->dir, "directory of the demo lab")->capture_default_str();
  command->add_option("--patients", options->patients, "patients seen during the day")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->add_option("--seed", options->seed, "random seed: the same seed gives the same day")
      ->capture_default_str();
  selection.bind(command, [options](Session& session) { return run_demo(session, *options); });
}

}  // namespace aliquot::cli
